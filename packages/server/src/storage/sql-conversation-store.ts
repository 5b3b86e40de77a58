import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  Conversation,
  Message,
  MessageMetadata,
  MessagePart,
  MessageRole,
  MessageStatus,
  RunStatus,
  RunTerminalStatus,
} from 'svelte-langserve/protocol';
import { decodeConversationCursor, encodeConversationCursor } from '../conversations/cursor.js';
import {
  interruptedParts,
  StoreError,
  type CheckpointHead,
  type ConversationListOptions,
  type ConversationPage,
  type ConversationPatch,
  type ConversationStore,
  type CreateRunsOptions,
  type Feedback,
  type Member,
  type MessagePage,
  type MessagePageOptions,
  type MessagePatch,
  type NewRun,
  type OrphanedRun,
  type OrphanSweep,
  type RunEndDetails,
  type RunRecord,
} from '../conversations/store.js';
import { postgresCheckpointer, sqliteCheckpointer, threadIdOf } from './checkpointer.js';
import {
  migrateToLatest,
  openDatabase,
  type SqlDatabase,
  type SqlDatabaseConfig,
} from './database.js';
import type {
  ConversationMembersTable,
  ConversationsTable,
  DatabaseSchema,
  FeedbackTable,
  MessagesTable,
  RunsTable,
  SqlDialect,
} from './schema.js';

const MESSAGE_CLIENT_ID_INDEX = 'messages_client_message_id_unique';

/** What a driver error means, across better-sqlite3 and pg. */
function constraintKind(error: unknown): 'unique' | 'foreign_key' | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
    return 'unique';
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
  return undefined;
}

/** Runs `write`, turning constraint violations into {@link StoreError}s. */
async function guarded<T>(
  write: () => Promise<T>,
  messages: { unique: string; foreignKey: string },
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const kind = constraintKind(error);
    if (kind === 'unique')
      throw new StoreError('already_exists', messages.unique, { cause: error });
    if (kind === 'foreign_key')
      throw new StoreError('not_found', messages.foreignKey, { cause: error });
    throw error;
  }
}

const toIso = (value: string | Date): string =>
  value instanceof Date ? value.toISOString() : value;

/**
 * The {@link ConversationStore} over SQL: one implementation for SQLite (better-sqlite3) and
 * PostgreSQL (pg), through Kysely. Create it with {@link SqlConversationStore.open}, call
 * {@link SqlConversationStore.migrate} before use and {@link SqlConversationStore.close} at the end.
 */
export class SqlConversationStore implements ConversationStore {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #database: SqlDatabase;
  readonly #readJson: (value: unknown) => unknown;
  /** SQLite: from the start; PostgreSQL: once {@link SqlConversationStore.migrate} has set it up. */
  #checkpointer: BaseCheckpointSaver | undefined;

  constructor(database: SqlDatabase) {
    this.#database = database;
    this.#db = database.db;
    if (database.dialect === 'sqlite') this.#checkpointer = sqliteCheckpointer(database);
    // pg parses jsonb itself; SQLite hands back the text that was written.
    this.#readJson =
      database.dialect === 'postgres' ? (value) => value : (value) => JSON.parse(value as string);
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
    return this.#db;
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
    return this.#db.destroy();
  }

  async createConversation(conversation: Conversation): Promise<Conversation> {
    await guarded(
      () =>
        this.#db.transaction().execute(async (trx) => {
          await trx
            .insertInto('conversations')
            .values({
              id: conversation.id,
              title: conversation.title,
              agent_ids: JSON.stringify(conversation.agentIds),
              owner_id: conversation.ownerId ?? null,
              created_at: conversation.createdAt,
              updated_at: conversation.updatedAt,
            })
            .execute();
          if (conversation.ownerId !== undefined)
            await trx
              .insertInto('conversation_members')
              .values({
                conversation_id: conversation.id,
                user_id: conversation.ownerId,
                role: 'owner',
                joined_at: conversation.createdAt,
              })
              .execute();
        }),
      {
        unique: `Conversation ${conversation.id} already exists.`,
        foreignKey: `Conversation ${conversation.id} could not be stored.`,
      },
    );
    return structuredClone(conversation);
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const row = await this.#db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && this.#conversation(row);
  }

  async listConversations(options: ConversationListOptions = {}): Promise<ConversationPage> {
    const after =
      options.cursor === undefined ? undefined : decodeConversationCursor(options.cursor);
    if (options.cursor !== undefined && !after)
      throw new StoreError('invalid_cursor', 'The cursor is not one this server made.');
    const { userId, limit } = options;
    let query = this.#db.selectFrom('conversations').selectAll('conversations');
    if (userId !== undefined)
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('conversation_members')
            .select('conversation_members.user_id')
            .whereRef('conversation_members.conversation_id', '=', 'conversations.id')
            .where('conversation_members.user_id', '=', userId),
        ),
      );
    if (after)
      query = query.where(({ eb, or, and }) =>
        or([
          eb('conversations.updated_at', '<', after.updatedAt),
          and([
            eb('conversations.updated_at', '=', after.updatedAt),
            eb('conversations.id', '<', after.id),
          ]),
        ]),
      );
    query = query.orderBy('conversations.updated_at', 'desc').orderBy('conversations.id', 'desc');
    if (limit !== undefined) query = query.limit(limit + 1);
    const rows = await query.execute();
    const hasMore = limit !== undefined && rows.length > limit;
    const conversations = (hasMore ? rows.slice(0, limit) : rows).map((row) =>
      this.#conversation(row),
    );
    const last = conversations.at(-1);
    return {
      conversations,
      nextCursor: hasMore && last ? encodeConversationCursor(last) : null,
    };
  }

  async updateConversation(
    id: string,
    patch: ConversationPatch,
  ): Promise<Conversation | undefined> {
    const values: { title?: string; agent_ids?: string; updated_at?: string } = {};
    if (patch.title !== undefined) values.title = patch.title;
    if (patch.agentIds !== undefined) values.agent_ids = JSON.stringify(patch.agentIds);
    if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
    if (Object.keys(values).length === 0) return this.getConversation(id);
    const row = await this.#db
      .updateTable('conversations')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && this.#conversation(row);
  }

  async deleteConversation(id: string): Promise<boolean> {
    // The agents that answered in it: each has a checkpoint thread to delete too.
    const agents = await this.#db
      .selectFrom('messages')
      .select('agent_id')
      .distinct()
      .where('conversation_id', '=', id)
      .where('agent_id', 'is not', null)
      .execute();
    // Members, messages, runs and feedback go with it (ON DELETE CASCADE).
    const result = await this.#db
      .deleteFrom('conversations')
      .where('id', '=', id)
      .executeTakeFirst();
    for (const { agent_id: agentId } of agents)
      if (agentId !== null) await this.#checkpointer?.deleteThread(threadIdOf(id, agentId));
    return result.numDeletedRows > 0n;
  }

  async addMember(member: Member): Promise<Member> {
    await guarded(
      () =>
        this.#db
          .insertInto('conversation_members')
          .values({
            conversation_id: member.conversationId,
            user_id: member.userId,
            role: member.role,
            joined_at: member.joinedAt,
          })
          .onConflict((conflict) =>
            conflict.columns(['conversation_id', 'user_id']).doUpdateSet({ role: member.role }),
          )
          .execute(),
      {
        unique: `${member.userId} is already a member.`,
        foreignKey: `Conversation ${member.conversationId} does not exist.`,
      },
    );
    return (await this.getMember(member.conversationId, member.userId)) as Member;
  }

  async removeMember(conversationId: string, userId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('conversation_members')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async getMember(conversationId: string, userId: string): Promise<Member | undefined> {
    const row = await this.#db
      .selectFrom('conversation_members')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && this.#member(row);
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    return (await this.getMember(conversationId, userId)) !== undefined;
  }

  async listMembers(conversationId: string): Promise<Member[]> {
    const rows = await this.#db
      .selectFrom('conversation_members')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('joined_at')
      .orderBy('user_id')
      .execute();
    return rows.map((row) => this.#member(row));
  }

  async listMessages(conversationId: string): Promise<Message[]> {
    const rows = await this.#db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('position')
      .execute();
    return rows.map((row) => this.#message(row));
  }

  async listBranch(messageId: string, limit: number): Promise<Message[]> {
    if (limit < 1) return [];
    // Walks parent_id upwards in the database: a run of a long conversation reads its branch
    // (up to `limit` messages), not every message of every branch.
    const rows = await this.#db
      .withRecursive('branch(id, parent_id, depth)', (db) =>
        db
          .selectFrom('messages')
          .select(['id', 'parent_id', sql<number>`0`.as('depth')])
          .where('id', '=', messageId)
          .unionAll(
            db
              .selectFrom('messages as parent')
              .innerJoin('branch', 'branch.parent_id', 'parent.id')
              .select(['parent.id', 'parent.parent_id', sql<number>`branch.depth + 1`.as('depth')])
              .where('branch.depth', '<', limit - 1),
          ),
      )
      .selectFrom('messages')
      .innerJoin('branch', 'branch.id', 'messages.id')
      .selectAll('messages')
      .orderBy('branch.depth', 'desc')
      .execute();
    return rows.map((row) => this.#message(row));
  }

  async listMessagePage(conversationId: string, options: MessagePageOptions): Promise<MessagePage> {
    const { before, limit } = options;
    return this.#db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversationId);
      if (before !== undefined) {
        const anchor = await trx
          .selectFrom('messages')
          .select('position')
          .where('id', '=', before)
          .where('conversation_id', '=', conversationId)
          .executeTakeFirst();
        if (!anchor)
          throw new StoreError('not_found', `Message ${before} is not in this conversation.`);
        query = query.where('position', '<', anchor.position);
      }
      const rows = await query
        .orderBy('position', 'desc')
        .limit(limit + 1)
        .execute();
      const hasMore = rows.length > limit;
      return {
        messages: rows
          .slice(0, limit)
          .reverse()
          .map((row) => this.#message(row)),
        hasMore,
      };
    });
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const row = await this.#db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && this.#message(row);
  }

  async appendMessage(message: Message): Promise<Message> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        await this.#insertMessage(trx, message);
        await this.#touchConversation(trx, message);
      });
    } catch (error) {
      throw messageWriteError(error, message);
    }
    return structuredClone(message);
  }

  async createRuns(runs: readonly NewRun[], options: CreateRunsOptions = {}): Promise<boolean> {
    const { question } = options;
    const triggerId = runs[0]?.run.triggerMessageId;
    const messages = [...(question ? [question] : []), ...runs.map((run) => run.answer)];
    const latest = messages.reduce<Message | undefined>(
      (newest, message) => (newest && newest.createdAt >= message.createdAt ? newest : message),
      undefined,
    );
    /** The row being written (a failure names it). */
    let writing: Message | RunRecord | undefined;
    try {
      return await this.#db.transaction().execute(async (trx) => {
        if (options.onlyIfUnanswered && triggerId !== undefined) {
          // PostgreSQL: the trigger's row lock makes racing callers check one after another
          // (each statement then sees the runs the one before committed). SQLite: one writer.
          await trx
            .selectFrom('messages')
            .select('id')
            .where('id', '=', triggerId)
            .$if(this.dialect === 'postgres', (query) => query.forUpdate())
            .execute();
          const answered = await trx
            .selectFrom('runs')
            .select('id')
            .where('trigger_message_id', '=', triggerId)
            .limit(1)
            .executeTakeFirst();
          if (answered) return false;
        }
        for (const message of messages) await this.#insertMessage(trx, (writing = message));
        for (const { run } of runs) await this.#insertRun(trx, (writing = run));
        writing = undefined;
        if (latest) await this.#touchConversation(trx, latest);
        return true;
      });
    } catch (error) {
      if (writing === undefined) throw error;
      throw 'role' in writing
        ? messageWriteError(error, writing)
        : runWriteError(error, writing.id);
    }
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<Message | undefined> {
    const values: Partial<{
      parts: string;
      status: string;
      error: string | null;
      metadata: string | null;
      checkpoint_id: string;
    }> = {};
    if (patch.checkpointId !== undefined) values.checkpoint_id = patch.checkpointId;
    if (patch.parts !== undefined) values.parts = JSON.stringify(patch.parts);
    if (patch.status !== undefined) values.status = patch.status;
    if ('error' in patch) values.error = patch.error ?? null;
    if ('metadata' in patch)
      values.metadata = patch.metadata === undefined ? null : JSON.stringify(patch.metadata);
    if (Object.keys(values).length === 0) return this.getMessage(id);
    const row = await this.#db
      .updateTable('messages')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && this.#message(row);
  }

  async listCheckpointHeads(
    parentIds: readonly string[],
    agentId: string,
  ): Promise<CheckpointHead[]> {
    if (parentIds.length === 0) return [];
    const rows = await this.#db
      .selectFrom('messages')
      .select(['id', 'parent_id', 'checkpoint_id'])
      .where('parent_id', 'in', [...parentIds])
      .where('agent_id', '=', agentId)
      .where('checkpoint_id', 'is not', null)
      .orderBy('position')
      .execute();
    return rows.flatMap(({ id, parent_id: parentId, checkpoint_id: checkpointId }) =>
      parentId !== null && checkpointId !== null ? [{ messageId: id, parentId, checkpointId }] : [],
    );
  }

  async findByClientMessageId(
    conversationId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    const row = await this.#db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('client_message_id', '=', clientMessageId)
      .executeTakeFirst();
    return row && this.#message(row);
  }

  async createRun(run: RunRecord): Promise<RunRecord> {
    try {
      return this.#run(await this.#insertRun(this.#db, run));
    } catch (error) {
      throw runWriteError(error, run.id);
    }
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = await this.#db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && this.#run(row);
  }

  async updateRunStatus(
    id: string,
    status: RunTerminalStatus,
    details: RunEndDetails = {},
  ): Promise<RunRecord | undefined> {
    const row = await this.#db
      .updateTable('runs')
      .set({
        status,
        ended_at: new Date().toISOString(),
        ...(details.attempt !== undefined ? { attempt: details.attempt } : {}),
        ...(details.startedAt !== undefined ? { started_at: details.startedAt } : {}),
        ...(details.usage !== undefined ? { usage: JSON.stringify(details.usage) } : {}),
        ...(details.error !== undefined ? { error: details.error } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && this.#run(row);
  }

  async listRunsByTrigger(triggerMessageId: string): Promise<RunRecord[]> {
    const rows = await this.#db
      .selectFrom('runs')
      .selectAll()
      .where('trigger_message_id', '=', triggerMessageId)
      .orderBy('position')
      .execute();
    return rows.map((row) => this.#run(row));
  }

  async heartbeat(instanceId: string, at: string): Promise<void> {
    await this.#db
      .insertInto('instances')
      .values({ id: instanceId, started_at: at, heartbeat_at: at })
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ heartbeat_at: at }))
      .execute();
  }

  async interruptOrphanedRuns(reason: string, sweep: OrphanSweep): Promise<OrphanedRun[]> {
    const endedAt = new Date().toISOString();
    return this.#db.transaction().execute(async (trx) => {
      // Instances still alive (the caller always is): a run of any other instance is orphaned.
      const alive = trx
        .selectFrom('instances')
        .select('id')
        .$if(sweep.staleBefore !== undefined, (query) =>
          query.where('heartbeat_at', '>=', sweep.staleBefore as string),
        )
        .$if(sweep.staleBefore === undefined, (query) => query.where('id', '=', sweep.instanceId));
      // `where status = 'running'` in the update claims each run once, even when several
      // instances sweep at the same time.
      const runs = await trx
        .updateTable('runs')
        .set({ status: 'interrupted', ended_at: endedAt, error: reason })
        .where('status', '=', 'running')
        .where((where) =>
          where.or([
            where('instance_id', 'is', null),
            where.and([
              where('instance_id', '!=', sweep.instanceId),
              where('instance_id', 'not in', alive),
            ]),
          ]),
        )
        .returning(['id', 'conversation_id', 'message_id'])
        .execute();
      const runIdOf = (messageId: string) => {
        const run = runs.find((ended) => ended.message_id === messageId);
        return run ? { runId: run.id } : {};
      };
      // Their messages, and messages whose run was never stored (a kill between the two
      // writes; old enough that a live instance would have stored it by now).
      const messages = await trx
        .selectFrom('messages')
        .select(['id', 'conversation_id', 'run_id', 'parts'])
        .where('status', '=', 'streaming')
        .where((where) =>
          where.or([
            ...(runs.length
              ? [
                  where(
                    'id',
                    'in',
                    runs.map((run) => run.message_id),
                  ),
                ]
              : []),
            where.and([
              where.not(
                where.exists(
                  where
                    .selectFrom('runs')
                    .select('runs.id')
                    .whereRef('runs.message_id', '=', 'messages.id'),
                ),
              ),
              ...(sweep.staleBefore !== undefined
                ? [where('created_at', '<', sweep.staleBefore)]
                : []),
            ]),
          ]),
        )
        .execute();
      for (const row of messages) {
        const parts = interruptedParts(
          this.#readJson(row.parts) as MessagePart[],
          row.run_id ?? undefined,
          row.conversation_id,
        );
        await trx
          .updateTable('messages')
          .set({ status: 'interrupted', error: reason, parts: JSON.stringify(parts) })
          .where('id', '=', row.id)
          .execute();
      }
      await trx
        .deleteFrom('instances')
        .where('id', '!=', sweep.instanceId)
        .$if(sweep.staleBefore !== undefined, (query) =>
          query.where('heartbeat_at', '<', sweep.staleBefore as string),
        )
        .execute();
      return messages.map((row) => ({
        conversationId: row.conversation_id,
        messageId: row.id,
        ...runIdOf(row.id),
      }));
    });
  }

  async setFeedback(feedback: Feedback): Promise<Feedback> {
    const values = {
      value: feedback.value,
      comment: feedback.comment ?? null,
      created_at: feedback.createdAt,
    };
    await guarded(
      () =>
        this.#db
          .insertInto('feedback')
          .values({ message_id: feedback.messageId, user_id: feedback.userId, ...values })
          .onConflict((conflict) => conflict.columns(['message_id', 'user_id']).doUpdateSet(values))
          .execute(),
      {
        unique: `Feedback on ${feedback.messageId} could not be stored.`,
        foreignKey: `Message ${feedback.messageId} does not exist.`,
      },
    );
    return structuredClone(feedback);
  }

  async getFeedback(messageId: string, userId: string): Promise<Feedback | undefined> {
    const row = await this.#db
      .selectFrom('feedback')
      .selectAll()
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && this.#feedback(row);
  }

  async listFeedback(userId: string, messageIds: readonly string[]): Promise<Feedback[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.#db
      .selectFrom('feedback')
      .selectAll()
      .where('user_id', '=', userId)
      .where('message_id', 'in', [...messageIds])
      .execute();
    return rows.map((row) => this.#feedback(row));
  }

  async deleteFeedback(messageId: string, userId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('feedback')
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  #insertRun(db: Kysely<DatabaseSchema>, run: RunRecord) {
    return db
      .insertInto('runs')
      .values({
        id: run.id,
        conversation_id: run.conversationId,
        message_id: run.messageId,
        trigger_message_id: run.triggerMessageId,
        agent_id: run.agentId,
        status: run.status,
        attempt: run.attempt ?? 1,
        created_at: run.createdAt,
        started_at: run.startedAt ?? null,
        ended_at: run.endedAt ?? null,
        usage: run.usage === undefined ? null : JSON.stringify(run.usage),
        error: run.error ?? null,
        instance_id: run.instanceId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Moves the conversation's `updatedAt` forward to `message`'s `createdAt`. */
  #touchConversation(trx: Transaction<DatabaseSchema>, message: Message) {
    return trx
      .updateTable('conversations')
      .set({ updated_at: message.createdAt })
      .where('id', '=', message.conversationId)
      .where('updated_at', '<', message.createdAt)
      .execute();
  }

  #insertMessage(trx: Transaction<DatabaseSchema>, message: Message) {
    return trx
      .insertInto('messages')
      .values({
        id: message.id,
        conversation_id: message.conversationId,
        parent_id: message.parentId ?? null,
        role: message.role,
        parts: JSON.stringify(message.parts),
        status: message.status,
        created_at: message.createdAt,
        agent_id: message.agentId ?? null,
        run_id: message.runId ?? null,
        client_message_id: message.clientMessageId ?? null,
        author_id: message.authorId ?? null,
        metadata: message.metadata === undefined ? null : JSON.stringify(message.metadata),
        error: message.error ?? null,
      })
      .execute();
  }

  #conversation(row: Selectable<ConversationsTable>): Conversation {
    const conversation: Conversation = {
      id: row.id,
      title: row.title,
      agentIds: this.#readJson(row.agent_ids) as string[],
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    };
    if (row.owner_id !== null) conversation.ownerId = row.owner_id;
    return conversation;
  }

  #member(row: Selectable<ConversationMembersTable>): Member {
    return {
      conversationId: row.conversation_id,
      userId: row.user_id,
      role: row.role,
      joinedAt: toIso(row.joined_at),
    };
  }

  #message(row: Selectable<MessagesTable>): Message {
    const message: Message = {
      id: row.id,
      conversationId: row.conversation_id,
      role: row.role as MessageRole,
      parts: this.#readJson(row.parts) as MessagePart[],
      status: row.status as MessageStatus,
      createdAt: toIso(row.created_at),
    };
    if (row.agent_id !== null) message.agentId = row.agent_id;
    if (row.run_id !== null) message.runId = row.run_id;
    if (row.client_message_id !== null) message.clientMessageId = row.client_message_id;
    if (row.author_id !== null) message.authorId = row.author_id;
    if (row.parent_id !== null) message.parentId = row.parent_id;
    if (row.metadata !== null) message.metadata = this.#readJson(row.metadata) as MessageMetadata;
    if (row.error !== null) message.error = row.error;
    return message;
  }

  #run(row: Selectable<RunsTable>): RunRecord {
    const run: RunRecord = {
      id: row.id,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      triggerMessageId: row.trigger_message_id,
      agentId: row.agent_id,
      status: row.status as RunStatus,
      createdAt: toIso(row.created_at),
      attempt: row.attempt,
    };
    if (row.started_at !== null) run.startedAt = toIso(row.started_at);
    if (row.ended_at !== null) run.endedAt = toIso(row.ended_at);
    if (row.usage !== null) run.usage = this.#readJson(row.usage) as Record<string, unknown>;
    if (row.error !== null) run.error = row.error;
    if (row.instance_id !== null) run.instanceId = row.instance_id;
    return run;
  }

  #feedback(row: Selectable<FeedbackTable>): Feedback {
    const feedback: Feedback = {
      messageId: row.message_id,
      userId: row.user_id,
      value: row.value,
      createdAt: toIso(row.created_at),
    };
    if (row.comment !== null) feedback.comment = row.comment;
    return feedback;
  }
}

/** The {@link StoreError} of a failed message insert (as `appendMessage` throws it). */
function messageWriteError(error: unknown, message: Message): unknown {
  const kind = constraintKind(error);
  if (kind === 'unique')
    return new StoreError(
      'already_exists',
      isClientMessageIdViolation(error)
        ? `A message with client message id ${message.clientMessageId} already exists.`
        : `Message ${message.id} already exists.`,
      { cause: error },
    );
  if (kind === 'foreign_key')
    return new StoreError(
      'not_found',
      `Conversation ${message.conversationId} (or the parent message) does not exist.`,
      { cause: error },
    );
  return error;
}

/** The {@link StoreError} of a failed run insert. */
function runWriteError(error: unknown, runId: string): unknown {
  const kind = constraintKind(error);
  if (kind === 'unique')
    return new StoreError('already_exists', `Run ${runId} already exists.`, { cause: error });
  if (kind === 'foreign_key')
    return new StoreError(
      'not_found',
      `The conversation or messages of run ${runId} do not exist.`,
      { cause: error },
    );
  return error;
}

/** Whether a unique violation is the (conversation, client message id) one. */
function isClientMessageIdViolation(error: unknown): boolean {
  const { constraint, message } = error as { constraint?: unknown; message?: unknown };
  if (constraint === MESSAGE_CLIENT_ID_INDEX) return true;
  return (
    typeof message === 'string' &&
    message.includes('messages.conversation_id, messages.client_message_id')
  );
}
