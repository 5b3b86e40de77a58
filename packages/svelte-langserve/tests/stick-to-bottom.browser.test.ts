import { flushSync } from 'svelte';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage } from '../src/lib/client/index.js';
import MessageList from '../src/lib/components/chat/MessageList.svelte';
import { stickToBottom } from '../src/lib/components/chat/stick-to-bottom.js';
import { preloadMarkdown } from '../src/lib/markdown/engine.js';

const message = (index: number): ChatMessage => ({
  id: `m${index}`,
  conversationId: 'c1',
  role: index % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `Message ${index}\n`.repeat(4) }],
  status: 'complete',
  createdAt: '2026-01-01T00:00:00.000Z',
  delivery: 'sent',
});
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));

// Heights are measured here: the markdown engine (a lazy chunk) must not arrive mid-test and
// turn plain text into rendered markdown under the measurements.
beforeAll(() => preloadMarkdown());

describe('MessageList scrolling (real Chromium)', () => {
  it('follows new messages at the bottom, and leaves a reader who scrolled up alone', async () => {
    const messages = Array.from({ length: 20 }, (_, index) => message(index));
    const screen = await render(MessageList, { messages });
    const list = screen.container.querySelector<HTMLElement>('[data-slot="message-list"]')!;
    list.style.height = '200px';
    list.scrollTop = list.scrollHeight;
    await frame();
    const distance = () => list.scrollHeight - list.scrollTop - list.clientHeight;

    await screen.rerender({ messages: [...messages, message(20)] });
    flushSync();
    await frame();
    expect(distance()).toBeLessThan(2);

    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    await screen.rerender({ messages: [...messages, message(20), message(21)] });
    flushSync();
    await frame();
    expect(list.scrollTop).toBe(0);
  });
});

describe('stickToBottom (real Chromium)', () => {
  /** A 200 px scroll box with `count` 50 px rows, the attachment on it. */
  function box(count: number) {
    const element = document.createElement('div');
    element.style.cssText = 'height: 200px; overflow-y: auto';
    for (let index = 0; index < count; index += 1) element.append(row(50));
    document.body.append(element);
    const detach = stickToBottom(element);
    const distance = () => element.scrollHeight - element.scrollTop - element.clientHeight;
    return {
      element,
      distance,
      [Symbol.dispose]: () => {
        if (typeof detach === 'function') detach();
        element.remove();
      },
    };
  }
  function row(height: number) {
    const element = document.createElement('div');
    element.style.height = `${height}px`;
    return element;
  }

  it('follows content that grows inside a child, before the frame is painted', async () => {
    using list = box(10);
    await frame();
    const last = list.element.lastElementChild as HTMLElement;
    last.style.height = '300px';
    // After the next frame's layout (the ResizeObserver's turn), before anything else runs.
    await frame();
    await frame();
    expect(list.distance()).toBeLessThan(1);
    list.element.append(row(120));
    await frame();
    await frame();
    expect(list.distance()).toBeLessThan(1);
  });

  it('stays at the bottom when the box itself gets shorter', async () => {
    using list = box(10);
    await frame();
    list.element.style.height = '120px';
    await frame();
    await frame();
    expect(list.distance()).toBeLessThan(1);
  });

  it('leaves a reader who scrolled up by script in the frame content grew', async () => {
    using list = box(20);
    await frame();
    await frame();
    list.element.scrollTop = 0;
    // Same frame, before the scroll event: the content grows.
    (list.element.lastElementChild as HTMLElement).style.height = '90px';
    await frame();
    await frame();
    expect(list.element.scrollTop).toBe(0);
    list.element.append(row(80));
    await frame();
    await frame();
    expect(list.element.scrollTop).toBe(0);
  });

  it('reads no layout when the DOM changes: only after the browser laid the frame out', async () => {
    using list = box(10);
    await frame();
    const reads = vi.spyOn(list.element, 'scrollHeight', 'get');
    (list.element.lastElementChild as HTMLElement).style.height = '80px';
    list.element.append(row(60));
    await Promise.resolve();
    expect(reads).not.toHaveBeenCalled();
    await frame();
    await frame();
    expect(reads).toHaveBeenCalled();
    expect(list.distance()).toBeLessThan(1);
    reads.mockRestore();
  });
});
