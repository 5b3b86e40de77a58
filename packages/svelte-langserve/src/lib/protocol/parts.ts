import type { RunEvent } from './events.js';
import type {
  DataPart,
  MessagePart,
  ReasoningPart,
  RunTerminalStatus,
  ToolCallPart,
} from './model.js';

/** The error a tool call gets when its run ends before the tool did. */
export function unfinishedToolCallError(status: RunTerminalStatus): string {
  return `The run ended (${status}) first.`;
}

/**
 * How a run event changes the parts of the message the run writes. Pure: returns a new array
 * (or the same one when nothing changes). Servers and clients share it, so the stored message
 * and every client's copy are built by the same rules:
 *
 * - `text-delta` appends to the last text part, or starts one after reasoning or a tool call;
 * - `reasoning-delta` appends to the last reasoning part (taking the event's `durationMs`), or
 *   starts one after text or a tool call;
 * - `tool-call-start` adds a `streaming` tool call (a repeated start changes nothing);
 * - `tool-call-delta` appends arguments; `tool-call-running` sets them whole;
 * - `tool-result` completes the call, or fails it when `error` is set;
 * - `data` adds a data part, or replaces the `data` (and `name`) of the one with its `id`;
 * - `status` changes no part (it is what the run is doing now, not part of the answer);
 * - `end` fails every tool call still `streaming` or `running`.
 */
export function applyRunEventToParts(parts: MessagePart[], event: RunEvent): MessagePart[] {
  switch (event.type) {
    case 'start':
      return parts;
    case 'text-delta': {
      const last = parts[parts.length - 1];
      return last?.type === 'text'
        ? [...parts.slice(0, -1), { ...last, text: last.text + event.text }]
        : [...parts, { type: 'text', text: event.text }];
    }
    case 'reasoning-delta': {
      const last = parts[parts.length - 1];
      const next: ReasoningPart =
        last?.type === 'reasoning'
          ? { ...last, text: last.text + event.text }
          : { type: 'reasoning', text: event.text };
      if (event.durationMs !== undefined) next.durationMs = event.durationMs;
      return last?.type === 'reasoning' ? [...parts.slice(0, -1), next] : [...parts, next];
    }
    case 'tool-call-start':
      if (parts.some((part) => part.type === 'tool-call' && part.toolCallId === event.toolCallId))
        return parts;
      return [
        ...parts,
        {
          type: 'tool-call',
          toolCallId: event.toolCallId,
          name: event.name,
          argsText: '',
          state: 'streaming',
        },
      ];
    case 'tool-call-delta':
      return updateToolCall(parts, event.toolCallId, (call) => ({
        ...call,
        argsText: call.argsText + event.argsText,
      }));
    case 'tool-call-running':
      return updateToolCall(parts, event.toolCallId, (call) => ({
        ...call,
        argsText: event.argsText,
        state: 'running',
      }));
    case 'tool-result':
      return updateToolCall(parts, event.toolCallId, (call) => {
        const next: ToolCallPart = {
          ...call,
          state: event.error !== undefined ? 'failed' : 'completed',
        };
        if (event.result !== undefined) next.result = event.result;
        if (event.error !== undefined) next.error = event.error;
        return next;
      });
    case 'data': {
      const part: DataPart = { type: 'data', id: event.id, data: event.data };
      if (event.name !== undefined) part.name = event.name;
      const index = parts.findIndex((each) => each.type === 'data' && each.id === event.id);
      if (index === -1) return [...parts, part];
      const next = parts.slice();
      next[index] = part;
      return next;
    }
    case 'status':
      return parts;
    case 'end':
      if (!parts.some((part) => part.type === 'tool-call' && isUnfinished(part))) return parts;
      return parts.map((part) =>
        part.type === 'tool-call' && isUnfinished(part)
          ? { ...part, state: 'failed', error: unfinishedToolCallError(event.status) }
          : part,
      );
    default:
      // An event type from a newer server: it changes no part here.
      return parts;
  }
}

const isUnfinished = (call: ToolCallPart) => call.state === 'streaming' || call.state === 'running';

function updateToolCall(
  parts: MessagePart[],
  toolCallId: string,
  update: (call: ToolCallPart) => ToolCallPart,
): MessagePart[] {
  const index = parts.findIndex(
    (part) => part.type === 'tool-call' && part.toolCallId === toolCallId,
  );
  const call = parts[index];
  if (call?.type !== 'tool-call') return parts;
  const next = parts.slice();
  next[index] = update(call);
  return next;
}
