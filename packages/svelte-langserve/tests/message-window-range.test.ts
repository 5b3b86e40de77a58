import { describe, expect, it } from 'vitest';
import {
  itemAt,
  itemOffsets,
  liveTailStart,
  visibleRange,
} from '../src/lib/components/chat/message-window-range.js';

describe('itemOffsets / itemAt', () => {
  it('sums heights and finds the item containing a position', () => {
    const offsets = itemOffsets(4, (index) => [10, 20, 30, 40][index]!);
    expect([...offsets]).toEqual([0, 10, 30, 60, 100]);
    expect(itemAt(offsets, 0)).toBe(0);
    expect(itemAt(offsets, 9.9)).toBe(0);
    expect(itemAt(offsets, 10)).toBe(1);
    expect(itemAt(offsets, 59)).toBe(2);
    expect(itemAt(offsets, 1000)).toBe(3);
    expect(itemAt(offsets, -5)).toBe(0);
    expect(
      itemAt(
        itemOffsets(0, () => 1),
        5,
      ),
    ).toBe(0);
  });
});

describe('visibleRange', () => {
  const offsets = itemOffsets(1000, () => 50);

  it('covers the viewport plus the overscan on each side, clamped to the list', () => {
    expect(visibleRange(offsets, 0, 200, 2)).toEqual({ start: 0, end: 6 });
    expect(visibleRange(offsets, 5000, 200, 2)).toEqual({ start: 98, end: 106 });
    expect(visibleRange(offsets, 49_800, 200, 2)).toEqual({ start: 994, end: 1000 });
    expect(
      visibleRange(
        itemOffsets(0, () => 1),
        0,
        200,
        2,
      ),
    ).toEqual({ start: 0, end: 0 });
  });

  it('stays bounded by the viewport, not by the list length', () => {
    for (const top of [0, 12_345, 49_999]) {
      const { start, end } = visibleRange(offsets, top, 600, 4);
      expect(end - start).toBeLessThanOrEqual(600 / 50 + 1 + 8);
    }
  });
});

describe('liveTailStart', () => {
  const statuses = (...values: string[]) => values.map((status) => ({ status }));

  it('is the last message, plus streaming answers right before it', () => {
    expect(liveTailStart([])).toBe(0);
    expect(liveTailStart(statuses('complete', 'complete'))).toBe(1);
    expect(liveTailStart(statuses('complete', 'streaming', 'streaming'))).toBe(1);
    expect(liveTailStart(statuses('streaming', 'complete', 'complete'))).toBe(2);
    expect(liveTailStart(statuses('streaming', 'streaming'))).toBe(0);
  });
});
