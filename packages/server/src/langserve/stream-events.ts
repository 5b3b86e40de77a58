import type { TraceStep, TracedRun } from './trace.js';
import { wireAiMessage } from './wire.js';

/** One LangChain `streamEvents` v2 event, as `stream_events` sends it. */
export interface StreamEventV2 {
  event: string;
  name: string;
  run_id: string;
  tags: string[];
  metadata: Record<string, unknown>;
  parent_ids: string[];
  data: Record<string, unknown>;
}

/**
 * The run as LangChain `streamEvents` v2 events: `on_chain_start`; per model turn
 * `on_chat_model_start`, `on_chat_model_stream` (one AI message chunk per token) and
 * `on_chat_model_end`; per tool call `on_tool_start` and `on_tool_end`; `on_chain_end` with the
 * whole answer.
 */
export async function* streamEventsOf(
  run: TracedRun,
  steps: AsyncIterable<TraceStep>,
): AsyncGenerator<StreamEventV2> {
  const base = { tags: [] as string[], metadata: { agent_id: run.agentId } };
  const root = { name: run.agentId, run_id: run.runId, ...base, parent_ids: [] };
  const child = { ...base, parent_ids: [run.runId] };
  let answer = '';
  yield { event: 'on_chain_start', ...root, data: { input: run.input } };
  for await (const step of steps) {
    switch (step.type) {
      case 'model-start':
        yield {
          event: 'on_chat_model_start',
          name: run.model,
          run_id: step.runId,
          ...child,
          data: {},
        };
        break;
      case 'model-token':
        answer += step.text;
        yield {
          event: 'on_chat_model_stream',
          name: run.model,
          run_id: step.runId,
          ...child,
          data: { chunk: wireAiMessage('AIMessageChunk', step.text, step.runId) },
        };
        break;
      case 'model-end':
        yield {
          event: 'on_chat_model_end',
          name: run.model,
          run_id: step.runId,
          ...child,
          data: { output: wireAiMessage('ai', step.text, step.runId) },
        };
        break;
      case 'tool-start':
        yield {
          event: 'on_tool_start',
          name: step.name,
          run_id: step.runId,
          ...child,
          data: { input: step.input },
        };
        break;
      case 'tool-end':
        yield {
          event: 'on_tool_end',
          name: step.name,
          run_id: step.runId,
          ...child,
          data: { output: step.error !== undefined ? { error: step.error } : step.result },
        };
        break;
    }
  }
  yield {
    event: 'on_chain_end',
    ...root,
    data: { output: wireAiMessage('ai', answer, run.runId, run.responseMetadata) },
  };
}
