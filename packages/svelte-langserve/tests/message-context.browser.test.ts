import { describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage, InMemoryTransport } from '../src/lib/client/index.js';
import type { RequestPayload } from '../src/lib/protocol/index.js';
import AssistantPanelChat from '../stories/support/AssistantPanelChat.svelte';
import MessagePartsHarness from '../stories/support/MessagePartsHarness.svelte';
import { messageTexts } from '../stories/support/dom.js';
import { MessageParts } from '../src/lib/components/message/index.js';
import MessageInChat from './fixtures/MessageInChat.svelte';

const answer: ChatMessage = {
  id: 'a3',
  conversationId: 'c1',
  role: 'assistant',
  parts: [{ type: 'text', text: 'Blue.' }],
  status: 'complete',
  createdAt: '2026-03-02T09:14:06.003Z',
  delivery: 'sent',
};

const button = (name: string) => page.getByRole('button', { name, exact: true });

describe('the message context (real Chromium)', () => {
  it('gives every part a data-slot and a data-state', async () => {
    const screen = await render(MessagePartsHarness, {
      message: { ...answer, metadata: { model: 'demo', tokensPerSecond: 12 } },
      siblings: { index: 0, count: 2 },
      onRegenerate: () => {},
      onSelectBranch: () => {},
      onFeedback: () => {},
    });
    await expect.element(button('Good answer')).toBeVisible();
    const slots = [
      'message',
      'message-header',
      'message-body',
      'message-text',
      'message-metadata',
      'message-actions',
      'message-versions',
      'message-copy',
      'message-regenerate',
      'message-feedback',
    ];
    for (const slot of slots) {
      const element = screen.container.querySelector(`[data-slot="${slot}"]`);
      expect(element, slot).not.toBeNull();
      expect(element!.getAttribute('data-state'), slot).toBeTruthy();
    }
  });

  it('takes the actions from the root props: the parts call them with the message id', async () => {
    const onRegenerate = vi.fn();
    const onFeedback = vi.fn();
    const copy = vi.fn(async (_text: string) => {});
    await render(MessagePartsHarness, { message: answer, onRegenerate, onFeedback, copy });
    await button('Regenerate answer').click();
    expect(onRegenerate).toHaveBeenCalledWith('a3');
    await button('Copy message').click();
    expect(copy).toHaveBeenCalledWith('Blue.');
    await expect.element(button('Copied')).toBeVisible();
    await button('Bad answer').click();
    await userEvent.fill(
      page.getByRole('textbox', { name: 'What went wrong? (optional)' }),
      'Too short',
    );
    await button('Send note').click();
    expect(onFeedback.mock.calls).toEqual([
      ['a3', -1, undefined],
      ['a3', -1, 'Too short'],
    ]);
  });

  it("prefers the root's props over the provided store, and ignores the store with useStore={false}", async () => {
    let transport!: InMemoryTransport;
    const onRegenerate = vi.fn();
    const screen = await render(MessageInChat, {
      message: answer,
      onRegenerate,
      onTransport: (given) => (transport = given),
    });
    await button('Regenerate answer').click();
    expect(onRegenerate).toHaveBeenCalledWith('a3');
    expect(transport.requests.some((request) => request.event === 'messages:regenerate')).toBe(
      false,
    );
    // Feedback had no prop: it comes from the store.
    await button('Good answer').click();
    await expect
      .poll(() => transport.requests.filter((request) => request.event === 'messages:feedback'))
      .toHaveLength(1);
    screen.unmount();

    const alone = await render(MessageInChat, { message: answer, useStore: false });
    await expect.element(page.getByText('Blue.')).toBeVisible();
    expect(alone.container.querySelector('[data-slot="message-actions"]')).toBeNull();
  });

  it('says where a part must go when it is used outside a message', async () => {
    await expect(async () => render(MessageParts.Copy)).rejects.toThrow(
      'A message part must be inside MessageParts.Root, Message or MessageActions.',
    );
  });

  it('drives the store from a composition of parts (the assistant panel)', async () => {
    let transport!: InMemoryTransport;
    const screen = await render(AssistantPanelChat, {
      onTransport: (given) => (transport = given),
    });
    await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Blue.']);
    expect(screen.container.querySelector('[data-slot="message-versions"]')).toBeNull();

    await button('Bad answer').click();
    await userEvent.fill(
      page.getByRole('textbox', { name: 'What should it have said? (optional)' }),
      'Say teal.',
    );
    await button('Send note').click();
    const feedback = () =>
      transport.requests
        .filter((request) => request.event === 'messages:feedback')
        .map((request) => request.payload as RequestPayload<'messages:feedback'>);
    await expect.poll(() => feedback().at(-1)).toMatchObject({ value: -1, comment: 'Say teal.' });

    await button('Edit message').click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await expect.element(editor).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await expect.element(button('Edit message')).toHaveFocus();

    await button('Regenerate answer').click();
    await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Purple.']);
  });
});
