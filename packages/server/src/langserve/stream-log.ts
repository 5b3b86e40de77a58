import type { TraceStep, TracedRun } from './trace.js';
import { wireAiMessage } from './wire.js';

/** One JSON Patch (RFC 6902) operation of a run log patch. */
export interface PatchOperation {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/** A `stream_log` `data` event: LangChain's `RunLogPatch`. */
export interface RunLogPatch {
  ops: PatchOperation[];
}

/**
 * Which sub-runs a log includes (LangServe's `stream_log` body; LangChain's `_includeRun`):
 * all when no `include_*` is given, else those whose name, type or a tag is included; then
 * minus those whose name, type or a tag is excluded. The root run is always in the log.
 */
export interface LogFilters {
  include_names?: string[] | null;
  include_types?: string[] | null;
  include_tags?: string[] | null;
  exclude_names?: string[] | null;
  exclude_types?: string[] | null;
  exclude_tags?: string[] | null;
}

/** Whether a sub-run passes the filters. */
export function includedInLog(filters: LogFilters, name: string, type: string): boolean {
  const { include_names, include_types, include_tags } = filters;
  let include = !include_names && !include_types && !include_tags;
  if (include_names?.includes(name) || include_types?.includes(type)) include = true;
  // The sub-runs have no tags: include_tags includes none of them, exclude_tags excludes none.
  if (filters.exclude_names?.includes(name) || filters.exclude_types?.includes(type))
    include = false;
  return include;
}

/** A JSON Pointer reference token (`~` and `/` escaped). */
const pointerToken = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The run as LangServe's `stream_log` sends it: JSON Patch operations that build LangChain's
 * `RunLog` state from nothing, one patch per step.
 *
 * - First `replace ""` with the root run: `{ id, name: <agent id>, type: "chain",
 *   streamed_output: [], final_output: null, logs: {} }`.
 * - Each token adds an AI message chunk to the root's `streamed_output` (what `stream` sends).
 * - Each model turn (type `llm`, named by the model) and tool call (type `tool`, named by the
 *   tool) that passes the filters is a log entry under `logs`, keyed by its name (`name:2` for
 *   the second of that name, as LangChain does): `{ id, name, type, tags, metadata,
 *   start_time, streamed_output, streamed_output_str, final_output, end_time }`. A model
 *   turn's tokens go to its `streamed_output_str` (text) and `streamed_output` (chunks); its
 *   `final_output` is an `LLMResult` with the turn's message. A tool entry has `inputs`
 *   (`{ input: <arguments> }`) and its `final_output` is `{ output: <result> }` or
 *   `{ error: <message> }`.
 * - Last, `replace /final_output` with the whole answer (an AI message, as `invoke` answers).
 */
export async function* runLogPatchesOf(
  run: TracedRun,
  steps: AsyncIterable<TraceStep>,
  filters: LogFilters = {},
): AsyncGenerator<RunLogPatch> {
  /** Log key by sub-run id, for the sub-runs in the log. */
  const keys = new Map<string, string>();
  const counts = new Map<string, number>();
  const metadata = { agent_id: run.agentId };
  const start = (
    runId: string,
    name: string,
    type: string,
    extra: Record<string, unknown> = {},
  ) => {
    if (!includedInLog(filters, name, type)) return [];
    const count = (counts.get(name) ?? 0) + 1;
    counts.set(name, count);
    const key = pointerToken(count === 1 ? name : `${name}:${count}`);
    keys.set(runId, key);
    const entry = {
      id: runId,
      name,
      type,
      tags: [],
      metadata,
      start_time: new Date().toISOString(),
      streamed_output: [],
      streamed_output_str: [],
      final_output: null,
      end_time: null,
      ...extra,
    };
    return [{ op: 'add', path: `/logs/${key}`, value: entry } satisfies PatchOperation];
  };
  const end = (runId: string, output: unknown): PatchOperation[] => {
    const key = keys.get(runId);
    if (key === undefined) return [];
    return [
      { op: 'add', path: `/logs/${key}/final_output`, value: output },
      { op: 'add', path: `/logs/${key}/end_time`, value: new Date().toISOString() },
    ];
  };

  let answer = '';
  yield {
    ops: [
      {
        op: 'replace',
        path: '',
        value: {
          id: run.runId,
          name: run.agentId,
          type: 'chain',
          streamed_output: [],
          final_output: null,
          logs: {},
        },
      },
    ],
  };
  for await (const step of steps) {
    let ops: PatchOperation[] = [];
    switch (step.type) {
      case 'model-start':
        ops = start(step.runId, run.model, 'llm');
        break;
      case 'model-token': {
        answer += step.text;
        const key = keys.get(step.runId);
        if (key !== undefined)
          ops.push(
            { op: 'add', path: `/logs/${key}/streamed_output_str/-`, value: step.text },
            {
              op: 'add',
              path: `/logs/${key}/streamed_output/-`,
              value: wireAiMessage('AIMessageChunk', step.text, step.runId),
            },
          );
        ops.push({
          op: 'add',
          path: '/streamed_output/-',
          value: wireAiMessage('AIMessageChunk', step.text, run.runId),
        });
        break;
      }
      case 'model-end':
        ops = end(step.runId, {
          generations: [
            [
              {
                text: step.text,
                generation_info: null,
                type: 'ChatGeneration',
                message: wireAiMessage('ai', step.text, step.runId),
              },
            ],
          ],
          llm_output: null,
          run: null,
          type: 'LLMResult',
        });
        break;
      case 'tool-start':
        ops = start(step.runId, step.name, 'tool', { inputs: { input: step.input } });
        break;
      case 'tool-end':
        ops = end(
          step.runId,
          step.error !== undefined ? { error: step.error } : { output: step.result },
        );
        break;
    }
    if (ops.length > 0) yield { ops };
  }
  yield {
    ops: [
      {
        op: 'replace',
        path: '/final_output',
        value: wireAiMessage('ai', answer, run.runId, run.responseMetadata),
      },
    ],
  };
}
