import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PacedText } from '../src/lib/markdown/paced-text.svelte.js';

let clock = 0;
let cleanup: (() => void) | undefined;

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => {
  cleanup?.();
  vi.useRealTimers();
});

function setup(initial: { text?: string; live?: boolean; intervalMs?: number } = {}) {
  let text = $state(initial.text ?? '');
  let live = $state(initial.live ?? true);
  let intervalMs = $state(initial.intervalMs ?? 100);
  let paced!: PacedText;
  cleanup = $effect.root(() => {
    paced = new PacedText({
      text: () => text,
      live: () => live,
      intervalMs: () => intervalMs,
      now: () => clock,
    });
  });
  flushSync();
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
    flushSync();
  };
  return {
    paced,
    advance,
    set(next: { text?: string; live?: boolean; intervalMs?: number }) {
      if (next.text !== undefined) text = next.text;
      if (next.live !== undefined) live = next.live;
      if (next.intervalMs !== undefined) intervalMs = next.intervalMs;
      flushSync();
    },
  };
}

describe('PacedText (runes)', () => {
  it('shows the first change at once, then the newest at most every interval', () => {
    const { paced, set, advance } = setup();
    set({ text: 'a' });
    expect(paced.current).toBe('a');
    advance(30);
    set({ text: 'ab' });
    advance(30);
    set({ text: 'abc' });
    expect(paced.current).toBe('a');
    advance(39);
    expect(paced.current).toBe('a');
    advance(1); // 100 ms after 'a' was shown
    expect(paced.current).toBe('abc');
    // Nothing new: no render, no timer left behind.
    advance(500);
    expect(paced.current).toBe('abc');
    expect(vi.getTimerCount()).toBe(0);
    // A change after a quiet spell shows at once again.
    set({ text: 'abcd' });
    expect(paced.current).toBe('abcd');
  });

  it('shows the whole text at once when the text stops being live', () => {
    const { paced, set, advance } = setup({ text: 'x' });
    set({ text: 'xy' });
    advance(10);
    set({ text: 'xyz' });
    expect(paced.current).not.toBe('xyz');
    set({ live: false });
    expect(paced.current).toBe('xyz');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows every change at once when not live or with an interval of 0', () => {
    const idle = setup({ live: false });
    for (const text of ['a', 'ab', 'abc']) {
      idle.set({ text });
      expect(idle.paced.current).toBe(text);
    }
    cleanup?.();
    const unpaced = setup({ intervalMs: 0 });
    for (const text of ['a', 'ab', 'abc']) {
      unpaced.set({ text });
      expect(unpaced.paced.current).toBe(text);
    }
  });

  it('clears its timer when its owner is destroyed', () => {
    const { set, advance } = setup();
    set({ text: 'a' });
    advance(10);
    set({ text: 'ab' });
    expect(vi.getTimerCount()).toBe(1);
    cleanup?.();
    cleanup = undefined;
    expect(vi.getTimerCount()).toBe(0);
  });
});
