import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { InMemoryTransport } from '../src/lib/client/index.js';
import type { RequestPayload } from '../src/lib/protocol/index.js';
import BranchedChat from '../stories/support/BranchedChat.svelte';
import { messageTexts } from '../stories/support/dom.js';

async function renderChat(props: { refuseFeedback?: boolean } = {}) {
  let transport!: InMemoryTransport;
  const screen = await render(BranchedChat, {
    ...props,
    onTransport: (given) => (transport = given),
  });
  await expect.element(page.getByText('Connected', { exact: true })).toBeVisible();
  await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual(['Blue.']);
  const sent = () =>
    transport.requests
      .filter((request) => request.event === 'messages:feedback')
      .map((request) => request.payload as RequestPayload<'messages:feedback'>)
      .map(({ messageId, value }) => ({ messageId, value }));
  return { screen, sent };
}

const good = () => page.getByRole('button', { name: 'Good answer' });
const bad = () => page.getByRole('button', { name: 'Bad answer' });

describe('feedback buttons in a chat (real Chromium)', () => {
  it('rates the answer, switches the rating, and clears it by pressing it again', async () => {
    const { sent } = await renderChat();
    // One pair, on the answer: questions are not rated.
    expect(page.getByRole('button', { name: 'Good answer' }).elements()).toHaveLength(1);
    await expect.element(good()).toHaveAttribute('aria-pressed', 'false');
    await good().click();
    await expect.element(good()).toHaveAttribute('aria-pressed', 'true');
    await bad().click();
    await expect.element(bad()).toHaveAttribute('aria-pressed', 'true');
    await expect.element(good()).toHaveAttribute('aria-pressed', 'false');
    await bad().click();
    await expect.element(bad()).toHaveAttribute('aria-pressed', 'false');
    expect(sent()).toEqual([
      { messageId: 'a3', value: 1 },
      { messageId: 'a3', value: -1 },
      { messageId: 'a3', value: null },
    ]);
  });

  it('works from the keyboard', async () => {
    await renderChat();
    (good().element() as HTMLElement).focus();
    await expect.element(good()).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(good()).toHaveAttribute('aria-pressed', 'true');
    await userEvent.keyboard(' ');
    await expect.element(good()).toHaveAttribute('aria-pressed', 'false');
  });

  it('undoes a rating the server refuses and says why', async () => {
    const { sent } = await renderChat({ refuseFeedback: true });
    await good().click();
    await expect.element(page.getByText('Feedback is not being recorded right now.')).toBeVisible();
    await expect.element(good()).toHaveAttribute('aria-pressed', 'false');
    expect(sent()).toEqual([{ messageId: 'a3', value: 1 }]);
  });
});
