import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage } from '../src/lib/client/index.js';
import MessageList from '../src/lib/components/chat/MessageList.svelte';

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
