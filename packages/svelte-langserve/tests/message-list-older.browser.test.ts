import { beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage } from '../src/lib/client/index.js';
import MessageList from '../src/lib/components/chat/MessageList.svelte';
import '../stories/stories.css';
import { longConversation } from '../stories/support/long-conversation.js';
import { preloadMarkdown } from '../src/lib/markdown/engine.js';

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
const frames = async (count: number) => {
  for (let index = 0; index < count; index += 1) await frame();
};

/** The number in a message's text ("Question 12: …" or "Answer 13: …"). */
function idOf(element: Element): string {
  return /(?:Question|Answer) (\d+)/.exec(element.textContent ?? '')?.[1] ?? '';
}

/** The first message whose bottom is below the list's top edge, and its distance from it. */
function firstVisible(list: HTMLElement): { id: string; gap: number } {
  const top = list.getBoundingClientRect().top;
  for (const element of list.querySelectorAll<HTMLElement>('[data-slot="message"]')) {
    const rect = element.getBoundingClientRect();
    if (rect.bottom > top + 1) {
      return { id: idOf(element), gap: rect.top - top };
    }
  }
  return { id: '', gap: 0 };
}

// Heights are measured here: the markdown engine (a lazy chunk) must not arrive mid-test and
// turn plain text into rendered markdown under the measurements.
beforeAll(() => preloadMarkdown());

describe('MessageList: load earlier messages (real Chromium)', () => {
  for (const [older, label] of [
    [6, 'a few (all stay mounted)'],
    [120, 'many (the anchor is unmounted, then mounted again)'],
  ] as const) {
    it(`keeps the view anchored when ${label} older messages are put first`, async () => {
      const all = longConversation(older + 30);
      let calls = 0;
      const screen = await render(MessageList, {
        messages: all.slice(older),
        hasOlder: true,
        onLoadOlder: () => {
          calls += 1;
        },
      });
      const list = screen.container.querySelector<HTMLElement>('[data-slot="message-list"]')!;
      list.style.height = '500px';
      await frames(4);

      // Scroll to the top, where the button is, and click it.
      list.scrollTop = 0;
      await frames(4);
      list.scrollTop = 40;
      await frames(4);
      await page.getByRole('button', { name: 'Load earlier messages' }).click();
      expect(calls).toBe(1);
      const before = firstVisible(list);
      expect(Number(before.id)).toBe(older);

      await screen.rerender({ messages: all as ChatMessage[], hasOlder: false });
      await frames(6);
      // The message that was first in view is where it was.
      const anchor = [...list.querySelectorAll<HTMLElement>('[data-slot="message"]')].find(
        (element) => idOf(element) === before.id,
      );
      expect(anchor).toBeDefined();
      const gap = anchor!.getBoundingClientRect().top - list.getBoundingClientRect().top;
      expect(Math.abs(gap - before.gap)).toBeLessThan(2);
      // The button is gone and the older messages are above, reachable by scrolling up.
      await expect
        .element(page.getByRole('button', { name: 'Load earlier messages' }))
        .not.toBeInTheDocument();
      expect(list.scrollTop).toBeGreaterThan(100);
      list.scrollTop = 0;
      await frames(6);
      expect(firstVisible(list).id).toBe('0');
    });
  }
});
