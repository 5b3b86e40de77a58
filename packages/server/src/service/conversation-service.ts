import { randomUUID } from 'node:crypto';
import type {
  AgentInfo,
  Conversation,
  Message,
  RunEvent,
  RunInfo,
} from 'svelte-langserve/protocol';
import type { Agent } from '../agents/agent.js';
import type { RunPeers } from '../cluster/peers.js';
import { isStoreError, type ConversationStore } from '../conversations/store.js';
import type { CancelOutcome, RunManager } from '../runs/run-manager.js';
import type { Run } from '../runs/run.js';
import { ConversationAccess, NO_SUCH_CONVERSATION, ServiceError } from './access.js';
import {
  DEFAULT_TITLE,
  Sending,
  type RegenerateInput,
  type SendInput,
  type SendOutcome,
} from './sending.js';

export { ServiceError } from './access.js';
export { titleFrom, type SendInput, type SendOutcome } from './sending.js';

/** A conversation as loaded for a join; {@link JoinSnapshot.commit} makes it current. */
export interface JoinSnapshot {
  /** The page of messages as read from the store (before {@link JoinSnapshot.commit}). */
  readonly stored: readonly Message[];
  /** Overlays live and recently ended runs' text and lists live runs. Call synchronously. */
  commit(): { conversation: Conversation; messages: Message[]; hasMore: boolean; runs: RunInfo[] };
}

/** Conversations per `conversations:list` page unless the client asks for another size. */
export const DEFAULT_CONVERSATION_PAGE_SIZE = 20;
/** Messages per join or `messages:history` page unless the client asks for another size. */
export const DEFAULT_MESSAGE_PAGE_SIZE = 50;

/** Conversations, messages and the runs they start. Knows nothing of sockets. */
export class ConversationService {
  readonly #store: ConversationStore;
  readonly #runs: RunManager;
  readonly #access: ConversationAccess;
  readonly #sending: Sending;

  constructor(options: { store: ConversationStore; agents: Agent[]; runs: RunManager }) {
    this.#store = options.store;
    this.#runs = options.runs;
    this.#access = new ConversationAccess(options.store, options.agents);
    this.#sending = new Sending({ store: options.store, runs: options.runs, access: this.#access });
  }

  /** Other server instances' runs (a Redis adapter connects them; ADR 0018). */
  #peers: RunPeers | undefined;

  /** Joins, re-joins and cancels reach runs live on other instances through `peers`. */
  usePeers(peers: RunPeers): void {
    this.#peers = peers;
  }

  /** Every agent offered. */
  listAgents(): AgentInfo[] {
    return [...this.#access.agents].map((agent) => ({
      ...agent.info,
      health: agent.health.current,
    }));
  }

  /**
   * Creates a conversation answered by `agentIds` (default: the first agent); the caller
   * becomes its owner and first member.
   */
  async create(input: {
    title?: string;
    agentIds?: string[];
    userId: string;
  }): Promise<Conversation> {
    const agentIds = this.#access
      .resolveAgents(input.agentIds, undefined)
      .map((agent) => agent.info.id);
    const now = new Date().toISOString();
    return this.#store.createConversation({
      id: randomUUID(),
      title: input.title ?? DEFAULT_TITLE,
      agentIds,
      createdAt: now,
      updatedAt: now,
      ownerId: input.userId,
    });
  }

  /** The caller's conversations, most recently active first, in pages. */
  async list(input: {
    userId: string;
    limit?: number;
    cursor?: string;
  }): Promise<{ conversations: Conversation[]; nextCursor: string | null }> {
    try {
      return await this.#store.listConversations({
        userId: input.userId,
        limit: input.limit ?? DEFAULT_CONVERSATION_PAGE_SIZE,
        ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
      });
    } catch (error) {
      if (isStoreError(error, 'invalid_cursor'))
        throw new ServiceError('invalid_payload', 'The cursor is not one this server gave out.');
      throw error;
    }
  }

  /** Renames a conversation or changes its agents (any member). */
  async update(input: {
    conversationId: string;
    userId: string;
    title?: string;
    agentIds?: string[];
  }): Promise<Conversation> {
    await this.#access.require(input.conversationId, input.userId);
    const agentIds =
      input.agentIds &&
      this.#access.resolveAgents(input.agentIds, undefined).map((agent) => agent.info.id);
    const updated = await this.#store.updateConversation(input.conversationId, {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(agentIds ? { agentIds } : {}),
      updatedAt: new Date().toISOString(),
    });
    if (!updated) throw new ServiceError('not_found', NO_SUCH_CONVERSATION);
    return updated;
  }

  /**
   * Deletes a conversation with its messages, runs and feedback (the owner only). Its live runs
   * are cancelled first.
   */
  async delete(input: { conversationId: string; userId: string }): Promise<void> {
    const { member } = await this.#access.require(input.conversationId, input.userId);
    if (member.role !== 'owner')
      throw new ServiceError('forbidden', 'Only the owner may delete this conversation.');
    for (const run of this.#runs.liveRuns(input.conversationId)) run.cancel();
    if (!(await this.#store.deleteConversation(input.conversationId)))
      throw new ServiceError('not_found', NO_SUCH_CONVERSATION);
  }

  /**
   * Adds `inviteeId` as a member (role `member`); any member may invite. Inviting someone who
   * is already a member changes nothing (an owner stays owner). There is no user directory:
   * any user id is accepted, and that user sees the conversation once they connect.
   */
  async invite(input: {
    conversationId: string;
    userId: string;
    inviteeId: string;
  }): Promise<{ added: boolean }> {
    await this.#access.require(input.conversationId, input.userId);
    if (await this.#store.isMember(input.conversationId, input.inviteeId)) return { added: false };
    try {
      await this.#store.addMember({
        conversationId: input.conversationId,
        userId: input.inviteeId,
        role: 'member',
        joinedAt: new Date().toISOString(),
      });
    } catch (error) {
      if (isStoreError(error, 'not_found'))
        throw new ServiceError('not_found', NO_SUCH_CONVERSATION);
      throw error;
    }
    return { added: true };
  }

  /**
   * The user ids of a conversation's members, in the order they became members (empty when it
   * does not exist). No access check: for the server's own use (presence), never a request's.
   */
  async memberIds(conversationId: string): Promise<string[]> {
    return (await this.#store.listMembers(conversationId)).map((member) => member.userId);
  }

  /** Checks that the caller may use a conversation (for requests that only need that). */
  async requireAccess(input: { conversationId: string; userId: string }): Promise<Conversation> {
    return (await this.#access.require(input.conversationId, input.userId)).conversation;
  }

  /** A page of older messages: the `limit` messages just before `before`, oldest first. */
  async history(input: {
    conversationId: string;
    userId: string;
    before: string;
    limit?: number;
  }): Promise<{ messages: Message[]; hasMore: boolean }> {
    await this.#access.require(input.conversationId, input.userId);
    try {
      const page = await this.#store.listMessagePage(input.conversationId, {
        before: input.before,
        limit: input.limit ?? DEFAULT_MESSAGE_PAGE_SIZE,
      });
      this.#overlayRuns(page.messages);
      return page;
    } catch (error) {
      if (isStoreError(error, 'not_found'))
        throw new ServiceError('not_found', 'No such message in this conversation.');
      throw error;
    }
  }

  /** Loads a conversation and its latest page of messages for a join. */
  async join(input: {
    conversationId: string;
    userId: string;
    limit?: number;
  }): Promise<JoinSnapshot> {
    const { conversationId } = input;
    const { conversation } = await this.#access.require(conversationId, input.userId);
    // Runs live before the read have their message stored already: one missing from the page
    // is older than the page. Runs that start during the read are newer: they are appended.
    const liveBefore = new Set(this.#runs.liveRuns(conversationId).map((run) => run.id));
    const { messages, hasMore } = await this.#store.listMessagePage(conversationId, {
      limit: input.limit ?? DEFAULT_MESSAGE_PAGE_SIZE,
    });
    // Runs live on other instances, as far as they have got (after the read: never older).
    const remote = (await this.#peers?.liveRuns(conversationId)) ?? [];
    return {
      stored: [...messages],
      commit: () => {
        // Runs move on while the store is read: their in-memory state is the newer truth.
        this.#overlayRuns(messages);
        const byId = new Set(messages.map((message) => message.id));
        const live = this.#runs.liveRuns(conversationId);
        for (const run of live) {
          if (byId.has(run.messageId) || (hasMore && liveBefore.has(run.id))) continue;
          messages.push(run.message());
        }
        for (const { message } of remote) {
          const index = messages.findIndex((stored) => stored.id === message.id);
          if (index !== -1) messages[index] = message;
          else if (!hasMore) messages.push(message);
        }
        return {
          conversation,
          messages,
          hasMore,
          runs: [...live.map((run) => run.info()), ...remote.map((run) => run.info)],
        };
      },
    };
  }

  /**
   * The events of a run in conversation `conversationId` after `seq` (what a re-joining client
   * missed), or undefined when the run's events are no longer kept (or it is another
   * conversation's run). Call synchronously with the join's commit.
   */
  replay(conversationId: string, runId: string, seq: number): RunEvent[] | undefined {
    const run = this.#runs.get(runId);
    if (!run || run.conversationId !== conversationId) return undefined;
    return run.eventsAfter(seq);
  }

  /** Whether this instance holds run `runId` (and so {@link replay} answers for it). */
  holdsRun(runId: string): boolean {
    return this.#runs.get(runId) !== undefined;
  }

  /**
   * The events after `seq` of a run another instance holds (undefined: none keeps them). A
   * re-join asks for them before its commit; events that arrive meanwhile make a gap the
   * client heals with one more re-join.
   */
  replayRemote(
    conversationId: string,
    runId: string,
    seq: number,
  ): Promise<RunEvent[] | undefined> {
    return this.#peers?.replay(conversationId, runId, seq) ?? Promise.resolve(undefined);
  }

  /** Cancels a run (of a conversation the caller is a member of). */
  async cancel(input: { runId: string; userId: string }): Promise<RunInfo> {
    const { runId } = input;
    const conversationId =
      this.#runs.get(runId)?.conversationId ?? (await this.#store.getRun(runId))?.conversationId;
    if (conversationId === undefined || !(await this.#store.isMember(conversationId, input.userId)))
      throw new ServiceError('not_found', 'No such run.');
    // A run live on another instance is cancelled there.
    let outcome: CancelOutcome | undefined;
    if (!this.#runs.get(runId) && this.#peers) {
      outcome = await this.#peers.cancel(runId);
      if (outcome.outcome === 'not_found') outcome = undefined;
    }
    outcome ??= await this.#runs.cancel(runId);
    if (outcome.outcome === 'not_found') throw new ServiceError('not_found', 'No such run.');
    if (outcome.outcome === 'ended')
      throw new ServiceError('conflict', `The run has already ended (${outcome.run.status}).`);
    return outcome.run;
  }

  /**
   * Rates an assistant message of a conversation for the caller (a member): `1` or `-1`, with
   * an optional comment, replaces their earlier rating. `null` clears it. Answers the caller's
   * rating as stored now.
   */
  async feedback(input: {
    conversationId: string;
    userId: string;
    messageId: string;
    value: 1 | -1 | null;
    comment?: string;
  }): Promise<NonNullable<Message['feedback']> | null> {
    await this.#access.require(input.conversationId, input.userId);
    const message = await this.#store.getMessage(input.messageId);
    if (!message || message.conversationId !== input.conversationId)
      throw new ServiceError('not_found', 'No such message in this conversation.');
    if (message.role !== 'assistant')
      throw new ServiceError('invalid_payload', 'Only an answer can be rated.');
    if (input.value === null) {
      await this.#store.deleteFeedback(message.id, input.userId);
      return null;
    }
    const stored = await this.#store.setFeedback({
      messageId: message.id,
      userId: input.userId,
      value: input.value === 1 ? 'up' : 'down',
      ...(input.comment ? { comment: input.comment } : {}),
      createdAt: new Date().toISOString(),
    });
    return {
      value: stored.value === 'up' ? 1 : -1,
      ...(stored.comment ? { comment: stored.comment } : {}),
    };
  }

  /**
   * The caller's own feedback on the assistant messages among `messages`, by message id (one
   * store read). For answers whose access was checked already.
   */
  async ownFeedback(input: {
    userId: string;
    messages: readonly Message[];
  }): Promise<Map<string, NonNullable<Message['feedback']>>> {
    const ids = input.messages
      .filter((message) => message.role === 'assistant')
      .map((message) => message.id);
    const feedback = new Map<string, NonNullable<Message['feedback']>>();
    if (ids.length === 0) return feedback;
    for (const stored of await this.#store.listFeedback(input.userId, ids))
      feedback.set(stored.messageId, {
        value: stored.value === 'up' ? 1 : -1,
        ...(stored.comment ? { comment: stored.comment } : {}),
      });
    return feedback;
  }

  /** Overlays the in-memory text of live and recently ended runs onto stored messages. */
  #overlayRuns(messages: Message[]): void {
    for (const message of messages) {
      const run = message.runId ? this.#runs.get(message.runId) : undefined;
      if (run) Object.assign(message, run.messageSnapshot());
    }
  }

  /**
   * Stores a user message and prepares one run per agent, in one transaction (not started:
   * start them after the acknowledgement). Idempotent on (conversation, client message id).
   */
  send(input: SendInput): Promise<SendOutcome> {
    return this.#sending.send(input);
  }

  /** How many runs a send would start (see {@link Sending.runsForSend}). */
  runsForSend(input: {
    conversationId: string;
    userId: string;
    agentIds?: string[];
  }): Promise<number> {
    return this.#sending.runsForSend(input);
  }

  /** Answers a user message again (see {@link Sending.regenerate}). */
  regenerate(input: RegenerateInput): Promise<Run[]> {
    return this.#sending.regenerate(input);
  }
}
