import { describe, expect, it } from 'vitest';
import { reasoningLabel } from '../src/lib/components/message/reasoning-label.js';

describe('reasoningLabel', () => {
  it('says Thinking… while streaming, whatever the duration', () => {
    expect(reasoningLabel({ durationMs: 5000 }, true)).toBe('Thinking…');
    expect(reasoningLabel({}, true)).toBe('Thinking…');
  });

  it('gives the duration in whole seconds, at least 1, when known', () => {
    expect(reasoningLabel({ durationMs: 0 }, false)).toBe('Thought for 1 s');
    expect(reasoningLabel({ durationMs: 2400 }, false)).toBe('Thought for 2 s');
    expect(reasoningLabel({ durationMs: 12_600 }, false)).toBe('Thought for 13 s');
  });

  it('says Reasoning when the server did not measure it', () => {
    expect(reasoningLabel({}, false)).toBe('Reasoning');
  });
});
