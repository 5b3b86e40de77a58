import {
  applyRunEventToParts,
  type Conversation,
  type Message,
  type MessagePart,
  type RunInfo,
  type RunTerminalStatus,
  type RunStatus,
} from 'svelte-langserve/protocol';

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
