/** Which items of a windowed list are rendered: `start` inclusive, `end` exclusive. */
export interface WindowRange {
  start: number;
  end: number;
}

/**
 * Where each item starts: `offsets[i]` is the sum of the heights of items `0..i-1`, and
 * `offsets[count]` is the total height.
 */
export function itemOffsets(count: number, heightAt: (index: number) => number): Float64Array {
  const offsets = new Float64Array(count + 1);
  for (let index = 0; index < count; index += 1) {
    offsets[index + 1] = offsets[index]! + heightAt(index);
  }
  return offsets;
}

/** The index of the item that contains `position` (clamped to the list). */
export function itemAt(offsets: Float64Array, position: number): number {
  const count = offsets.length - 1;
  if (count <= 0) return 0;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (offsets[middle]! <= position) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The items to render for a viewport showing `[top, top + height)` of the content, plus
 * `overscan` items on each side so a short scroll never shows an empty gap.
 */
export function visibleRange(
  offsets: Float64Array,
  top: number,
  height: number,
  overscan: number,
): WindowRange {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const first = itemAt(offsets, Math.max(0, top));
  const last = itemAt(offsets, Math.max(0, top + height - 1));
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, last + 1 + overscan),
  };
}

/**
 * Where a chat's live tail starts: the last message, plus any still-streaming messages right
 * before it (several agents can answer at once). The tail stays mounted wherever the reader
 * has scrolled, so streaming answers keep rendering and keep being announced.
 */
export function liveTailStart(messages: readonly { status: string }[]): number {
  let start = Math.max(0, messages.length - 1);
  while (start > 0 && messages[start - 1]!.status === 'streaming') start -= 1;
  return start;
}
