import { sql, type Transaction } from 'kysely';
import type { Message } from 'svelte-langserve/protocol';
import {
  StoreError,
  type CheckpointHead,
  type MessagePage,
  type MessagePageOptions,
  type MessagePatch,
} from '../conversations/store.js';
import type { DatabaseSchema } from './schema.js';
import { messageWriteError } from './sql-errors.js';
import { messageFromRow, type SqlContext } from './sql-rows.js';

// Messages (paged, by branch, by client message id) and answers' checkpoint heads, for
// `SqlConversationStore`.

export async function listMessages(
  { db, readJson }: SqlContext,
  conversationId: string,
): Promise<Message[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('position')
    .execute();
  return rows.map((row) => messageFromRow(row, readJson));
}

export async function listBranch(
  context: SqlContext,
  messageId: string,
  limit: number,
): Promise<Message[]> {
  if (limit < 1) return [];
  // Walks parent_id upwards in the database: a run of a long conversation reads its branch
  // (up to `limit` messages), not every message of every branch.
  const rows = await context.db
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
  return rows.map((row) => messageFromRow(row, context.readJson));
}

export async function listMessagePage(
  { db, readJson }: SqlContext,
  conversationId: string,
  options: MessagePageOptions,
): Promise<MessagePage> {
  const { before, limit } = options;
  return db.transaction().execute(async (trx) => {
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
        .map((row) => messageFromRow(row, readJson)),
      hasMore,
    };
  });
}

export async function getMessage(
  { db, readJson }: SqlContext,
  id: string,
): Promise<Message | undefined> {
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && messageFromRow(row, readJson);
}

export async function appendMessage({ db }: SqlContext, message: Message): Promise<Message> {
  try {
    await db.transaction().execute(async (trx) => {
      await insertMessage(trx, message);
      await touchConversation(trx, message);
    });
  } catch (error) {
    throw messageWriteError(error, message);
  }
  return structuredClone(message);
}

export async function updateMessage(
  context: SqlContext,
  id: string,
  patch: MessagePatch,
): Promise<Message | undefined> {
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
  if (Object.keys(values).length === 0) return getMessage(context, id);
  const row = await context.db
    .updateTable('messages')
    .set(values)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && messageFromRow(row, context.readJson);
}

export async function listCheckpointHeads(
  { db }: SqlContext,
  parentIds: readonly string[],
  agentId: string,
): Promise<CheckpointHead[]> {
  if (parentIds.length === 0) return [];
  const rows = await db
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

export async function findByClientMessageId(
  { db, readJson }: SqlContext,
  conversationId: string,
  clientMessageId: string,
): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('client_message_id', '=', clientMessageId)
    .executeTakeFirst();
  return row && messageFromRow(row, readJson);
}

/** Moves the conversation's `updatedAt` forward to `message`'s `createdAt`. */
export function touchConversation(trx: Transaction<DatabaseSchema>, message: Message) {
  return trx
    .updateTable('conversations')
    .set({ updated_at: message.createdAt })
    .where('id', '=', message.conversationId)
    .where('updated_at', '<', message.createdAt)
    .execute();
}

export function insertMessage(trx: Transaction<DatabaseSchema>, message: Message) {
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
