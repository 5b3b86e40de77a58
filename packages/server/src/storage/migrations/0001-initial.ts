import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * Conversations, their members, messages (with `parent_id` for the message tree), runs and
 * feedback. Times are ISO-8601 text in SQLite and `timestamptz` in PostgreSQL; JSON is text in
 * SQLite and `jsonb` in PostgreSQL.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const postgres = dialect === 'postgres';
  const timestamp = postgres ? 'timestamptz' : 'text';
  const json = postgres ? 'jsonb' : 'text';
  // Insertion order: an identity column in PostgreSQL, SQLite's autoincrementing rowid alias.
  const position = postgres ? ('bigint' as const) : ('integer' as const);

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('title', 'text', (column) => column.notNull())
    .addColumn('agent_ids', json, (column) => column.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('created_at', timestamp, (column) => column.notNull())
    .addColumn('updated_at', timestamp, (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('conversations_updated_at_id')
    .on('conversations')
    .columns(['updated_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('conversation_members')
    .addColumn('conversation_id', 'text', (column) =>
      column.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull().check(sql`role in ('owner', 'member')`))
    .addColumn('joined_at', timestamp, (column) => column.notNull())
    .addPrimaryKeyConstraint('conversation_members_pkey', ['conversation_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('conversation_members_user_id')
    .on('conversation_members')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('position', position, (column) =>
      postgres
        ? column.primaryKey().generatedAlwaysAsIdentity()
        : column.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (column) => column.notNull().unique())
    .addColumn('conversation_id', 'text', (column) =>
      column.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'text', (column) =>
      column.references('messages.id').onDelete('cascade'),
    )
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('parts', json, (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('created_at', timestamp, (column) => column.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('run_id', 'text')
    .addColumn('client_message_id', 'text')
    .addColumn('author_id', 'text')
    .addColumn('metadata', json)
    .addColumn('error', 'text')
    .execute();
  // What makes `messages:send` idempotent across concurrent writers and server instances.
  await db.schema
    .createIndex('messages_client_message_id_unique')
    .on('messages')
    .columns(['conversation_id', 'client_message_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('messages_conversation_id_position')
    .on('messages')
    .columns(['conversation_id', 'position'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('position', position, (column) =>
      postgres
        ? column.primaryKey().generatedAlwaysAsIdentity()
        : column.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (column) => column.notNull().unique())
    .addColumn('conversation_id', 'text', (column) =>
      column.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('message_id', 'text', (column) =>
      column.notNull().references('messages.id').onDelete('cascade'),
    )
    .addColumn('trigger_message_id', 'text', (column) =>
      column.notNull().references('messages.id').onDelete('cascade'),
    )
    .addColumn('agent_id', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('attempt', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('created_at', timestamp, (column) => column.notNull())
    .addColumn('started_at', timestamp)
    .addColumn('ended_at', timestamp)
    .addColumn('usage', json)
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('runs_trigger_message_id')
    .on('runs')
    .column('trigger_message_id')
    .execute();
  await db.schema
    .createIndex('runs_conversation_id')
    .on('runs')
    .column('conversation_id')
    .execute();

  await db.schema
    .createTable('feedback')
    .addColumn('message_id', 'text', (column) =>
      column.notNull().references('messages.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('value', 'text', (column) => column.notNull().check(sql`value in ('up', 'down')`))
    .addColumn('comment', 'text')
    .addColumn('created_at', timestamp, (column) => column.notNull())
    .addPrimaryKeyConstraint('feedback_pkey', ['message_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['feedback', 'runs', 'messages', 'conversation_members', 'conversations'])
    await db.schema.dropTable(table).execute();
}
