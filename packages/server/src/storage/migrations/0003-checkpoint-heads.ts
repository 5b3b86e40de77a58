import type { Kysely } from 'kysely';

/**
 * The end-of-turn LangGraph checkpoint (the "head") of each assistant answer: the next turn on
 * that branch forks the agent's graph state from it (ADR 0029). Null: no head (an answer stored
 * before this migration, or one that did not complete). The index on `parent_id` serves the
 * search for an agent's answers to the messages of a branch (`listCheckpointHeads`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('checkpoint_id', 'text').execute();
  await db.schema.createIndex('messages_parent_id').on('messages').column('parent_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_parent_id').execute();
  await db.schema.alterTable('messages').dropColumn('checkpoint_id').execute();
}
