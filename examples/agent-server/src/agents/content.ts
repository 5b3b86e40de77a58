import type { BaseMessage } from '@langchain/core/messages';

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
