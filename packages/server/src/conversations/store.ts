import {
  applyRunEventToParts,
  type Conversation,
  type Message,
  type MessagePart,
  type RunInfo,
  type RunTerminalStatus,
  type RunStatus,
} from 'svelte-langserve/protocol';
import { comesBefore, decodeConversationCursor, encodeConversationCursor } from './cursor.js';

/** A run as the store records it (its live state — seq, events — lives in the run manager). */
export interface RunRecord {
  id: string;
  conversationId: string;
  /** The assistant message the run writes. */
  messageId: string;
  /** The user message that started the run. */
  triggerMessageId: string;
  agentId: string;
  status: RunStatus;
  createdAt: string;
  /** Model calls made (1 unless retried). */
  attempt?: number;
  startedAt?: string;
  /** Set when the status becomes terminal. */
  endedAt?: string;
  usage?: Record<string, unknown>;
  error?: string;
  /** The server instance running it (see {@link ConversationStore.heartbeat}). */
  instanceId?: string;
}

/** A run to store with the empty answer it writes (see {@link ConversationStore.createRuns}). */
export interface NewRun {
  /** The run's answer: an assistant message, usually empty and `streaming`. */
  answer: Message;
  run: RunRecord;
}

/** Options of {@link ConversationStore.createRuns}. */
export interface CreateRunsOptions {
  /**
   * The user message the runs answer, when it is new (a send): stored first, in the same
   * transaction, as {@link ConversationStore.appendMessage} stores it.
   */
  question?: Message;
  /**
   * Store nothing, and answer false, when the runs' trigger already has runs: checked inside
   * the transaction, so of several callers racing to answer one message only the first does.
   */
  onlyIfUnanswered?: boolean;
}

/** An answer {@link ConversationStore.interruptOrphanedRuns} ended. */
export interface OrphanedRun {
  conversationId: string;
  /** The answer, now `interrupted`. */
  messageId: string;
  /** Its run (absent when the run was never stored). */
  runId?: string;
}

/** Which instances {@link ConversationStore.interruptOrphanedRuns} treats as gone. */
export interface OrphanSweep {
  /** The calling instance: its runs are never touched. */
  instanceId: string;
  /**
   * Instances whose last heartbeat is older than this (ISO time) are gone. Omitted: every
   * other instance is gone (a SQLite file serves one process).
   */
  staleBefore?: string;
}

/** What a run records when it ends. */
export type RunEndDetails = Partial<Pick<RunRecord, 'attempt' | 'startedAt' | 'usage' | 'error'>>;

/**
 * The fields of a message that may change after it is created, and (server-side only, never
 * part of the message clients see) an answer's end-of-turn LangGraph checkpoint.
 */
export type MessagePatch = Partial<Pick<Message, 'parts' | 'status' | 'error' | 'metadata'>> & {
  /** The answer's end-of-turn checkpoint: the next turn of its agent forks from it (ADR 0029). */
  checkpointId?: string;
};

/**
 * An assistant answer with an end-of-turn checkpoint (see
 * {@link ConversationStore.listCheckpointHeads}).
 */
export interface CheckpointHead {
  /** The answer. */
  messageId: string;
  /** The message it answers. */
  parentId: string;
  /** Its end-of-turn checkpoint in the agent's thread. */
  checkpointId: string;
}

/** The fields of a conversation that may change after it is created. */
export type ConversationPatch = Partial<Pick<Conversation, 'title' | 'agentIds' | 'updatedAt'>>;

/** What a member may do: the owner may also delete the conversation. */
export type MemberRole = 'owner' | 'member';

/** A user's membership of a conversation. */
export interface Member {
  conversationId: string;
  userId: string;
  role: MemberRole;
  joinedAt: string;
}

/** Options of {@link ConversationStore.listConversations}. */
export interface ConversationListOptions {
  /** Only conversations this user is a member of. Default: every conversation. */
  userId?: string;
  /** Page size. Default: no limit. */
  limit?: number;
  /** `nextCursor` of the previous page (opaque). An invalid one throws `invalid_cursor`. */
  cursor?: string;
}

/** A page of conversations, newest `updatedAt` first (then by id). */
export interface ConversationPage {
  conversations: Conversation[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** Options of {@link ConversationStore.listMessagePage}. */
export interface MessagePageOptions {
  /** The page ends just before this message (default: the latest messages). */
  before?: string;
  limit: number;
}

/** A page of messages, oldest first. */
export interface MessagePage {
  messages: Message[];
  /** Whether older messages exist. */
  hasMore: boolean;
}

/** A user's rating of a message (one per message and user; setting it again replaces it). */
export interface Feedback {
  messageId: string;
  userId: string;
  value: 'up' | 'down';
  comment?: string;
  createdAt: string;
}

/** Why a store refused a write or a read; the service turns it into a typed error. */
export type StoreErrorKind = 'already_exists' | 'not_found' | 'invalid_cursor';

/** An expected refusal of a store (every implementation throws the same kinds). */
export class StoreError extends Error {
  readonly kind: StoreErrorKind;

  constructor(kind: StoreErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.kind = kind;
  }
}

/** Whether `error` is a {@link StoreError} of `kind`. */
export function isStoreError(error: unknown, kind: StoreErrorKind): error is StoreError {
  return error instanceof StoreError && error.kind === kind;
}

/**
 * Where conversations, messages, runs, memberships and feedback live. Every method is async so
 * that SQLite and PostgreSQL implementations (`src/storage/`) back the same interface as
 * {@link InMemoryConversationStore}; `tests/storage.contract.test.ts` holds all three to one
 * contract. Returned objects are copies: changing them does not change the store.
 */
export interface ConversationStore {
  /**
   * Stores a conversation; with an `ownerId`, the owner becomes its `owner` member in the same
   * write. Throws `already_exists` for a taken id.
   */
  createConversation(conversation: Conversation): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | undefined>;
  /** A page of conversations, newest `updatedAt` first (then by id). */
  listConversations(options?: ConversationListOptions): Promise<ConversationPage>;
  /** Changes the title, agents or `updatedAt`; undefined when there is no such conversation. */
  updateConversation(id: string, patch: ConversationPatch): Promise<Conversation | undefined>;
  /**
   * Deletes a conversation with its members, messages, runs and feedback. Whether it existed.
   */
  deleteConversation(id: string): Promise<boolean>;

  /** Adds a member, or changes the role of an existing one. Throws `not_found` without the conversation. */
  addMember(member: Member): Promise<Member>;
  /** Whether the user was a member. */
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  /** The user's membership, if any. */
  getMember(conversationId: string, userId: string): Promise<Member | undefined>;
  isMember(conversationId: string, userId: string): Promise<boolean>;
  /** Members in the order they joined. */
  listMembers(conversationId: string): Promise<Member[]>;

  /** Every message of a conversation, every branch, oldest first. */
  listMessages(conversationId: string): Promise<Message[]>;
  /**
   * The branch that ends at `messageId`: that message and its ancestors through `parentId`,
   * oldest first, at most the newest `limit` of them (one query, however long the
   * conversation). An unknown id gives `[]`.
   */
  listBranch(messageId: string, limit: number): Promise<Message[]>;
  /**
   * One page of a conversation's messages, oldest first: the latest `limit`, or the `limit`
   * just before message `before` (`not_found` when that message is not in the conversation).
   */
  listMessagePage(conversationId: string, options: MessagePageOptions): Promise<MessagePage>;
  getMessage(id: string): Promise<Message | undefined>;
  /**
   * Appends a message; also moves the conversation's `updatedAt` forward to its `createdAt`.
   * Throws `already_exists` when the id, or the `clientMessageId` within the conversation, is
   * taken (checked by the database itself, so concurrent writers cannot both succeed), and
   * `not_found` without the conversation.
   */
  appendMessage(message: Message): Promise<Message>;
  /** Changes a message; a `checkpointId` is stored beside it (never in the returned message). */
  updateMessage(id: string, patch: MessagePatch): Promise<Message | undefined>;
  /**
   * The answers by `agentId` to any of `parentIds` that have a checkpoint head, in creation
   * order: where the agent's next turn on a branch may fork from.
   */
  listCheckpointHeads(parentIds: readonly string[], agentId: string): Promise<CheckpointHead[]>;
  /** The user message a client sent with `clientMessageId` in this conversation, if any. */
  findByClientMessageId(
    conversationId: string,
    clientMessageId: string,
  ): Promise<Message | undefined>;

  /** Stores a run. Throws `already_exists` for a taken id, `not_found` without its messages. */
  createRun(run: RunRecord): Promise<RunRecord>;
  /**
   * Stores runs answering one user message, each with its answer, and the `question` first when
   * it is new: all in one transaction, so a crash never leaves a user message without its runs
   * or an answer without its run. Everything or nothing is stored; the errors are
   * {@link ConversationStore.appendMessage}'s and {@link ConversationStore.createRun}'s. Also
   * moves the conversation's `updatedAt` forward. Answers whether the runs were stored (false
   * only with `onlyIfUnanswered`).
   */
  createRuns(runs: readonly NewRun[], options?: CreateRunsOptions): Promise<boolean>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Ends a run: its terminal status, and what it measured (attempts, timings, usage, error). */
  updateRunStatus(
    id: string,
    status: RunTerminalStatus,
    details?: RunEndDetails,
  ): Promise<RunRecord | undefined>;
  /** Runs started by one user message, in creation order. */
  listRunsByTrigger(triggerMessageId: string): Promise<RunRecord[]>;
  /** Records that server instance `instanceId` is alive at `at` (ISO time). */
  heartbeat(instanceId: string, at: string): Promise<void>;

  /**
   * Ends the runs that gone instances (see {@link OrphanSweep}) left `running`, and their
   * `streaming` messages, as `interrupted` with `reason` (an unfinished tool call in them
   * `failed`, as clients show it); also a `streaming` message whose run was never stored (older
   * than `staleBefore`). Forgets the gone instances. Runs without an instance count as gone.
   * Safe to call from several instances at once. Returns the answers it ended.
   */
  interruptOrphanedRuns(reason: string, sweep: OrphanSweep): Promise<OrphanedRun[]>;

  /** Sets (or replaces) a user's feedback on a message. Throws `not_found` without the message. */
  setFeedback(feedback: Feedback): Promise<Feedback>;
  getFeedback(messageId: string, userId: string): Promise<Feedback | undefined>;
  /** A user's feedback on any of `messageIds` (in no particular order). */
  listFeedback(userId: string, messageIds: readonly string[]): Promise<Feedback[]>;
  /** Removes a user's feedback on a message; whether there was one. */
  deleteFeedback(messageId: string, userId: string): Promise<boolean>;
}

const copy = <T>(value: T): T => structuredClone(value);

/**
 * A {@link ConversationStore} in process memory, for tests and embedding. Everything is lost
 * when the process exits.
 */
export class InMemoryConversationStore implements ConversationStore {
  readonly #conversations = new Map<string, Conversation>();
  readonly #members = new Map<string, Map<string, Member>>();
  readonly #messages = new Map<string, Message>();
  readonly #messageIdsByConversation = new Map<string, string[]>();
  readonly #runs = new Map<string, RunRecord>();
  /** Answer id → its end-of-turn checkpoint. */
  readonly #heads = new Map<string, string>();
  readonly #feedback = new Map<string, Feedback>();
  /** Instance id → last heartbeat (ISO time). */
  readonly #heartbeats = new Map<string, string>();

  async createConversation(conversation: Conversation): Promise<Conversation> {
    if (this.#conversations.has(conversation.id))
      throw new StoreError('already_exists', `Conversation ${conversation.id} already exists.`);
    this.#conversations.set(conversation.id, copy(conversation));
    this.#messageIdsByConversation.set(conversation.id, []);
    const members = new Map<string, Member>();
    if (conversation.ownerId !== undefined)
      members.set(conversation.ownerId, {
        conversationId: conversation.id,
        userId: conversation.ownerId,
        role: 'owner',
        joinedAt: conversation.createdAt,
      });
    this.#members.set(conversation.id, members);
    return copy(conversation);
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const conversation = this.#conversations.get(id);
    return conversation && copy(conversation);
  }

  async listConversations(options: ConversationListOptions = {}): Promise<ConversationPage> {
    const after =
      options.cursor === undefined ? undefined : decodeConversationCursor(options.cursor);
    if (options.cursor !== undefined && !after)
      throw new StoreError('invalid_cursor', 'The cursor is not one this server made.');
    const { userId } = options;
    const all = [...this.#conversations.values()]
      .filter(
        (conversation) => userId === undefined || this.#members.get(conversation.id)?.has(userId),
      )
      .filter((conversation) => !after || comesBefore(after, conversation))
      .sort((a, b) => (comesBefore(a, b) ? -1 : 1));
    const page = options.limit === undefined ? all : all.slice(0, options.limit);
    const last = page.at(-1);
    return {
      conversations: page.map(copy),
      nextCursor: last && page.length < all.length ? encodeConversationCursor(last) : null,
    };
  }

  async updateConversation(
    id: string,
    patch: ConversationPatch,
  ): Promise<Conversation | undefined> {
    const conversation = this.#conversations.get(id);
    if (!conversation) return undefined;
    Object.assign(conversation, copy(patch));
    return copy(conversation);
  }

  async deleteConversation(id: string): Promise<boolean> {
    if (!this.#conversations.delete(id)) return false;
    this.#members.delete(id);
    for (const messageId of this.#messageIdsByConversation.get(id) ?? []) {
      this.#messages.delete(messageId);
      this.#heads.delete(messageId);
      for (const key of [...this.#feedback.keys()])
        if (this.#feedback.get(key)?.messageId === messageId) this.#feedback.delete(key);
    }
    this.#messageIdsByConversation.delete(id);
    for (const [runId, run] of this.#runs) if (run.conversationId === id) this.#runs.delete(runId);
    return true;
  }

  async addMember(member: Member): Promise<Member> {
    const members = this.#members.get(member.conversationId);
    if (!members)
      throw new StoreError('not_found', `Conversation ${member.conversationId} does not exist.`);
    members.set(member.userId, copy(member));
    return copy(member);
  }

  async removeMember(conversationId: string, userId: string): Promise<boolean> {
    return this.#members.get(conversationId)?.delete(userId) ?? false;
  }

  async getMember(conversationId: string, userId: string): Promise<Member | undefined> {
    const member = this.#members.get(conversationId)?.get(userId);
    return member && copy(member);
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    return this.#members.get(conversationId)?.has(userId) ?? false;
  }

  async listMembers(conversationId: string): Promise<Member[]> {
    return [...(this.#members.get(conversationId)?.values() ?? [])].map(copy);
  }

  async listBranch(messageId: string, limit: number): Promise<Message[]> {
    const branch: Message[] = [];
    for (
      let current = this.#messages.get(messageId);
      current && branch.length < limit;
      current = current.parentId === undefined ? undefined : this.#messages.get(current.parentId)
    )
      branch.push(copy(current));
    return branch.reverse();
  }

  async listMessages(conversationId: string): Promise<Message[]> {
    const ids = this.#messageIdsByConversation.get(conversationId) ?? [];
    return ids.map((id) => copy(this.#messages.get(id) as Message));
  }

  async listMessagePage(conversationId: string, options: MessagePageOptions): Promise<MessagePage> {
    const ids = this.#messageIdsByConversation.get(conversationId) ?? [];
    let end = ids.length;
    if (options.before !== undefined) {
      end = ids.indexOf(options.before);
      if (end < 0)
        throw new StoreError('not_found', `Message ${options.before} is not in this conversation.`);
    }
    const start = Math.max(0, end - options.limit);
    return {
      messages: ids.slice(start, end).map((id) => copy(this.#messages.get(id) as Message)),
      hasMore: start > 0,
    };
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const message = this.#messages.get(id);
    return message && copy(message);
  }

  async appendMessage(message: Message): Promise<Message> {
    return this.#append(message);
  }

  /** {@link appendMessage} without a pause: {@link createRuns} is atomic by never awaiting. */
  #append(message: Message): Message {
    const conversation = this.#conversations.get(message.conversationId);
    const ids = this.#messageIdsByConversation.get(message.conversationId);
    if (!conversation || !ids)
      throw new StoreError('not_found', `Conversation ${message.conversationId} does not exist.`);
    if (this.#messages.has(message.id))
      throw new StoreError('already_exists', `Message ${message.id} already exists.`);
    if (
      message.clientMessageId !== undefined &&
      ids.some((id) => this.#messages.get(id)?.clientMessageId === message.clientMessageId)
    )
      throw new StoreError(
        'already_exists',
        `A message with client message id ${message.clientMessageId} already exists.`,
      );
    this.#messages.set(message.id, copy(message));
    ids.push(message.id);
    if (message.createdAt > conversation.updatedAt) conversation.updatedAt = message.createdAt;
    return copy(message);
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<Message | undefined> {
    const message = this.#messages.get(id);
    if (!message) return undefined;
    const { checkpointId, ...fields } = patch;
    if (checkpointId !== undefined) this.#heads.set(id, checkpointId);
    Object.assign(message, copy(fields));
    return copy(message);
  }

  async listCheckpointHeads(
    parentIds: readonly string[],
    agentId: string,
  ): Promise<CheckpointHead[]> {
    const first = parentIds.map((id) => this.#messages.get(id)).find(Boolean);
    if (!first) return [];
    const parents = new Set(parentIds);
    const heads: CheckpointHead[] = [];
    // The conversation's messages in the order they were appended.
    for (const messageId of this.#messageIdsByConversation.get(first.conversationId) ?? []) {
      const checkpointId = this.#heads.get(messageId);
      const message = this.#messages.get(messageId);
      if (checkpointId === undefined || message?.agentId !== agentId) continue;
      if (message.parentId !== undefined && parents.has(message.parentId))
        heads.push({ messageId, parentId: message.parentId, checkpointId });
    }
    return heads;
  }

  async findByClientMessageId(
    conversationId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    for (const id of this.#messageIdsByConversation.get(conversationId) ?? []) {
      const message = this.#messages.get(id);
      if (message?.clientMessageId === clientMessageId) return copy(message);
    }
    return undefined;
  }

  async createRun(run: RunRecord): Promise<RunRecord> {
    return this.#createRun(run);
  }

  #createRun(run: RunRecord): RunRecord {
    if (this.#runs.has(run.id))
      throw new StoreError('already_exists', `Run ${run.id} already exists.`);
    if (!this.#messages.has(run.messageId) || !this.#messages.has(run.triggerMessageId))
      throw new StoreError('not_found', `The messages of run ${run.id} do not exist.`);
    const stored: RunRecord = { attempt: 1, ...copy(run) };
    this.#runs.set(run.id, stored);
    return copy(stored);
  }

  async createRuns(runs: readonly NewRun[], options: CreateRunsOptions = {}): Promise<boolean> {
    const triggerId = runs[0]?.run.triggerMessageId;
    if (options.onlyIfUnanswered && this.#hasRuns(triggerId)) return false;
    const messages = [
      ...(options.question ? [options.question] : []),
      ...runs.map((r) => r.answer),
    ];
    const conversation = this.#conversations.get(messages[0]?.conversationId ?? '');
    const updatedAt = conversation?.updatedAt;
    const stored: { messages: Message[]; runs: string[] } = { messages: [], runs: [] };
    try {
      for (const message of messages) stored.messages.push(this.#append(message));
      for (const { run } of runs) stored.runs.push(this.#createRun(run).id);
    } catch (error) {
      // Undone as a failed transaction is: nothing of it stays.
      for (const runId of stored.runs) this.#runs.delete(runId);
      for (const message of stored.messages) {
        this.#messages.delete(message.id);
        const ids = this.#messageIdsByConversation.get(message.conversationId);
        ids?.splice(ids.lastIndexOf(message.id), 1);
      }
      if (conversation && updatedAt !== undefined) conversation.updatedAt = updatedAt;
      throw error;
    }
    return true;
  }

  #hasRuns(triggerMessageId: string | undefined): boolean {
    for (const run of this.#runs.values())
      if (run.triggerMessageId === triggerMessageId) return true;
    return false;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const run = this.#runs.get(id);
    return run && copy(run);
  }

  async updateRunStatus(
    id: string,
    status: RunTerminalStatus,
    details: RunEndDetails = {},
  ): Promise<RunRecord | undefined> {
    const run = this.#runs.get(id);
    if (!run) return undefined;
    Object.assign(run, copy(details));
    run.status = status;
    run.endedAt = new Date().toISOString();
    return copy(run);
  }

  async listRunsByTrigger(triggerMessageId: string): Promise<RunRecord[]> {
    return [...this.#runs.values()]
      .filter((run) => run.triggerMessageId === triggerMessageId)
      .map(copy);
  }

  async heartbeat(instanceId: string, at: string): Promise<void> {
    this.#heartbeats.set(instanceId, at);
  }

  async interruptOrphanedRuns(reason: string, sweep: OrphanSweep): Promise<OrphanedRun[]> {
    const gone = (instanceId: string | undefined) =>
      instanceId !== sweep.instanceId &&
      (instanceId === undefined ||
        sweep.staleBefore === undefined ||
        (this.#heartbeats.get(instanceId) ?? '') < sweep.staleBefore);
    const ended: OrphanedRun[] = [];
    const endedAt = new Date().toISOString();
    /** Message id → the orphaned run writing it. */
    const orphanedRuns = new Map<string, string>();
    const withRun = new Set<string>();
    for (const run of this.#runs.values()) {
      withRun.add(run.messageId);
      if (run.status !== 'running' || !gone(run.instanceId)) continue;
      Object.assign(run, { status: 'interrupted', endedAt, error: reason });
      orphanedRuns.set(run.messageId, run.id);
    }
    for (const message of this.#messages.values()) {
      if (message.status !== 'streaming') continue;
      const runId = orphanedRuns.get(message.id);
      const orphaned =
        runId !== undefined ||
        (!withRun.has(message.id) &&
          (sweep.staleBefore === undefined || message.createdAt < sweep.staleBefore));
      if (!orphaned) continue;
      Object.assign(message, {
        status: 'interrupted',
        error: reason,
        parts: interruptedParts(message.parts, message.runId, message.conversationId),
      });
      ended.push({
        conversationId: message.conversationId,
        messageId: message.id,
        ...(runId !== undefined ? { runId } : {}),
      });
    }
    for (const instanceId of [...this.#heartbeats.keys()])
      if (gone(instanceId)) this.#heartbeats.delete(instanceId);
    return ended;
  }

  async setFeedback(feedback: Feedback): Promise<Feedback> {
    if (!this.#messages.has(feedback.messageId))
      throw new StoreError('not_found', `Message ${feedback.messageId} does not exist.`);
    this.#feedback.set(`${feedback.messageId}\u0000${feedback.userId}`, copy(feedback));
    return copy(feedback);
  }

  async getFeedback(messageId: string, userId: string): Promise<Feedback | undefined> {
    const feedback = this.#feedback.get(`${messageId}\u0000${userId}`);
    return feedback && copy(feedback);
  }

  async listFeedback(userId: string, messageIds: readonly string[]): Promise<Feedback[]> {
    return messageIds.flatMap((messageId) => {
      const feedback = this.#feedback.get(`${messageId}\u0000${userId}`);
      return feedback ? [copy(feedback)] : [];
    });
  }

  async deleteFeedback(messageId: string, userId: string): Promise<boolean> {
    return this.#feedback.delete(`${messageId}\u0000${userId}`);
  }
}

/**
 * The parts of a message whose run was interrupted: an unfinished tool call ends `failed`, as
 * the run's own end would have left it.
 */
export function interruptedParts(
  parts: MessagePart[],
  runId: string | undefined,
  conversationId: string,
): MessagePart[] {
  return applyRunEventToParts(parts, {
    type: 'end',
    runId: runId ?? '',
    conversationId,
    seq: 0,
    status: 'interrupted',
  });
}

/**
 * A stored run as the protocol reports it when its events are no longer in memory: `seq` is
 * -1, meaning "unknown".
 */
export function runInfoFromRecord(record: RunRecord): RunInfo {
  return {
    id: record.id,
    conversationId: record.conversationId,
    messageId: record.messageId,
    agentId: record.agentId,
    status: record.status,
    seq: -1,
  };
}
