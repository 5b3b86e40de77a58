import { randomUUID } from 'node:crypto';
import type { Conversation, Message, RunInfo, RunSettings } from 'svelte-langserve/protocol';
import {
  isStoreError,
  runInfoFromRecord,
  type ConversationStore,
  type RunRecord,
} from '../conversations/store.js';
import type { RunManager } from '../runs/run-manager.js';
import type { Run } from '../runs/run.js';
import { NO_SUCH_CONVERSATION, ServiceError, type ConversationAccess } from './access.js';

/** What {@link Sending.send} produced. */
export interface SendOutcome {
  message: Message;
  runs: Run[];
  /** Run infos of an earlier identical send (a retry): nothing new was created. */
  duplicateRuns: RunInfo[] | null;
  /** The conversation, when this send gave it its title (it still had the default one). */
  retitled?: Conversation;
}

/** What {@link Sending.send} is asked to do. */
export interface SendInput {
  conversationId: string;
  userId: string;
  /** The client's id for the send: a retry with the same id is the same send. */
  clientMessageId: string;
  text: string;
  agentIds?: string[];
  settings?: RunSettings;
  /** The message this one follows (default: the latest); null for a new root. */
  parentId?: string | null;
}

export const DEFAULT_TITLE = 'New conversation';
/** Longest title taken from a first message, in characters. */
const TITLE_LENGTH = 60;

/** A conversation title from a message: its first words, on one line, at most 60 characters. */
export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= TITLE_LENGTH) return line;
  const cut = line.slice(0, TITLE_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > TITLE_LENGTH / 2 ? cut.slice(0, space) : cut}…`;
}
/** What {@link Sending.regenerate} is asked to do. */
export interface RegenerateInput {
  conversationId: string;
  userId: string;
  /** The answer to answer again. */
  messageId: string;
  agentIds?: string[];
  settings?: RunSettings;
}

/**
 * Sends and regenerations: the user message and its runs stored in one transaction (not
 * started: the caller starts them after the acknowledgement), idempotent on the client's id.
 */
export class Sending {
  readonly #store: ConversationStore;
  readonly #runs: RunManager;
  readonly #access: ConversationAccess;
  /**
   * Sends being processed, by (user, conversation, client message id): a retry by the same user
   * shares the outcome. Keyed by user too, so someone else's request (refused or not) is never
   * the one another user waits on.
   */
  readonly #sendsInFlight = new Map<string, Promise<SendOutcome>>();

  constructor(options: { store: ConversationStore; runs: RunManager; access: ConversationAccess }) {
    this.#store = options.store;
    this.#runs = options.runs;
    this.#access = options.access;
  }

  /**
   * Stores a user message and prepares one run per agent, in one transaction (not started:
   * start them after the acknowledgement). Idempotent on (conversation, client message id): a
   * retry answers the stored message and its runs, or creates the runs of a stored message that
   * has none.
   */
  send(input: SendInput): Promise<SendOutcome> {
    const key = `${input.userId}\u0000${input.conversationId}\u0000${input.clientMessageId}`;
    const inFlight = this.#sendsInFlight.get(key);
    // A retry shares the send in flight, but only a member's: anyone else is refused first.
    if (inFlight)
      return this.#access
        .require(input.conversationId, input.userId)
        .then(() => inFlight)
        .then((outcome) => this.#asDuplicate(outcome));
    const promise = this.#send(input).finally(() => this.#sendsInFlight.delete(key));
    this.#sendsInFlight.set(key, promise);
    return promise;
  }

  /**
   * How many runs a send would start: one per named agent, else one per agent of the
   * conversation (1 when the conversation is unknown to the user: the send is refused anyway).
   */
  async runsForSend(input: {
    conversationId: string;
    userId: string;
    agentIds?: string[];
  }): Promise<number> {
    if (input.agentIds?.length) return new Set(input.agentIds).size;
    try {
      const { conversation } = await this.#access.require(input.conversationId, input.userId);
      return Math.max(1, conversation.agentIds.length);
    } catch {
      return 1;
    }
  }

  /**
   * Answers a user message again: new runs whose answers are siblings of `messageId` (an
   * assistant message), by its agent unless `agentIds` names others. Nothing is stored for a
   * refused request.
   */
  async regenerate(input: RegenerateInput): Promise<Run[]> {
    const { conversation } = await this.#access.require(input.conversationId, input.userId);
    const answer = await this.#store.getMessage(input.messageId);
    if (!answer || answer.conversationId !== conversation.id)
      throw new ServiceError('not_found', 'No such message in this conversation.');
    if (answer.role !== 'assistant')
      throw new ServiceError(
        'invalid_payload',
        'Only an answer can be regenerated; edit a user message instead.',
      );
    const triggerId =
      answer.parentId ??
      (answer.runId ? (await this.#store.getRun(answer.runId))?.triggerMessageId : undefined);
    const trigger = triggerId ? await this.#store.getMessage(triggerId) : undefined;
    if (!trigger) throw new ServiceError('not_found', 'The question of this answer is gone.');
    if (this.#runs.closing)
      throw new ServiceError('unavailable', 'The server is shutting down. Try again.', true);
    const agents = this.#access.resolveAgents(
      input.agentIds ?? (answer.agentId ? [answer.agentId] : undefined),
      conversation.agentIds,
    );
    // The runs and their answers in one transaction: stored together or not at all.
    return this.#runs.prepare(trigger, this.#access.plan(agents, input.settings));
  }

  async #send(input: SendInput): Promise<SendOutcome> {
    const { conversation } = await this.#access.require(input.conversationId, input.userId);
    const existing = await this.#store.findByClientMessageId(
      input.conversationId,
      input.clientMessageId,
    );
    if (existing) return this.#retryOf(existing, conversation, input);
    const planned = this.#planSend(conversation, input);
    const parentId = await this.#parentFor(conversation.id, input.parentId);
    const message: Message = {
      id: randomUUID(),
      conversationId: conversation.id,
      ...(parentId ? { parentId } : {}),
      role: 'user',
      parts: [{ type: 'text', text: input.text }],
      status: 'complete',
      createdAt: new Date().toISOString(),
      clientMessageId: input.clientMessageId,
      authorId: input.userId,
    };
    let runs: Run[];
    try {
      // The message and its runs in one transaction: stored together or not at all.
      runs = await this.#runs.prepare(message, planned, { storeTrigger: true });
    } catch (error) {
      // Another writer (another server instance) stored the same client message id first: the
      // database's unique constraint decided, and this is a retry of that send.
      if (isStoreError(error, 'already_exists')) {
        const winner = await this.#store.findByClientMessageId(
          input.conversationId,
          input.clientMessageId,
        );
        if (winner) return this.#retryOf(winner, conversation, input);
      }
      if (isStoreError(error, 'not_found'))
        throw new ServiceError('not_found', NO_SUCH_CONVERSATION);
      throw error;
    }
    return { message, runs, duplicateRuns: null, ...(await this.#retitle(conversation, message)) };
  }

  /**
   * A retry of a send whose message is stored: its runs as they are now. A stored message with
   * no run at all (left by a version that stored a message and its runs in separate writes and
   * was killed between them) would never be answered: the retry creates its runs, as the send
   * would have, and they start after the acknowledgement.
   */
  async #retryOf(
    existing: Message,
    conversation: Conversation,
    input: SendInput,
  ): Promise<SendOutcome> {
    const duplicate = await this.#duplicateOf(existing);
    if (duplicate.duplicateRuns?.length) return duplicate;
    const planned = this.#planSend(conversation, input);
    // Of retries racing on several instances, only the first creates runs.
    const runs = await this.#runs.prepare(existing, planned, { onlyIfUnanswered: true });
    if (runs.length === 0) return this.#duplicateOf(existing);
    return {
      message: existing,
      runs,
      duplicateRuns: null,
      ...(await this.#retitle(conversation, existing)),
    };
  }

  /** The runs a send starts, checked before anything is stored. */
  #planSend(conversation: Conversation, input: SendInput) {
    if (this.#runs.closing)
      throw new ServiceError('unavailable', 'The server is shutting down. Try again.', true);
    const agents = this.#access.resolveAgents(input.agentIds, conversation.agentIds);
    return this.#access.plan(agents, input.settings);
  }

  /** A conversation still called "New conversation" is named after its first message. */
  async #retitle(
    conversation: Conversation,
    message: Message,
  ): Promise<{ retitled?: Conversation }> {
    if (conversation.title !== DEFAULT_TITLE) return {};
    const text = message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    const retitled = await this.#store.updateConversation(conversation.id, {
      title: titleFrom(text),
    });
    return retitled ? { retitled } : {};
  }

  #asDuplicate(outcome: SendOutcome): SendOutcome {
    if (outcome.duplicateRuns) return outcome;
    return {
      message: outcome.message,
      runs: [],
      duplicateRuns: outcome.runs.map((run) => run.info()),
    };
  }

  /**
   * The parent of a new user message: the one named (which must be in the conversation), none
   * for `null` (a new root: an edit of the first message), else the conversation's latest.
   */
  async #parentFor(conversationId: string, requested: string | null | undefined) {
    if (requested === null) return undefined;
    if (requested === undefined) {
      const { messages } = await this.#store.listMessagePage(conversationId, { limit: 1 });
      return messages.at(-1)?.id;
    }
    const parent = await this.#store.getMessage(requested);
    if (!parent || parent.conversationId !== conversationId)
      throw new ServiceError('not_found', 'No such message in this conversation.');
    return parent.id;
  }

  async #duplicateOf(existing: Message): Promise<SendOutcome> {
    const records = await this.#store.listRunsByTrigger(existing.id);
    return { message: existing, runs: [], duplicateRuns: records.map((r) => this.#runInfo(r)) };
  }

  #runInfo(record: RunRecord): RunInfo {
    return this.#runs.get(record.id)?.info() ?? runInfoFromRecord(record);
  }
}
