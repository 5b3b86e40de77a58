import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { Kysely } from 'kysely';
import type { Conversation, Message, RunTerminalStatus } from 'svelte-langserve/protocol';
import type {
  CheckpointHead,
  ConversationListOptions,
  ConversationPage,
  ConversationPatch,
  ConversationStore,
  CreateRunsOptions,
  Feedback,
  Member,
  MessagePage,
  MessagePageOptions,
  MessagePatch,
  NewRun,
  OrphanedRun,
  OrphanSweep,
  RunEndDetails,
  RunRecord,
} from '../conversations/store.js';
import { postgresCheckpointer, sqliteCheckpointer } from './checkpointer.js';
import {
  migrateToLatest,
  openDatabase,
  type SqlDatabase,
  type SqlDatabaseConfig,
} from './database.js';
import type { DatabaseSchema, SqlDialect } from './schema.js';
import {
  addMember,
  createConversation,
  deleteConversation,
  getConversation,
  getMember,
  listConversations,
  listMembers,
  removeMember,
  updateConversation,
} from './sql-conversations.js';
import { deleteFeedback, getFeedback, listFeedback, setFeedback } from './sql-feedback.js';
import {
  appendMessage,
  findByClientMessageId,
  getMessage,
  listBranch,
  listCheckpointHeads,
  listMessagePage,
  listMessages,
  updateMessage,
} from './sql-messages.js';
import {
  createRun,
  createRuns,
  getRun,
  heartbeat,
  interruptOrphanedRuns,
  listRunsByTrigger,
  updateRunStatus,
} from './sql-runs.js';
import { sqlContext, type SqlContext } from './sql-rows.js';

/**
 * The {@link ConversationStore} over SQL: one implementation for SQLite (better-sqlite3) and
 * PostgreSQL (pg), through Kysely. Create it with {@link SqlConversationStore.open}, call
 * {@link SqlConversationStore.migrate} before use and {@link SqlConversationStore.close} at the end.
 *
 * The queries live beside it, by concern: `sql-conversations.ts` (conversations, members),
 * `sql-messages.ts` (messages, checkpoint heads), `sql-runs.ts` (runs, instances, orphan
 * sweeps), `sql-feedback.ts`; rows become models in `sql-rows.ts`, driver errors become
 * `StoreError`s in `sql-errors.ts`.
 */
export class SqlConversationStore implements ConversationStore {
  readonly #context: SqlContext;
  readonly #database: SqlDatabase;
  /** SQLite: from the start; PostgreSQL: once {@link SqlConversationStore.migrate} has set it up. */
  #checkpointer: BaseCheckpointSaver | undefined;

  constructor(database: SqlDatabase) {
    this.#database = database;
    this.#context = sqlContext(database);
    if (database.dialect === 'sqlite') this.#checkpointer = sqliteCheckpointer(database);
  }

  /** Opens a database (not migrated yet). */
  static open(config: SqlDatabaseConfig): SqlConversationStore {
    return new SqlConversationStore(openDatabase(config));
  }

  /** The dialect in use. */
  get dialect(): SqlDialect {
    return this.#database.dialect;
  }

  /** The Kysely instance (for tests and maintenance scripts). */
  get db(): Kysely<DatabaseSchema> {
    return this.#context.db;
  }

  /** Applies pending migrations, the checkpointer's too. */
  async migrate(): Promise<void> {
    await migrateToLatest(this.#database);
    if (this.#database.dialect === 'postgres') {
      this.#checkpointer ??= await postgresCheckpointer(this.#database);
      return;
    }
    // SqliteSaver creates its tables on first use (its `setup()` is protected): a read makes
    // that happen now, not inside a store transaction that might roll the tables back.
    await this.checkpointer.getTuple({ configurable: { thread_id: '' } });
  }

  /**
   * The LangGraph checkpointer in the same database (agents' graph state, ADR 0029), over the
   * store's own connection or pool: it closes with the store. PostgreSQL: after
   * {@link SqlConversationStore.migrate}.
   */
  get checkpointer(): BaseCheckpointSaver {
    if (!this.#checkpointer) throw new Error('The store is not migrated yet: no checkpointer.');
    return this.#checkpointer;
  }

  /** Closes the connection(s). */
  close(): Promise<void> {
    return this.#context.db.destroy();
  }

  createConversation(conversation: Conversation): Promise<Conversation> {
    return createConversation(this.#context, conversation);
  }

  getConversation(id: string): Promise<Conversation | undefined> {
    return getConversation(this.#context, id);
  }

  listConversations(options: ConversationListOptions = {}): Promise<ConversationPage> {
    return listConversations(this.#context, options);
  }

  updateConversation(id: string, patch: ConversationPatch): Promise<Conversation | undefined> {
    return updateConversation(this.#context, id, patch);
  }

  deleteConversation(id: string): Promise<boolean> {
    // The checkpointer as it is when each thread goes (PostgreSQL: none before `migrate`).
    return deleteConversation(this.#context, id, (threadId) =>
      this.#checkpointer?.deleteThread(threadId),
    );
  }

  addMember(member: Member): Promise<Member> {
    return addMember(this.#context, member);
  }

  removeMember(conversationId: string, userId: string): Promise<boolean> {
    return removeMember(this.#context, conversationId, userId);
  }

  getMember(conversationId: string, userId: string): Promise<Member | undefined> {
    return getMember(this.#context, conversationId, userId);
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    return (await this.getMember(conversationId, userId)) !== undefined;
  }

  listMembers(conversationId: string): Promise<Member[]> {
    return listMembers(this.#context, conversationId);
  }

  listMessages(conversationId: string): Promise<Message[]> {
    return listMessages(this.#context, conversationId);
  }

  listBranch(messageId: string, limit: number): Promise<Message[]> {
    return listBranch(this.#context, messageId, limit);
  }

  listMessagePage(conversationId: string, options: MessagePageOptions): Promise<MessagePage> {
    return listMessagePage(this.#context, conversationId, options);
  }

  getMessage(id: string): Promise<Message | undefined> {
    return getMessage(this.#context, id);
  }

  appendMessage(message: Message): Promise<Message> {
    return appendMessage(this.#context, message);
  }

  createRuns(runs: readonly NewRun[], options: CreateRunsOptions = {}): Promise<boolean> {
    return createRuns(this.#context, runs, options);
  }

  updateMessage(id: string, patch: MessagePatch): Promise<Message | undefined> {
    return updateMessage(this.#context, id, patch);
  }

  listCheckpointHeads(parentIds: readonly string[], agentId: string): Promise<CheckpointHead[]> {
    return listCheckpointHeads(this.#context, parentIds, agentId);
  }

  findByClientMessageId(
    conversationId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    return findByClientMessageId(this.#context, conversationId, clientMessageId);
  }

  createRun(run: RunRecord): Promise<RunRecord> {
    return createRun(this.#context, run);
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return getRun(this.#context, id);
  }

  updateRunStatus(
    id: string,
    status: RunTerminalStatus,
    details: RunEndDetails = {},
  ): Promise<RunRecord | undefined> {
    return updateRunStatus(this.#context, id, status, details);
  }

  listRunsByTrigger(triggerMessageId: string): Promise<RunRecord[]> {
    return listRunsByTrigger(this.#context, triggerMessageId);
  }

  heartbeat(instanceId: string, at: string): Promise<void> {
    return heartbeat(this.#context, instanceId, at);
  }

  interruptOrphanedRuns(reason: string, sweep: OrphanSweep): Promise<OrphanedRun[]> {
    return interruptOrphanedRuns(this.#context, reason, sweep);
  }

  setFeedback(feedback: Feedback): Promise<Feedback> {
    return setFeedback(this.#context, feedback);
  }

  getFeedback(messageId: string, userId: string): Promise<Feedback | undefined> {
    return getFeedback(this.#context, messageId, userId);
  }

  listFeedback(userId: string, messageIds: readonly string[]): Promise<Feedback[]> {
    return listFeedback(this.#context, userId, messageIds);
  }

  deleteFeedback(messageId: string, userId: string): Promise<boolean> {
    return deleteFeedback(this.#context, messageId, userId);
  }
}
