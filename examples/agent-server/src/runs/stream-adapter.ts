import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { RunTextDeltaEvent } from 'svelte-langserve/protocol';
import type { MessageStreamItem } from '../agents/agent.js';

/** A run event before the run manager numbers it and fills in the run's ids. */
export type UnnumberedRunEvent = Pick<RunTextDeltaEvent, 'type' | 'text'>;

/** The text of a message's content: a string, or the text blocks of a content array. */
export function textOfContent(content: BaseMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) =>
      block.type === 'text' && typeof (block as { text?: unknown }).text === 'string'
        ? (block as { text: string }).text
        : '',
    )
    .join('');
}

/**
 * THE adapter between LangGraph and the protocol: turns a graph's `streamMode: "messages"`
 * stream into the protocol's run events (without `seq`/ids, which the run manager assigns).
 *
 * - Streamed AI chunks (`AIMessageChunk`) become `text-delta` events, in order, unchanged.
 * - A complete AI message (a model that did not stream, or a node's output) becomes one
 *   `text-delta` only when none of its chunks were streamed (same message id), so text is never
 *   doubled.
 * - Everything else (user, system and tool messages, empty chunks) is ignored.
 */
export async function* adaptMessageStream(
  stream: AsyncIterable<MessageStreamItem>,
): AsyncGenerator<UnnumberedRunEvent> {
  const streamedMessageIds = new Set<string>();
  for await (const [message] of stream) {
    if (message.getType() !== 'ai') continue;
    const text = textOfContent(message.content);
    if (AIMessageChunk.isInstance(message)) {
      if (message.id) streamedMessageIds.add(message.id);
    } else if (message.id && streamedMessageIds.has(message.id)) {
      continue;
    }
    if (text.length > 0) yield { type: 'text-delta', text };
  }
}
