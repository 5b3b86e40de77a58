import { randomUUID } from 'node:crypto';
import type {
  AgentInfo,
  Conversation,
  ErrorCode,
  Message,
  RunEvent,
  RunInfo,
  RunSettings,
} from 'svelte-langserve/protocol';
import { resolveRunSettings } from '../agents/settings.js';
import type { Agent } from '../agents/agent.js';
import type { CancelOutcome, RunManager } from '../runs/run-manager.js';
import type { RunPeers } from '../cluster/peers.js';
import type { Run } from '../runs/run.js';
import {
  isStoreError,
  runInfoFromRecord,
  type ConversationStore,
  type Member,
  type RunRecord,
} from './store.js';

/** An expected failure of a request; the socket layer answers it as a typed error. */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean | undefined;

  constructor(code: ErrorCode, message: string, retryable?: boolean) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.retryable = retryable;
  }
}

/** What {@link ConversationService.send} produced. */
export interface SendOutcome {
  message: Message;
  runs: Run[];
  /** Run infos of an earlier identical send (a retry): nothing new was created. */
  duplicateRuns: RunInfo[] | null;
  /** The conversation, when this send gave it its title (it still had the default one). */
  retitled?: Conversation;
}

/** What {@link ConversationService.send} is asked to do. */
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

/** A conversation as loaded for a join; {@link JoinSnapshot.commit} makes it current. */
export interface JoinSnapshot {
  /** The page of messages as read from the store (before {@link JoinSnapshot.commit}). */
  readonly stored: readonly Message[];
  /** Overlays live and recently ended runs' text and lists live runs. Call synchronously. */
  commit(): { conversation: Conversation; messages: Message[]; hasMore: boolean; runs: RunInfo[] };
}

const DEFAULT_TITLE = 'New conversation';
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
/** Conversations per `conversations:list` page unless the client asks for another size. */
export const DEFAULT_CONVERSATION_PAGE_SIZE = 20;
/** Messages per join or `messages:history` page unless the client asks for another size. */
export const DEFAULT_MESSAGE_PAGE_SIZE = 50;

/**
 * Access: every request naming a conversation (or a run in one) must come from a member.
 * A conversation the caller is not a member of answers `not_found` exactly like one that does
 * not exist, so conversation ids cannot be probed. Members may read, send, rename, change the
 * agents and leave; only the owner may delete (`forbidden` for other members).
 */
const NO_SUCH_CONVERSATION = 'No such conversation.';

/** Conversations, messages and the runs they start. Knows nothing of sockets. */
export class ConversationService {
  readonly #store: ConversationStore;
  readonly #agents: ReadonlyMap<string, Agent>;
  readonly #runs: RunManager;
  /**
   * Sends being processed, by (user, conversation, client message id): a retry by the same user
   * shares the outcome. Keyed by user too, so someone else's request (refused or not) is never
   * the one another user waits on.
   */
  readonly #sendsInFlight = new Map<string, Promise<SendOutcome>>();

  constructor(options: { store: ConversationStore; agents: Agent[]; runs: RunManager }) {
    this.#store = options.store;
    this.#agents = new Map(options.agents.map((agent) => [agent.info.id, agent]));
    this.#runs = options.runs;
  }

  /** Other server instances' runs (a Redis adapter connects them; ADR 0018). */
  #peers: RunPeers | undefined;

  /** Joins, re-joins and cancels reach runs live on other instances through `peers`. */
  usePeers(peers: RunPeers): void {
    this.#peers = peers;
  }

  /** Every agent offered. */
  listAgents(): AgentInfo[] {
    return [...this.#agents.values()].map((agent) => ({
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
    const agentIds = this.#resolveAgents(input.agentIds, undefined).map((agent) => agent.info.id);
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
    await this.#requireAccess(input.conversationId, input.userId);
    const agentIds =
      input.agentIds &&
      this.#resolveAgents(input.agentIds, undefined).map((agent) => agent.info.id);
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
    const { member } = await this.#requireAccess(input.conversationId, input.userId);
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
    await this.#requireAccess(input.conversationId, input.userId);
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
    return (await this.#requireAccess(input.conversationId, input.userId)).conversation;
  }

  /** A page of older messages: the `limit` messages just before `before`, oldest first. */
  async history(input: {
    conversationId: string;
    userId: string;
    before: string;
    limit?: number;
  }): Promise<{ messages: Message[]; hasMore: boolean }> {
    await this.#requireAccess(input.conversationId, input.userId);
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
    const { conversation } = await this.#requireAccess(conversationId, input.userId);
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
      return this.#requireAccess(input.conversationId, input.userId)
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
      const { conversation } = await this.#requireAccess(input.conversationId, input.userId);
      return Math.max(1, conversation.agentIds.length);
    } catch {
      return 1;
    }
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

  async #send(input: SendInput): Promise<SendOutcome> {
    const { conversation } = await this.#requireAccess(input.conversationId, input.userId);
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
    const agents = this.#resolveAgents(input.agentIds, conversation.agentIds);
    return this.#plan(agents, input.settings);
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
   * Checks that every agent can run with `settings` (configured, settings in range) before
   * anything is stored; returns each agent with the settings to use.
   */
  #plan(agents: Agent[], requested: RunSettings | undefined) {
    return agents.map((agent) => {
      const health = agent.health.current;
      if (health.status === 'unconfigured')
        throw new ServiceError(
          'unavailable',
          `${agent.info.name} is not configured: ${health.reason ?? 'its provider lacks settings'}`,
        );
      const resolved = resolveRunSettings(agent.settings, requested, agent.info.name);
      if (!resolved.ok) throw new ServiceError('invalid_payload', resolved.error);
      return { agent, settings: resolved.settings };
    });
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

  /**
   * Answers a user message again: new runs whose answers are siblings of `messageId` (an
   * assistant message), by its agent unless `agentIds` names others. Nothing is stored for a
   * refused request.
   */
  async regenerate(input: {
    conversationId: string;
    userId: string;
    messageId: string;
    agentIds?: string[];
    settings?: RunSettings;
  }): Promise<Run[]> {
    const { conversation } = await this.#requireAccess(input.conversationId, input.userId);
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
    const agents = this.#resolveAgents(
      input.agentIds ?? (answer.agentId ? [answer.agentId] : undefined),
      conversation.agentIds,
    );
    // The runs and their answers in one transaction: stored together or not at all.
    return this.#runs.prepare(trigger, this.#plan(agents, input.settings));
  }

  async #duplicateOf(existing: Message): Promise<SendOutcome> {
    const records = await this.#store.listRunsByTrigger(existing.id);
    return { message: existing, runs: [], duplicateRuns: records.map((r) => this.#runInfo(r)) };
  }

  #runInfo(record: RunRecord): RunInfo {
    return this.#runs.get(record.id)?.info() ?? runInfoFromRecord(record);
  }

  /** Overlays the in-memory text of live and recently ended runs onto stored messages. */
  #overlayRuns(messages: Message[]): void {
    for (const message of messages) {
      const run = message.runId ? this.#runs.get(message.runId) : undefined;
      if (run) Object.assign(message, run.messageSnapshot());
    }
  }

  /** The conversation and the caller's membership; `not_found` for both absent and not-yours. */
  async #requireAccess(
    conversationId: string,
    userId: string,
  ): Promise<{ conversation: Conversation; member: Member }> {
    const [conversation, member] = await Promise.all([
      this.#store.getConversation(conversationId),
      this.#store.getMember(conversationId, userId),
    ]);
    if (!conversation || !member) throw new ServiceError('not_found', NO_SUCH_CONVERSATION);
    return { conversation, member };
  }

  #resolveAgents(requested: string[] | undefined, fallback: string[] | undefined): Agent[] {
    const ids = [...new Set(requested ?? fallback ?? [])];
    if (ids.length === 0) {
      const first = this.#agents.values().next().value;
      if (!first) throw new ServiceError('unavailable', 'This server offers no agents.');
      return [first];
    }
    const unknown = ids.filter((id) => !this.#agents.has(id));
    if (unknown.length)
      throw new ServiceError(
        'not_found',
        `Unknown agent${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
      );
    return ids.map((id) => this.#agents.get(id) as Agent);
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
    await this.#requireAccess(input.conversationId, input.userId);
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
}
