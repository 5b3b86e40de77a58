import { describe, expect, it } from 'vitest';
import {
  applyRunEventToParts,
  isProgressData,
  type MessagePart,
  type RunEvent,
} from '../src/lib/protocol/index.js';

const base = { runId: 'r1', conversationId: 'c1' };
const build = (events: RunEvent[]): MessagePart[] =>
  events.reduce<MessagePart[]>(applyRunEventToParts, []);

describe('applyRunEventToParts: reasoning', () => {
  it('joins consecutive reasoning deltas into one part that takes the latest duration', () => {
    const parts = build([
      { ...base, seq: 1, type: 'reasoning-delta', text: 'Let me ', durationMs: 0 },
      { ...base, seq: 2, type: 'reasoning-delta', text: 'think.', durationMs: 1200 },
    ]);
    expect(parts).toEqual([{ type: 'reasoning', text: 'Let me think.', durationMs: 1200 }]);
  });

  it('keeps the order: reasoning, then text in its own part, then reasoning again', () => {
    const parts = build([
      { ...base, seq: 1, type: 'reasoning-delta', text: 'Plan.' },
      { ...base, seq: 2, type: 'text-delta', text: 'Answer' },
      { ...base, seq: 3, type: 'text-delta', text: '.' },
      { ...base, seq: 4, type: 'tool-call-start', toolCallId: 't1', name: 'calculator' },
      { ...base, seq: 5, type: 'reasoning-delta', text: 'Check.', durationMs: 5 },
      { ...base, seq: 6, type: 'text-delta', text: 'Done.' },
    ]);
    expect(parts.map((part) => part.type)).toEqual([
      'reasoning',
      'text',
      'tool-call',
      'reasoning',
      'text',
    ]);
    expect(parts[0]).toEqual({ type: 'reasoning', text: 'Plan.' });
    expect(parts[1]).toEqual({ type: 'text', text: 'Answer.' });
    expect(parts[3]).toEqual({ type: 'reasoning', text: 'Check.', durationMs: 5 });
  });

  it('keeps a known duration when a later delta has none, and does not mutate its input', () => {
    const first: MessagePart[] = [{ type: 'reasoning', text: 'a', durationMs: 40 }];
    const next = applyRunEventToParts(first, {
      ...base,
      seq: 2,
      type: 'reasoning-delta',
      text: 'b',
    });
    expect(next).toEqual([{ type: 'reasoning', text: 'ab', durationMs: 40 }]);
    expect(first).toEqual([{ type: 'reasoning', text: 'a', durationMs: 40 }]);
  });

  it('leaves reasoning alone at the end of a run', () => {
    const parts: MessagePart[] = [{ type: 'reasoning', text: 'a' }];
    expect(
      applyRunEventToParts(parts, { ...base, seq: 3, type: 'end', status: 'interrupted' }),
    ).toBe(parts);
  });
});

describe('applyRunEventToParts: data and status', () => {
  it('adds a data part, and a later write with the same id replaces it where it is', () => {
    const parts = build([
      { ...base, seq: 1, type: 'data', id: 'index', name: 'progress', data: { progress: 0.2 } },
      { ...base, seq: 2, type: 'text-delta', text: 'Reading.' },
      { ...base, seq: 3, type: 'data', id: 'doc', data: { title: 'Spec' } },
      { ...base, seq: 4, type: 'data', id: 'index', name: 'progress', data: { progress: 1 } },
    ]);
    expect(parts).toEqual([
      { type: 'data', id: 'index', name: 'progress', data: { progress: 1 } },
      { type: 'text', text: 'Reading.' },
      { type: 'data', id: 'doc', data: { title: 'Spec' } },
    ]);
  });

  it('changes no part on a status event', () => {
    const before: MessagePart[] = [{ type: 'text', text: 'Hi' }];
    const after = applyRunEventToParts(before, {
      ...base,
      seq: 1,
      type: 'status',
      text: 'Searching documents…',
    });
    expect(after).toBe(before);
  });

  it('tells progress from other data', () => {
    expect(isProgressData({ progress: 0.4, label: 'Indexing documents' })).toBe(true);
    expect(isProgressData({ progress: 1 })).toBe(true);
    expect(isProgressData({ progress: '40%' })).toBe(false);
    expect(isProgressData({ progress: Number.NaN })).toBe(false);
    expect(isProgressData({ progress: 0.4, label: 7 })).toBe(false);
    expect(isProgressData([0.4])).toBe(false);
    expect(isProgressData(null)).toBe(false);
  });
});

describe('applyRunEventToParts: an event type from a newer server', () => {
  it('changes no part', () => {
    const before: MessagePart[] = [{ type: 'text', text: 'Hi' }];
    const event = { ...base, seq: 1, type: 'chart-frame', frame: 1 } as unknown as RunEvent;
    expect(applyRunEventToParts(before, event)).toBe(before);
  });
});
