import { describe, expect, it } from 'vitest';
import {
  applyRunEventToParts,
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
