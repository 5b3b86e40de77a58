import { flushSync } from 'svelte';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage } from '../src/lib/client/index.js';
import MessageList from '../src/lib/components/chat/MessageList.svelte';
import { preloadMarkdown } from '../src/lib/markdown/engine.js';

/** A message whose height varies with its index (1 to 9 lines, some with a list). */
const message = (index: number, status: ChatMessage['status'] = 'complete'): ChatMessage => ({
  id: `m${index}`,
  conversationId: 'c1',
  role: index % 2 ? 'assistant' : 'user',
  parts: [
    {
      type: 'text',
      text:
        index % 2
          ? `Answer ${index}.\n\n` + '- a point worth making\n'.repeat(index % 5)
          : `Question ${index}` + ' and some more words'.repeat(index % 9),
    },
  ],
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  delivery: 'sent',
});
const conversation = (length: number) => Array.from({ length }, (_, index) => message(index));

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
const frames = async (count: number) => {
  for (let index = 0; index < count; index += 1) await frame();
};

const BOUND = 60;

async function mount(messages: ChatMessage[]) {
  const screen = await render(MessageList, { messages });
  const list = screen.container.querySelector<HTMLElement>('[data-slot="message-list"]')!;
  list.style.height = '600px';
  await frames(4);
  const rendered = () => list.querySelectorAll('[data-slot="message"]');
  const ids = () => [...list.querySelectorAll('[data-slot="message"]')].map(idOf);
  const distance = () => list.scrollHeight - list.scrollTop - list.clientHeight;
  return { screen, list, rendered, ids, distance };
}

/** The id a rendered message shows (its text starts with "Question N" or "Answer N"). */
function idOf(element: Element): string {
  const match = /(?:Question|Answer) (\d+)/.exec(element.textContent ?? '');
  return match ? `m${match[1]}` : '';
}

/** Scrolls as a reader would, then lets measurements settle. */
async function scrollTo(list: HTMLElement, top: number) {
  list.scrollTop = top;
  await frames(4);
}

// Heights are measured here: the markdown engine (a lazy chunk) must not arrive mid-test and
// turn plain text into rendered markdown under the measurements.
beforeAll(() => preloadMarkdown());

describe('MessageList windowing (real Chromium)', () => {
  it('keeps the DOM bounded at the bottom, middle and top of 2,000 messages', async () => {
    const { list, rendered, ids, distance } = await mount(conversation(2000));

    // Opens at the newest message.
    await expect.poll(distance).toBeLessThan(2);
    expect(ids()).toContain('m1999');
    expect(rendered().length).toBeLessThanOrEqual(BOUND);

    await scrollTo(list, list.scrollHeight / 2);
    const middle = ids();
    expect(middle.length).toBeGreaterThan(0);
    expect(middle.length).toBeLessThanOrEqual(BOUND);
    expect(middle).not.toContain('m0');
    // The live tail (the last message) stays mounted wherever the reader is.
    expect(middle).toContain('m1999');

    await scrollTo(list, 0);
    await expect.poll(() => list.scrollTop).toBe(0);
    expect(ids()).toContain('m0');
    expect(rendered().length).toBeLessThanOrEqual(BOUND);
    const first = list.querySelector('[data-slot="message-list-item"]')!;
    expect(first.getAttribute('data-index')).toBe('0');
    expect(first.getBoundingClientRect().top).toBeGreaterThanOrEqual(
      list.getBoundingClientRect().top,
    );
  });

  for (const anchoring of ['native', 'manual'] as const) {
    it(`keeps what the reader sees still while items above it are measured (${anchoring} anchoring)`, async () => {
      // Safari has no CSS scroll anchoring: MessageWindow then anchors by itself.
      const original = CSS.supports.bind(CSS);
      const spy = vi
        .spyOn(CSS, 'supports')
        .mockImplementation((property: string, value?: string) =>
          anchoring === 'manual' && property === 'overflow-anchor'
            ? false
            : value === undefined
              ? original(property)
              : original(property, value),
        );
      try {
        const { list, rendered } = await mount(conversation(2000));
        expect(list.style.overflowAnchor).toBe(anchoring === 'manual' ? 'none' : '');
        await scrollTo(list, list.scrollHeight / 3);
        const edge = list.getBoundingClientRect().top;
        const visible = [...list.querySelectorAll('[data-slot="message-list-item"]')].find(
          (item) => item.getBoundingClientRect().bottom > edge + 20,
        )!;
        const index = visible.getAttribute('data-index');
        const top = visible.getBoundingClientRect().top;

        // Scroll up (older items mount and are measured), then back down by the same amount.
        for (let step = 0; step < 3; step += 1) {
          list.scrollTop -= 300;
          await frames(2);
        }
        expect(rendered().length).toBeLessThanOrEqual(BOUND);
        for (let step = 0; step < 3; step += 1) {
          list.scrollTop += 300;
          await frames(2);
        }
        await frames(2);
        const again = list.querySelector(`[data-slot="message-list-item"][data-index="${index}"]`);
        expect(again).not.toBeNull();
        expect(Math.abs(again!.getBoundingClientRect().top - top)).toBeLessThan(2);
      } finally {
        spy.mockRestore();
      }
    });
  }

  it('scrolls with the keyboard: Home reaches the first message, End the last', async () => {
    const { list, ids, distance } = await mount(conversation(2000));
    // A real click focuses this test's frame too (keys go to the focused frame).
    await userEvent.click(page.elementLocator(list), { position: { x: 4, y: 4 } });
    list.focus();
    expect(document.activeElement).toBe(list);

    await userEvent.keyboard('{Home}');
    await expect.poll(() => list.scrollTop, { timeout: 10_000 }).toBe(0);
    await frames(2);
    expect(ids()).toContain('m0');

    await userEvent.keyboard('{End}');
    await expect.poll(distance, { timeout: 10_000 }).toBeLessThan(2);
    expect(ids()).toContain('m1999');
  });

  it('sticks to the bottom while the last answer streams; a reader who scrolled up stays put', async () => {
    const history = conversation(1999);
    const streaming = (text: string): ChatMessage => ({
      ...message(1999, 'streaming'),
      parts: [{ type: 'text', text }],
    });
    const { screen, list, distance, rendered } = await mount([
      ...history,
      streaming('Answer 1999'),
    ]);
    await expect.poll(distance).toBeLessThan(2);

    let text = 'Answer 1999.';
    for (let step = 0; step < 6; step += 1) {
      text += `\n\nParagraph ${step}: ` + 'streaming words '.repeat(12);
      await screen.rerender({ messages: [...history, streaming(text)] });
      flushSync();
      await frames(2);
      // Markdown paces a streaming answer (renderIntervalMs): the text may land a moment later.
      await expect.poll(distance).toBeLessThan(2);
    }
    expect(rendered().length).toBeLessThanOrEqual(BOUND);

    // The streaming answer is in the polite live region; the windowed history is not.
    const live = list.querySelector('[data-slot="message-list-live"]')!;
    expect(live.getAttribute('role')).toBe('log');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.querySelectorAll('[data-slot="message"]')).toHaveLength(1);
    expect(live.querySelector('[data-slot="message"]')!.getAttribute('aria-busy')).toBe('true');

    await scrollTo(list, 0);
    await expect.poll(() => list.scrollTop).toBe(0);
    text += '\n\nMore while the reader is away.';
    await screen.rerender({ messages: [...history, streaming(text)] });
    flushSync();
    await expect.poll(() => live.textContent).toContain('More while the reader is away.');
    await frames(2);
    expect(list.scrollTop).toBe(0);
  });

  it('mounts a bounded number even in a container with no bounded height', async () => {
    const errors: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.message);
    window.addEventListener('error', onError);
    try {
      const screen = await render(MessageList, { messages: conversation(2000) });
      await frames(6);
      const count = screen.container.querySelectorAll('[data-slot="message"]').length;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(BOUND);
      // Nothing is mounted from inside a ResizeObserver callback ("ResizeObserver loop" error).
      expect(errors).toEqual([]);
    } finally {
      window.removeEventListener('error', onError);
    }
  });
});
