import { describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage, InMemoryTransport } from '../src/lib/client/index.js';
import Message from '../src/lib/components/chat/Message.svelte';
import type { RequestPayload } from '../src/lib/protocol/index.js';
import BranchedChat from '../stories/support/BranchedChat.svelte';
import { messageTexts } from '../stories/support/dom.js';

async function renderChat() {
  let transport!: InMemoryTransport;
  const screen = await render(BranchedChat, { onTransport: (given) => (transport = given) });
  await expect.element(page.getByText('Connected', { exact: true })).toBeVisible();
  await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Blue.']);
  return { screen, transport };
}

const button = (name: string) => page.getByRole('button', { name, exact: true });
const position = () => page.getByText(/^\d+ of \d+$/);

describe('MessageActions in a chat (real Chromium)', () => {
  it('navigates the versions of an answer with the mouse and the keyboard', async () => {
    const { screen } = await renderChat();
    await expect.element(position()).toHaveTextContent('3 of 3');
    await expect.element(button('Next version')).toBeDisabled();
    await button('Previous version').click();
    await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Green.']);
    await expect.element(position()).toHaveTextContent('2 of 3');
    (button('Previous version').element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Red.']);
    await expect.element(position()).toHaveTextContent('1 of 3');
    await expect.element(button('Previous version')).toBeDisabled();
  });

  it('edits a question: Enter sends a new version, Escape cancels', async () => {
    const { screen, transport } = await renderChat();
    await button('Edit message').click();
    const editor = page.getByRole('textbox', { name: 'Edit message' });
    await expect.element(editor).toHaveFocus();
    await expect.element(editor).toHaveValue('Name a colour.');
    await userEvent.keyboard('{Escape}');
    await expect.element(editor).not.toBeInTheDocument();
    await expect.element(button('Edit message')).toHaveFocus();

    await button('Edit message').click();
    await userEvent.fill(editor, 'Name a fruit.');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => messageTexts(screen.container, 'user')).toEqual(['Name a fruit.']);
    await expect
      .poll(() => messageTexts(screen.container, 'assistant'))
      .toEqual(['You said: Name a fruit.']);
    const send = transport.requests.find((request) => request.event === 'messages:send');
    expect(send?.payload as RequestPayload<'messages:send'>).toMatchObject({
      text: 'Name a fruit.',
      parentId: null,
    });
    // The old question is the first of two versions, with its own answers below it.
    await expect.element(position().first()).toHaveTextContent('2 of 2');
    await button('Previous version').first().click();
    await expect.poll(() => messageTexts(screen.container, 'user')).toEqual(['Name a colour.']);
    await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Blue.']);
  });

  it('regenerates an answer as a new version, and copies a message', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as never);
    const { screen, transport } = await renderChat();
    await button('Regenerate answer').click();
    await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Purple.']);
    await expect.element(position()).toHaveTextContent('4 of 4');
    expect(
      transport.requests.find((request) => request.event === 'messages:regenerate')?.payload,
    ).toMatchObject({ messageId: 'a3' });

    await button('Copy message').last().click();
    expect(writeText).toHaveBeenCalledWith('Purple.');
    await expect.element(button('Copied')).toBeVisible();
    vi.restoreAllMocks();
  });

  it('works without a store: Message takes the callbacks as props', async () => {
    const message: ChatMessage = {
      id: 'q1',
      conversationId: 'c1',
      role: 'user',
      parts: [{ type: 'text', text: 'Hello' }],
      status: 'complete',
      createdAt: '2026-03-02T09:14:06.003Z',
      delivery: 'sent',
    };
    const onEdit = vi.fn();
    const onSelectBranch = vi.fn();
    await render(Message, { message, siblings: { index: 0, count: 2 }, onEdit, onSelectBranch });
    await button('Next version').click();
    expect(onSelectBranch).toHaveBeenCalledWith('q1', 'next');
    await button('Edit message').click();
    await userEvent.keyboard('{Control>}a{/Control}Hi{Enter}');
    expect(onEdit).toHaveBeenCalledWith('q1', 'Hi');
    await expect.element(page.getByText('Hello')).toBeVisible();
  });

  it('shows no actions without a store or callbacks', async () => {
    const message: ChatMessage = {
      id: 'a1',
      conversationId: 'c1',
      role: 'assistant',
      parts: [{ type: 'text', text: 'Hi' }],
      status: 'complete',
      createdAt: '2026-03-02T09:14:06.003Z',
      delivery: 'sent',
    };
    const screen = await render(Message, { message });
    expect(screen.container.querySelector('[data-slot="message-actions"]')).toBeNull();
  });
});
