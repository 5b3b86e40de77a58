import { AIMessage, HumanMessage, trimMessages, type BaseMessage } from '@langchain/core/messages';
import type { Message } from 'svelte-langserve/protocol';
import { textOfContent } from './content.js';

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

/**
 * What a graph's model node sends of its state's messages: the answers of earlier turns (before
 * the latest user message) as their text and tool calls, without their reasoning (Anthropic
 * thinking blocks and their signatures, `reasoning_content`), as the text history sent them;
 * then {@link trimHistory}, or (when even the latest user message and what follows it exceed the
 * budget) everything from that message on, so the model never gets an empty history. The
 * current turn's messages go as they are (a tool loop may need its thinking blocks).
 */
export async function trimForModel(
  messages: BaseMessage[],
  tokenBudget: number = DEFAULT_HISTORY_TOKEN_BUDGET,
): Promise<BaseMessage[]> {
  const lastUser = messages.findLastIndex((message) => message.getType() === 'human');
  const sent = messages.map((message, index) =>
    index < lastUser && AIMessage.isInstance(message) && Array.isArray(message.content)
      ? new AIMessage({
          content: textOfContent(message.content),
          ...(message.id ? { id: message.id } : {}),
          tool_calls: message.tool_calls ?? [],
          invalid_tool_calls: message.invalid_tool_calls ?? [],
        })
      : message,
  );
  const trimmed = await trimHistory(sent, tokenBudget);
  if (trimmed.length > 0 || sent.length === 0) return trimmed;
  return sent.slice(Math.max(lastUser, 0));
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
  return trimHistory(toLangChainMessages(relevant), tokenBudget);
}

/**
 * Stored messages as LangChain messages, by their text, with their ids: user messages as human
 * ones, assistant answers (any agent's) as AI ones, without empty answers (still streaming, or
 * cancelled before any text). Not trimmed.
 */
export function toLangChainMessages(messages: readonly Message[]): BaseMessage[] {
  const history: BaseMessage[] = [];
  for (const message of messages) {
    const text = textOf(message);
    if (message.role === 'user') history.push(new HumanMessage({ content: text, id: message.id }));
    else if (text.trim().length > 0) history.push(new AIMessage({ content: text, id: message.id }));
  }
  return history;
}
