import type { ColumnType, Generated } from 'kysely';

/**
 * A time: ISO-8601 text in SQLite, `timestamptz` in PostgreSQL (read back as a `Date`).
 * Written as ISO-8601 text in both.
 */
export type TimestampColumn = ColumnType<string | Date, string, string>;
/** JSON: text in SQLite (read back as a string), `jsonb` in PostgreSQL (read back parsed). */
export type JsonColumn = ColumnType<unknown, string, string>;
/** A nullable {@link TimestampColumn}. */
export type NullableTimestampColumn = ColumnType<
  string | Date | null,
  string | null,
  string | null
>;
/** A nullable {@link JsonColumn}. */
export type NullableJsonColumn = ColumnType<unknown, string | null, string | null>;

export interface ConversationsTable {
  id: string;
  title: string;
  /** JSON array of agent ids. */
  agent_ids: JsonColumn;
  owner_id: string | null;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
}

export interface ConversationMembersTable {
  conversation_id: string;
  user_id: string;
  role: 'owner' | 'member';
  joined_at: TimestampColumn;
}

export interface MessagesTable {
  /** Insertion order (messages created in the same millisecond keep their order). */
  position: Generated<number | string>;
  id: string;
  conversation_id: string;
  /** The message this one answers or follows: the message tree that branches walk. */
  parent_id: string | null;
  role: string;
  /** JSON array of message parts. */
  parts: JsonColumn;
  status: string;
  created_at: TimestampColumn;
  agent_id: string | null;
  run_id: string | null;
  client_message_id: string | null;
  author_id: string | null;
  metadata: NullableJsonColumn;
  error: string | null;
  /**
   * An assistant answer's end-of-turn LangGraph checkpoint: the next turn forks from it (null:
   * none, e.g. stored before checkpoints were kept, or the run did not complete).
   */
  checkpoint_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RunsTable {
  /** Insertion order. */
  position: Generated<number | string>;
  id: string;
  conversation_id: string;
  message_id: string;
  trigger_message_id: string;
  agent_id: string;
  status: string;
  attempt: ColumnType<number, number | undefined, number>;
  created_at: TimestampColumn;
  started_at: NullableTimestampColumn;
  ended_at: NullableTimestampColumn;
  usage: NullableJsonColumn;
  error: string | null;
  /** The server instance running it (null: recorded before instances were tracked). */
  instance_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A server instance and its last sign of life. */
export interface InstancesTable {
  id: string;
  started_at: TimestampColumn;
  heartbeat_at: TimestampColumn;
}

export interface FeedbackTable {
  message_id: string;
  user_id: string;
  value: 'up' | 'down';
  comment: string | null;
  created_at: TimestampColumn;
}

/** The tables, as Kysely sees them. */
export interface DatabaseSchema {
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  runs: RunsTable;
  feedback: FeedbackTable;
  instances: InstancesTable;
}

/** The SQL dialects the storage module speaks. */
export type SqlDialect = 'sqlite' | 'postgres';
