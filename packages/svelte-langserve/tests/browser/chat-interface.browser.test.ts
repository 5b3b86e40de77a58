import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { InMemoryTransport } from '../../src/lib/client/index.js';
import { messageTexts, streamingCursor, visibleText } from '../../stories/support/dom.js';
import ThemedChat from '../../stories/support/ThemedChat.svelte';
import { createScriptedTransport } from '../fixtures/scripted-server.js';
import { answerText, midStream, streamingAnswer } from '../fixtures/transcripts.js';

const FINAL = visibleText(answerText(streamingAnswer));
/** What the answer may look like after each delta: every render must be one of these. */
const PARTIALS = new Set(
  streamingAnswer.steps.map((_, index) =>
    visibleText(answerText(midStream(streamingAnswer, index))),
  ),
);

/** Renders a chat on `transport` and waits until it is connected. */
async function renderChat(transport: InMemoryTransport, props: { prompts?: string[] } = {}) {
  const screen = await render(ThemedChat, { transport, ...props });
  await expect.element(page.getByRole('status')).toHaveTextContent('Connected');
  return screen;
}

const textbox = () => page.getByRole('textbox', { name: 'Message' });
const composerInput = (root: HTMLElement) =>
  root.querySelector<HTMLTextAreaElement>('[data-slot="composer-input"]');
const sends = (transport: InMemoryTransport) =>
  transport.requests.filter((request) => request.event === 'messages:send');

describe('ChatInterface (real Chromium)', () => {
  it('sends on Enter: the request is recorded and the user message shown', async () => {
    const transport = createScriptedTransport({
      replies: [{ transcript: streamingAnswer }],
      speed: 0,
    });
    const screen = await renderChat(transport);
    await textbox().click();
    await userEvent.keyboard('Hello there{Enter}');

    await expect.element(textbox()).toHaveValue('');
    await expect
      .poll(() => sends(transport).map((request) => (request.payload as { text: string }).text))
      .toEqual(['Hello there']);
    await expect.poll(() => messageTexts(screen.container, 'user')).toEqual(['Hello there']);
    await expect.poll(() => messageTexts(screen.container, 'assistant')).toEqual([FINAL]);
  });

  it('inserts a newline on Shift+Enter and does not send', async () => {
    const transport = createScriptedTransport({
      replies: [{ transcript: streamingAnswer }],
      speed: 0,
    });
    const screen = await renderChat(transport);
    await textbox().click();
    await userEvent.keyboard('Line one{Shift>}{Enter}{/Shift}Line two');

    await expect.element(textbox()).toHaveValue('Line one\nLine two');
    // Give a wrongly sent message time to show up before asserting it did not.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sends(transport)).toHaveLength(0);
    expect(messageTexts(screen.container, 'user')).toEqual([]);

    await userEvent.keyboard('{Enter}');
    await expect.poll(() => messageTexts(screen.container, 'user')).toEqual(['Line one\nLine two']);
  });

  it('streams text incrementally with a cursor and a Stop button, both gone at the end', async () => {
    const transport = createScriptedTransport({ replies: [{ transcript: streamingAnswer }] });
    const screen = await renderChat(transport);
    const seen: { text: string; cursor: boolean; stop: boolean }[] = [];
    const observer = new MutationObserver(() => {
      const [text] = messageTexts(screen.container, 'assistant');
      if (text === undefined || seen.at(-1)?.text === text) return;
      seen.push({
        text,
        cursor: streamingCursor(screen.container) !== null,
        stop: screen.container.querySelector('[data-slot="composer-stop"]') !== null,
      });
    });
    observer.observe(screen.container, { childList: true, subtree: true, characterData: true });

    await textbox().fill(streamingAnswer.prompt);
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() => messageTexts(screen.container, 'assistant'), { timeout: 8000 })
      .toEqual([FINAL]);
    await expect.poll(() => streamingCursor(screen.container)).toBeNull();
    observer.disconnect();

    const partials = seen.filter(({ text }) => text.length > 0 && text !== FINAL);
    expect(partials.length).toBeGreaterThanOrEqual(2);
    for (const partial of partials) {
      expect(PARTIALS.has(partial.text), `unexpected render: ${partial.text}`).toBe(true);
      expect(partial.cursor).toBe(true);
      expect(partial.stop).toBe(true);
    }
    await expect.element(page.getByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Send' })).toBeInTheDocument();
  });

  it('shows Stop while streaming; clicking it sends runs:cancel, ends the answer and refocuses the composer', async () => {
    const transport = createScriptedTransport({ replies: [{ transcript: streamingAnswer }] });
    const screen = await renderChat(transport, { prompts: [streamingAnswer.prompt] });
    const stop = page.getByRole('button', { name: 'Stop' });
    await expect.element(stop).toBeVisible();
    await expect
      .poll(() => messageTexts(screen.container, 'assistant')[0]?.length ?? 0)
      .toBeGreaterThan(0);
    await stop.click();

    expect(transport.requests.filter((request) => request.event === 'runs:cancel')).toEqual([
      { event: 'runs:cancel', payload: { runId: streamingAnswer.runId } },
    ]);
    await expect.element(page.getByText('Stopped')).toBeVisible();
    await expect.element(stop).not.toBeInTheDocument();
    expect(streamingCursor(screen.container)).toBeNull();
    const [text = ''] = messageTexts(screen.container, 'assistant');
    expect(text.length).toBeLessThan(FINAL.length);
    expect(PARTIALS.has(text)).toBe(true);
    // The Stop button is gone: the keyboard is back in the text box, not lost on the page.
    expect(document.activeElement).toBe(composerInput(screen.container));
  });

  it('stops on Escape in the composer, which keeps the focus', async () => {
    const transport = createScriptedTransport({ replies: [{ transcript: streamingAnswer }] });
    const screen = await renderChat(transport, { prompts: [streamingAnswer.prompt] });
    await expect.element(page.getByRole('button', { name: 'Stop' })).toBeVisible();
    await textbox().click();
    await userEvent.keyboard('{Escape}');

    await expect
      .poll(() => transport.requests.filter((request) => request.event === 'runs:cancel'))
      .toHaveLength(1);
    await expect.element(page.getByText('Stopped')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
    expect(document.activeElement).toBe(composerInput(screen.container));
  });

  it('disables sending while disconnected and says so', async () => {
    const transport = createScriptedTransport({
      replies: [{ transcript: streamingAnswer }],
      speed: 0,
    });
    await renderChat(transport);
    transport.drop(false);

    await expect.element(page.getByRole('status')).toHaveTextContent('Disconnected');
    await textbox().fill('Anyone there?');
    await expect.element(page.getByRole('button', { name: 'Send' })).toBeDisabled();
    await textbox().click();
    await userEvent.keyboard('{Enter}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sends(transport)).toHaveLength(0);
    await expect.element(textbox()).toHaveValue('Anyone there?');
  });

  it('shows a failed send in the error banner, which can be dismissed', async () => {
    const message = 'You have too many answers in progress. Wait for one to finish.';
    const transport = createScriptedTransport({
      replies: [{ error: { code: 'conflict', message, retryable: false } }],
    });
    const screen = await renderChat(transport);
    await textbox().fill('One more');
    await userEvent.keyboard('{Enter}');

    const banner = page.getByRole('alert').filter({ hasText: message });
    await expect.element(banner).toBeVisible();
    expect(screen.container.querySelector('[data-slot="chat-error"]')?.textContent).toContain(
      message,
    );
    await expect.element(page.getByText('Not sent.')).toBeVisible();
    await page.getByRole('button', { name: 'Dismiss error' }).click();
    await expect.element(banner).not.toBeInTheDocument();
  });
});
