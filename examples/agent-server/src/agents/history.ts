import { AIMessage, HumanMessage, trimMessages, type BaseMessage } from '@langchain/core/messages';
import type { Message } from 'svelte-langserve/protocol';

/** Rough token budget for the history sent to a model (about 4 characters per token). */
export const DEFAULT_HISTORY_TOKEN_BUDGET = 12_000;

const approximateTokens = (messages: BaseMessage[]): number =>
  messages.reduce(
    (total, message) =>
      total + 4 + Math.ceil((typeof message.content === 'string' ? message.content.length : 0) / 4),
    0,
  );

function textOf(message: Message): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * Converts a conversation's stored messages into the LangChain messages a run sends to its
 * agent: everything up to and including `untilMessageId` (the user message that started the
 * run), without empty assistant messages (e.g. answers still streaming or cancelled before any
 * text), trimmed to the last `tokenBudget` tokens and starting on a user message.
 */
export async function toLangChainHistory(
  messages: Message[],
  untilMessageId: string,
  tokenBudget = DEFAULT_HISTORY_TOKEN_BUDGET,
): Promise<BaseMessage[]> {
  const end = messages.findIndex((message) => message.id === untilMessageId);
  const relevant = end === -1 ? messages : messages.slice(0, end + 1);
  const history: BaseMessage[] = [];
  for (const message of relevant) {
    const text = textOf(message);
    if (message.role === 'user') history.push(new HumanMessage({ content: text, id: message.id }));
    else if (text.trim().length > 0) history.push(new AIMessage({ content: text, id: message.id }));
  }
  return trimMessages(history, {
    maxTokens: tokenBudget,
    tokenCounter: approximateTokens,
    strategy: 'last',
    startOn: 'human',
  });
}
