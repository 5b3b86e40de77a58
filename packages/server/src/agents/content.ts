import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';

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
 * The reasoning ("thinking") a model message carries apart from its answer, in the shapes the
 * installed providers produce:
 *
 * - content blocks `{ type: 'thinking', thinking }` (Anthropic extended thinking, streamed as
 *   `thinking_delta`; a `signature_delta` block has empty `thinking`);
 * - content blocks `{ type: 'reasoning', reasoning }` (LangChain's standard block; OpenAI
 *   Responses reasoning summaries);
 * - `additional_kwargs.reasoning_content` (what `@langchain/openai`'s Chat Completions client
 *   copies from an OpenAI-compatible server's `reasoning_content` delta: llama.cpp, vLLM,
 *   DeepSeek), used when the content has no reasoning blocks.
 */
export function reasoningOfMessage(
  message: Pick<BaseMessage, 'content' | 'additional_kwargs'>,
): string {
  let reasoning = '';
  if (Array.isArray(message.content))
    for (const block of message.content as Array<Record<string, unknown>>) {
      if (block.type === 'thinking' && typeof block.thinking === 'string')
        reasoning += block.thinking;
      else if (block.type === 'reasoning' && typeof block.reasoning === 'string')
        reasoning += block.reasoning;
    }
  if (reasoning.length > 0) return reasoning;
  const kwargs = message.additional_kwargs as Record<string, unknown> | undefined;
  return typeof kwargs?.reasoning_content === 'string' ? kwargs.reasoning_content : '';
}

/** The text of a streamed chunk: a message (chunk) or its serialized form, or a string. */
export function textOfChunk(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk && typeof chunk === 'object' && 'content' in chunk)
    return textOfContent((chunk as { content: BaseMessage['content'] }).content);
  return '';
}

/**
 * A stream of text chunks (strings or message chunks) as `messages` stream items of one answer
 * (`id`), which the run's stream adapter turns into `text-delta` events like a model's tokens.
 * `mapError` may rewrite an error the stream throws.
 */
export async function* textItemsOf(
  stream: AsyncIterable<unknown>,
  id: string,
  metadata: Record<string, unknown>,
  mapError: (error: unknown) => unknown = (error) => error,
): AsyncGenerator<['messages', [AIMessageChunk, Record<string, unknown>]]> {
  try {
    for await (const chunk of stream) {
      const text = textOfChunk(chunk);
      if (text.length > 0)
        yield ['messages', [new AIMessageChunk({ content: text, id }), metadata]];
    }
  } catch (error) {
    throw mapError(error);
  }
}
