import { AIMessage, AIMessageChunk, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type {
  RunDataEvent,
  RunReasoningDeltaEvent,
  RunStatusEvent,
  RunTextDeltaEvent,
  RunToolCallDeltaEvent,
  RunToolCallRunningEvent,
  RunToolCallStartEvent,
  RunToolResultEvent,
} from 'svelte-langserve/protocol';
import type { AgentStreamItem, CheckpointStreamItem, MessageStreamItem } from '../agents/agent.js';
import { reasoningOfMessage, textOfContent } from '../agents/content.js';
import { customWriteToEvent } from './custom-events.js';

type Unnumbered<E> = Omit<E, 'seq' | 'runId' | 'conversationId'>;

/** A run event before the run manager numbers it and fills in the run's ids. */
export type UnnumberedRunEvent =
  | Unnumbered<RunTextDeltaEvent>
  | Unnumbered<RunReasoningDeltaEvent>
  | Unnumbered<RunToolCallStartEvent>
  | Unnumbered<RunToolCallDeltaEvent>
  | Unnumbered<RunToolCallRunningEvent>
  | Unnumbered<RunToolResultEvent>
  | Unnumbered<RunDataEvent>
  | Unnumbered<RunStatusEvent>;

/** Hooks for what the adapter sees besides run events (for the run's metrics). */
export interface StreamObserver {
  /** A model turn's complete message (from `updates`): usage and finish reason live here. */
  modelMessage?(message: AIMessage): void;
  /** A streamed model chunk with text, reasoning or tool-call content. */
  chunk?(): void;
  /** A checkpoint the graph wrote (`checkpoints`, runs on a thread): its id. */
  checkpoint?(id: string | undefined): void;
  /** A custom write (`config.writer`) that could not be sent, and why. */
  droppedCustom?(reason: string): void;
}

/** The error text of a failed ToolMessage, without ToolNode's "Please fix your mistakes." tail. */
function toolErrorText(content: string): string {
  return content
    .replace(/^Error:\s*/, '')
    .replace(/\s*Please fix your mistakes\.?\s*$/, '')
    .trim();
}

/**
 * THE adapter between LangGraph and the protocol: turns a graph's stream (`streamMode:
 * "messages"`, or `["messages", "updates"]`) into the protocol's run events (without
 * `seq`/ids, which the run manager assigns).
 *
 * - Streamed AI chunks (`AIMessageChunk`): their reasoning (see `reasoningOfMessage`: Anthropic
 *   thinking blocks, `reasoning` blocks, `reasoning_content`) becomes `reasoning-delta` events
 *   (before the chunk's text); their text becomes `text-delta` events; their
 *   `tool_call_chunks` become `tool-call-start` (the first chunk of a call, with id and name)
 *   and `tool-call-delta` (each piece of the JSON arguments).
 * - A complete AI message (a model that did not stream, a node's output, or the model node's
 *   `updates` entry) becomes one `text-delta` only when none of its chunks were streamed (same
 *   message id), so text is never doubled (its reasoning, likewise, one `reasoning-delta`
 *   before it); each of its `tool_calls` not seen yet gets a
 *   `tool-call-start`, and every call gets one `tool-call-running` with its complete arguments.
 *   With `updates` this arrives when the model node finishes, before the tools run.
 * - A `ToolMessage` becomes `tool-result` (`error` when its status is `error`), preceded by
 *   `tool-call-running` if that was not emitted yet.
 * - What a node wrote with `config.writer(...)` (`custom`) becomes a `data` or `status` event
 *   (see `customWriteToEvent`).
 * - Everything else (user and system messages, empty chunks) is ignored.
 */
export async function* adaptMessageStream(
  stream: AsyncIterable<MessageStreamItem | AgentStreamItem>,
  observer: StreamObserver = {},
): AsyncGenerator<UnnumberedRunEvent> {
  const streamedMessageIds = new Set<string>();
  /** Tool call id by `${messageId}:${index}` of its streamed chunks. */
  const callByIndex = new Map<string, string>();
  const started = new Set<string>();
  const running = new Set<string>();
  const finished = new Set<string>();
  let customWrites = 0;
  const nextCustomId = () => `custom-${(customWrites += 1)}`;

  function* complete(message: AIMessage): Generator<UnnumberedRunEvent> {
    if (!(message.id && streamedMessageIds.has(message.id))) {
      const reasoning = reasoningOfMessage(message);
      if (reasoning.length > 0) yield { type: 'reasoning-delta', text: reasoning };
      const text = textOfContent(message.content);
      if (text.length > 0) yield { type: 'text-delta', text };
      if (message.id) streamedMessageIds.add(message.id);
    }
    for (const call of message.tool_calls ?? []) {
      if (!call.id || running.has(call.id)) continue;
      if (!started.has(call.id)) {
        started.add(call.id);
        yield { type: 'tool-call-start', toolCallId: call.id, name: call.name };
      }
      running.add(call.id);
      yield { type: 'tool-call-running', toolCallId: call.id, argsText: JSON.stringify(call.args) };
    }
  }

  for await (const item of stream) {
    let message: BaseMessage;
    if (typeof item[0] === 'string') {
      const [mode, payload] = item as AgentStreamItem;
      if (mode === 'updates') {
        // A node's complete output: the model's whole message, known before the tools run.
        for (const update of Object.values((payload ?? {}) as Record<string, unknown>)) {
          const list = (update as { messages?: unknown } | null)?.messages;
          for (const entry of Array.isArray(list) ? (list as BaseMessage[]) : [])
            if (entry?.getType?.() === 'ai') {
              observer.modelMessage?.(entry as AIMessage);
              yield* complete(entry as AIMessage);
            }
        }
        continue;
      }
      if (mode === 'checkpoints') {
        observer.checkpoint?.((payload as CheckpointStreamItem).config.configurable?.checkpoint_id);
        continue;
      }
      if (mode === 'custom') {
        const write = customWriteToEvent(payload, nextCustomId);
        if ('event' in write) yield write.event;
        else observer.droppedCustom?.(write.dropped);
        continue;
      }
      if (mode !== 'messages') continue;
      message = (payload as MessageStreamItem)[0];
    } else message = (item as MessageStreamItem)[0];

    {
      if (AIMessageChunk.isInstance(message)) {
        const messageKey = message.id ?? '';
        if (message.id) streamedMessageIds.add(message.id);
        const reasoning = reasoningOfMessage(message);
        const text = textOfContent(message.content);
        if (reasoning.length > 0 || text.length > 0 || message.tool_call_chunks?.length)
          observer.chunk?.();
        if (reasoning.length > 0) yield { type: 'reasoning-delta', text: reasoning };
        if (text.length > 0) yield { type: 'text-delta', text };
        for (const chunk of message.tool_call_chunks ?? []) {
          const key = `${messageKey}:${chunk.index ?? 0}`;
          let id = callByIndex.get(key);
          if (!id && chunk.id) {
            id = chunk.id;
            callByIndex.set(key, id);
          }
          if (!id) continue;
          if (!started.has(id)) {
            started.add(id);
            yield { type: 'tool-call-start', toolCallId: id, name: chunk.name ?? 'tool' };
          }
          if (chunk.args && !running.has(id))
            yield { type: 'tool-call-delta', toolCallId: id, argsText: chunk.args };
        }
      } else if (AIMessage.isInstance(message)) {
        yield* complete(message);
      } else if (ToolMessage.isInstance(message)) {
        const id = message.tool_call_id;
        if (finished.has(id)) continue;
        finished.add(id);
        if (!started.has(id)) {
          started.add(id);
          yield { type: 'tool-call-start', toolCallId: id, name: message.name ?? 'tool' };
        }
        if (!running.has(id)) {
          running.add(id);
          yield { type: 'tool-call-running', toolCallId: id, argsText: '{}' };
        }
        const content = textOfContent(message.content);
        if (message.status === 'error')
          yield {
            type: 'tool-result',
            toolCallId: id,
            error: toolErrorText(content) || 'The tool failed.',
          };
        else yield { type: 'tool-result', toolCallId: id, result: content };
      }
    }
  }
}
