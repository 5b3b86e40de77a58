import { AIMessage, HumanMessage, trimMessages, type BaseMessage } from '@langchain/core/messages';
import type { Message } from 'svelte-langserve/protocol';

/**
 * Most messages of a branch a run reads (its newest): trimming to the token budget keeps fewer;
 * this bounds the read of a very long conversation.
 */
export const MAX_HISTORY_MESSAGES = 500;

/** Rough token budget for the history sent to a model (about 4 characters per token). */
export const DEFAULT_HISTORY_TOKEN_BUDGET = 12_000;

const approximateTokens = (messages: BaseMessage[]): number =>
  messages.reduce(
    (total, message) =>
      total + 4 + Math.ceil((typeof message.content === 'string' ? message.content.length : 0) / 4),
    0,
  );

/**
 * Trims LangChain messages to the last `tokenBudget` tokens (about 4 characters per token),
 * starting on a user message: the one trimming rule for socket runs and HTTP runs.
 */
export function trimHistory(
  messages: BaseMessage[],
  tokenBudget: number = DEFAULT_HISTORY_TOKEN_BUDGET,
): Promise<BaseMessage[]> {
  return trimMessages(messages, {
    maxTokens: tokenBudget,
    tokenCounter: approximateTokens,
    strategy: 'last',
    startOn: 'human',
  });
}

function textOf(message: Message): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * The branch that ends at `untilMessageId`, oldest first: that message and its ancestors
 * through `parentId` (a message without one is a root).
 */
export function branchOf(messages: Message[], untilMessageId: string): Message[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const branch: Message[] = [];
  const seen = new Set<string>();
  for (
    let current = byId.get(untilMessageId);
    current && !seen.has(current.id);
    current = current.parentId === undefined ? undefined : byId.get(current.parentId)
  ) {
    seen.add(current.id);
    branch.push(current);
  }
  return branch.reverse();
}

/**
 * Converts a conversation's stored messages into the LangChain messages a run sends to its
 * agent: the branch that ends at `untilMessageId` (the user message that started the run; see
 * {@link branchOf}), without empty assistant messages (answers still streaming or cancelled
 * before any text), trimmed to the last `tokenBudget` tokens and starting on a user message.
 * Unknown `untilMessageId`: every message, in order.
 */
export async function toLangChainHistory(
  messages: Message[],
  untilMessageId: string,
  tokenBudget: number = DEFAULT_HISTORY_TOKEN_BUDGET,
): Promise<BaseMessage[]> {
  const relevant = messages.some((message) => message.id === untilMessageId)
    ? branchOf(messages, untilMessageId)
    : messages;
  const history: BaseMessage[] = [];
  for (const message of relevant) {
    const text = textOf(message);
    if (message.role === 'user') history.push(new HumanMessage({ content: text, id: message.id }));
    else if (text.trim().length > 0) history.push(new AIMessage({ content: text, id: message.id }));
  }
  return trimHistory(history, tokenBudget);
}
