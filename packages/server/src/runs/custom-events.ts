import type { RunDataEvent, RunStatusEvent } from 'svelte-langserve/protocol';

/** Most bytes of JSON one custom write may carry to clients; larger writes are dropped. */
export const MAX_CUSTOM_DATA_BYTES = 64 * 1024;

type Unnumbered<E> = Omit<E, 'seq' | 'runId' | 'conversationId'>;

/** What a custom write becomes: a `data` or `status` run event, or nothing (with why). */
export type CustomWrite =
  { event: Unnumbered<RunDataEvent> | Unnumbered<RunStatusEvent> } | { dropped: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns what a graph's node wrote with `config.writer(value)` (LangGraph's `custom` stream mode)
 * into a run event. The rules (docs/agents.md, "Custom data"):
 *
 * - `{ status: "Searching documents…" }` (that key alone) is a `status` event: what the run is
 *   doing now; `""` clears it.
 * - An object with a string `id` is a `data` event for that id (a later write with the same id
 *   updates the same part); a string `name` says what kind of data it is. Both are taken out of
 *   the data.
 * - Anything else is a `data` event with a new id (`custom-1`, `custom-2`, … per run).
 *
 * The data must be JSON and at most {@link MAX_CUSTOM_DATA_BYTES}; otherwise the write is
 * dropped (the run goes on) and the reason is returned for the log.
 */
export function customWriteToEvent(value: unknown, nextId: () => string): CustomWrite {
  if (isRecord(value) && Object.keys(value).length === 1 && 'status' in value) {
    if (typeof value.status !== 'string') return { dropped: 'status is not a string' };
    return { event: { type: 'status', text: value.status.slice(0, 200) } };
  }
  let id: string | undefined;
  let name: string | undefined;
  let data: unknown = value;
  if (isRecord(value) && typeof value.id === 'string' && value.id.length > 0) {
    const { id: given, name: kind, ...rest } = value;
    id = (given as string).slice(0, 200);
    if (typeof kind === 'string') name = kind.slice(0, 200);
    else if (kind !== undefined) rest.name = kind;
    data = rest;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    return { dropped: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (json === undefined) return { dropped: 'not JSON' };
  if (Buffer.byteLength(json) > MAX_CUSTOM_DATA_BYTES)
    return { dropped: `over ${MAX_CUSTOM_DATA_BYTES} bytes of JSON` };
  const event: Unnumbered<RunDataEvent> = {
    type: 'data',
    id: id ?? nextId(),
    data: JSON.parse(json),
  };
  if (name !== undefined) event.name = name;
  return { event };
}
