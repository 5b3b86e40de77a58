import type { Feedback } from '../conversations/store.js';
import { guarded } from './sql-errors.js';
import { feedbackFromRow, type SqlContext } from './sql-rows.js';

// Users' feedback on messages, for `SqlConversationStore`.

export async function setFeedback({ db }: SqlContext, feedback: Feedback): Promise<Feedback> {
  const values = {
    value: feedback.value,
    comment: feedback.comment ?? null,
    created_at: feedback.createdAt,
  };
  await guarded(
    () =>
      db
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

export async function getFeedback(
  { db }: SqlContext,
  messageId: string,
  userId: string,
): Promise<Feedback | undefined> {
  const row = await db
    .selectFrom('feedback')
    .selectAll()
    .where('message_id', '=', messageId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && feedbackFromRow(row);
}

export async function listFeedback(
  { db }: SqlContext,
  userId: string,
  messageIds: readonly string[],
): Promise<Feedback[]> {
  if (messageIds.length === 0) return [];
  const rows = await db
    .selectFrom('feedback')
    .selectAll()
    .where('user_id', '=', userId)
    .where('message_id', 'in', [...messageIds])
    .execute();
  return rows.map((row) => feedbackFromRow(row));
}

export async function deleteFeedback(
  { db }: SqlContext,
  messageId: string,
  userId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('feedback')
    .where('message_id', '=', messageId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
