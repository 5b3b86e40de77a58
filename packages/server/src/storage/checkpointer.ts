import { randomBytes } from 'node:crypto';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { currentSchema, type SqlDatabase } from './database.js';

/**
 * The LangGraph thread of one agent in one conversation: each agent gets its own checkpoint tree
 * (a root `checkpoint_ns` does not isolate graphs; ADR 0029).
 */
export const threadIdOf = (conversationId: string, agentId: string): string =>
  `${conversationId}:${agentId}`;

/**
 * The checkpointer over a SQLite database's own connection: `SqliteSaver` creates its
 * `checkpoints` and `writes` tables on first use (those two names are reserved for it).
 */
export function sqliteCheckpointer(
  database: Extract<SqlDatabase, { dialect: 'sqlite' }>,
): BaseCheckpointSaver {
  return new SqliteSaver(database.connection);
}

/**
 * The next channel version, unique across branches: the count zero-padded to 32 digits (so
 * LangGraph's `>` on versions orders them as numbers), a dot and 16 random hex digits, as
 * Python's `PostgresSaver` mints them.
 */
export function nextBranchVersion(current: number | string | undefined): string {
  const count =
    current === undefined
      ? 0
      : typeof current === 'number'
        ? current
        : Number.parseInt(current.split('.')[0] ?? '0', 10);
  return `${String(count + 1).padStart(32, '0')}.${randomBytes(8).toString('hex')}`;
}

/**
 * `PostgresSaver` with versions that branches cannot share. Its own integer versions (1, 2, 3)
 * collide when two branches fork from one checkpoint, and `checkpoint_blobs` keeps the first
 * branch's value under the shared version (`ON CONFLICT DO NOTHING`): a regenerated answer
 * would read its sibling's state (langchain-ai/langgraphjs#1812; the fix, PR #2584, is not
 * released in 1.0.5).
 */
class BranchSafePostgresSaver extends PostgresSaver {
  override getNextVersion(current: number | undefined): number {
    // LangGraph takes string versions as they are (the base class is typed for numbers only).
    return nextBranchVersion(current) as unknown as number;
  }
}

/**
 * The checkpointer over a PostgreSQL database's own pool, in the schema of the store's tables
 * (so a test's fresh schema holds its checkpoints too), with its tables created or upgraded
 * (`setup()`, LangGraph's own migrations). Instances starting at once take turns through an
 * advisory lock per schema. The pool stays the store's: never call the saver's `end()`.
 */
export async function postgresCheckpointer(
  database: Extract<SqlDatabase, { dialect: 'postgres' }>,
): Promise<BaseCheckpointSaver> {
  const schema = await currentSchema(database);
  const saver = new BranchSafePostgresSaver(database.pool, undefined, { schema });
  const lock = await database.pool.connect();
  const key = `langgraph-checkpoints:${schema}`;
  try {
    await lock.query('select pg_advisory_lock(hashtext($1))', [key]);
    try {
      // `setup()` takes a second connection from the pool while this one holds the lock.
      await saver.setup();
    } finally {
      await lock.query('select pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    lock.release();
  }
  return saver;
}
