import type { ReasoningPart } from '../../protocol/index.js';

/**
 * The summary of a reasoning part: "Thinking…" while the model reasons, then "Thought for N s"
 * when the server measured how long (at least 1 s), else "Reasoning".
 */
export function reasoningLabel(
  part: Pick<ReasoningPart, 'durationMs'>,
  streaming: boolean,
): string {
  if (streaming) return 'Thinking…';
  if (part.durationMs === undefined) return 'Reasoning';
  return `Thought for ${Math.max(1, Math.round(part.durationMs / 1000))} s`;
}
