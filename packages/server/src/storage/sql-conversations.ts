import type { Conversation } from 'svelte-langserve/protocol';
import { decodeConversationCursor, encodeConversationCursor } from '../conversations/cursor.js';
import {
  StoreError,
  type ConversationListOptions,
  type ConversationPage,
  type ConversationPatch,
  type Member,
} from '../conversations/store.js';
import { threadIdOf } from './checkpointer.js';
import { guarded } from './sql-errors.js';
import { conversationFromRow, memberFromRow, type SqlContext } from './sql-rows.js';

// Conversations and their members, for `SqlConversationStore`.

export async function createConversation(
  { db }: SqlContext,
  conversation: Conversation,
): Promise<Conversation> {
  await guarded(
    () =>
      db.transaction().execute(async (trx) => {
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

export async function getConversation(
  { db, readJson }: SqlContext,
  id: string,
): Promise<Conversation | undefined> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && conversationFromRow(row, readJson);
}

export async function listConversations(
  { db, readJson }: SqlContext,
  options: ConversationListOptions,
): Promise<ConversationPage> {
  const after = options.cursor === undefined ? undefined : decodeConversationCursor(options.cursor);
  if (options.cursor !== undefined && !after)
    throw new StoreError('invalid_cursor', 'The cursor is not one this server made.');
  const { userId, limit } = options;
  let query = db.selectFrom('conversations').selectAll('conversations');
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
    conversationFromRow(row, readJson),
  );
  const last = conversations.at(-1);
  return {
    conversations,
    nextCursor: hasMore && last ? encodeConversationCursor(last) : null,
  };
}

export async function updateConversation(
  context: SqlContext,
  id: string,
  patch: ConversationPatch,
): Promise<Conversation | undefined> {
  const values: { title?: string; agent_ids?: string; updated_at?: string } = {};
  if (patch.title !== undefined) values.title = patch.title;
  if (patch.agentIds !== undefined) values.agent_ids = JSON.stringify(patch.agentIds);
  if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
  if (Object.keys(values).length === 0) return getConversation(context, id);
  const row = await context.db
    .updateTable('conversations')
    .set(values)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && conversationFromRow(row, context.readJson);
}

/**
 * Deletes a conversation with its members, messages, runs and feedback, then hands the
 * checkpoint thread of each agent that answered in it to `deleteThread`.
 */
export async function deleteConversation(
  { db }: SqlContext,
  id: string,
  deleteThread: (threadId: string) => Promise<void> | undefined,
): Promise<boolean> {
  // The agents that answered in it: each has a checkpoint thread to delete too.
  const agents = await db
    .selectFrom('messages')
    .select('agent_id')
    .distinct()
    .where('conversation_id', '=', id)
    .where('agent_id', 'is not', null)
    .execute();
  // Members, messages, runs and feedback go with it (ON DELETE CASCADE).
  const result = await db.deleteFrom('conversations').where('id', '=', id).executeTakeFirst();
  for (const { agent_id: agentId } of agents)
    if (agentId !== null) await deleteThread(threadIdOf(id, agentId));
  return result.numDeletedRows > 0n;
}

export async function addMember(context: SqlContext, member: Member): Promise<Member> {
  await guarded(
    () =>
      context.db
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
  return (await getMember(context, member.conversationId, member.userId)) as Member;
}

export async function removeMember(
  { db }: SqlContext,
  conversationId: string,
  userId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('conversation_members')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function getMember(
  { db }: SqlContext,
  conversationId: string,
  userId: string,
): Promise<Member | undefined> {
  const row = await db
    .selectFrom('conversation_members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && memberFromRow(row);
}

export async function listMembers({ db }: SqlContext, conversationId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('conversation_members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
  return rows.map((row) => memberFromRow(row));
}
