import { randomUUID } from 'node:crypto';
import type { UnnumberedRunEvent } from '../runs/stream-adapter.js';

/**
 * One step of a run as LangChain traces it: the sub-runs LangChain's callbacks would report
 * (a model turn, a tool call) and the model's tokens. `stream_events` and `stream_log` are two
 * renderings of the same steps.
 */
export type TraceStep =
  /** A model turn started: its first token is next. */
  | { type: 'model-start'; runId: string }
  /** One model token. */
  | { type: 'model-token'; runId: string; text: string }
  /** A model turn ended (the model called a tool, or the run ended); `text` is its whole text. */
  | { type: 'model-end'; runId: string; text: string }
  /** A tool started with its arguments (parsed JSON, or the text when it is not JSON). */
  | { type: 'tool-start'; runId: string; name: string; input: unknown }
  /** A tool ended with its result, or an error message. */
  | { type: 'tool-end'; runId: string; name: string; result?: string; error?: string };

/**
 * The trace of a run, built from the one stream adapter's events: text deltas become model
 * turns (a turn ends when a tool starts, or at the end), tool calls become tool runs (their id
 * is the tool call's id). Reasoning and argument deltas are not traced.
 */
export async function* traceOf(
  events: AsyncIterable<UnnumberedRunEvent>,
): AsyncGenerator<TraceStep> {
  const toolNames = new Map<string, string>();
  let turn: { runId: string; text: string } | null = null;
  for await (const event of events) {
    if (event.type === 'text-delta') {
      if (!turn) {
        turn = { runId: randomUUID(), text: '' };
        yield { type: 'model-start', runId: turn.runId };
      }
      turn.text += event.text;
      yield { type: 'model-token', runId: turn.runId, text: event.text };
    } else if (event.type === 'tool-call-start') toolNames.set(event.toolCallId, event.name);
    else if (event.type === 'tool-call-running') {
      if (turn) yield { type: 'model-end', runId: turn.runId, text: turn.text };
      turn = null;
      let input: unknown = event.argsText;
      try {
        input = JSON.parse(event.argsText);
      } catch {
        // Not JSON: passed on as text.
      }
      const name = toolNames.get(event.toolCallId) ?? 'tool';
      yield { type: 'tool-start', runId: event.toolCallId, name, input };
    } else if (event.type === 'tool-result') {
      const name = toolNames.get(event.toolCallId) ?? 'tool';
      yield event.error !== undefined
        ? { type: 'tool-end', runId: event.toolCallId, name, error: event.error }
        : { type: 'tool-end', runId: event.toolCallId, name, result: event.result ?? '' };
    }
  }
  if (turn) yield { type: 'model-end', runId: turn.runId, text: turn.text };
}

/** The root run a trace belongs to: the agent's run of one request. */
export interface TracedRun {
  runId: string;
  /** The agent's id: the root run's name. */
  agentId: string;
  /** The agent's model: the name of its model turns. */
  model: string;
  /** The request's input. */
  input: unknown;
  /** The answer's `response_metadata` (provider, model, …). */
  responseMetadata: Record<string, unknown>;
}
