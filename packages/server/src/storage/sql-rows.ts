import type { Kysely, Selectable } from 'kysely';
import type {
  Conversation,
  Message,
  MessageMetadata,
  MessagePart,
  MessageRole,
  MessageStatus,
  RunStatus,
} from 'svelte-langserve/protocol';
import type { Feedback, Member, RunRecord } from '../conversations/store.js';
import type { SqlDatabase } from './database.js';
import type {
  ConversationMembersTable,
  ConversationsTable,
  DatabaseSchema,
  FeedbackTable,
  MessagesTable,
  RunsTable,
  SqlDialect,
} from './schema.js';

/** Reads a JSON column back as the value that was written. */
export type ReadJson = (value: unknown) => unknown;

/** What the SQL store's queries work with: the Kysely instance, its dialect, how to read JSON. */
export interface SqlContext {
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: SqlDialect;
  readonly readJson: ReadJson;
}

/** The {@link SqlContext} of an open database. */
export function sqlContext(database: SqlDatabase): SqlContext {
  return {
    db: database.db,
    dialect: database.dialect,
    // pg parses jsonb itself; SQLite hands back the text that was written.
    readJson:
      database.dialect === 'postgres' ? (value) => value : (value) => JSON.parse(value as string),
  };
}

const toIso = (value: string | Date): string =>
  value instanceof Date ? value.toISOString() : value;

export function conversationFromRow(
  row: Selectable<ConversationsTable>,
  readJson: ReadJson,
): Conversation {
  const conversation: Conversation = {
    id: row.id,
    title: row.title,
    agentIds: readJson(row.agent_ids) as string[],
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
  if (row.owner_id !== null) conversation.ownerId = row.owner_id;
  return conversation;
}

export function memberFromRow(row: Selectable<ConversationMembersTable>): Member {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    role: row.role,
    joinedAt: toIso(row.joined_at),
  };
}

export function messageFromRow(row: Selectable<MessagesTable>, readJson: ReadJson): Message {
  const message: Message = {
    id: row.id,
    conversationId: row.conversation_id,
    role: row.role as MessageRole,
    parts: readJson(row.parts) as MessagePart[],
    status: row.status as MessageStatus,
    createdAt: toIso(row.created_at),
  };
  if (row.agent_id !== null) message.agentId = row.agent_id;
  if (row.run_id !== null) message.runId = row.run_id;
  if (row.client_message_id !== null) message.clientMessageId = row.client_message_id;
  if (row.author_id !== null) message.authorId = row.author_id;
  if (row.parent_id !== null) message.parentId = row.parent_id;
  if (row.metadata !== null) message.metadata = readJson(row.metadata) as MessageMetadata;
  if (row.error !== null) message.error = row.error;
  return message;
}

export function runFromRow(row: Selectable<RunsTable>, readJson: ReadJson): RunRecord {
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
  if (row.usage !== null) run.usage = readJson(row.usage) as Record<string, unknown>;
  if (row.error !== null) run.error = row.error;
  if (row.instance_id !== null) run.instanceId = row.instance_id;
  return run;
}

export function feedbackFromRow(row: Selectable<FeedbackTable>): Feedback {
  const feedback: Feedback = {
    messageId: row.message_id,
    userId: row.user_id,
    value: row.value,
    createdAt: toIso(row.created_at),
  };
  if (row.comment !== null) feedback.comment = row.comment;
  return feedback;
}
