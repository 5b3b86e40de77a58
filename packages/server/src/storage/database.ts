import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { DatabaseSchema } from './schema.js';

/** Where a SQL store lives. */
export type SqlDatabaseConfig =
  | {
      dialect: 'sqlite';
      /** A file path (its folder is created), or `:memory:`. */
      file: string;
    }
  | {
      dialect: 'postgres';
      /** `postgres://user:password@host:port/database` */
      url: string;
      /** Use this schema (`search_path`) instead of the URL's default, e.g. one per test run. */
      schema?: string;
      /** Most connections the pool opens. @default 10 */
      maxConnections?: number;
    };

/**
 * An open database: the Kysely instance, its dialect, and the driver's own handle (the
 * better-sqlite3 connection or the pg pool), which the LangGraph checkpointer shares.
 */
export type SqlDatabase =
  | { db: Kysely<DatabaseSchema>; dialect: 'sqlite'; connection: SqliteDatabase.Database }
  | {
      db: Kysely<DatabaseSchema>;
      dialect: 'postgres';
      pool: pg.Pool;
      /** The configured schema; absent: the connection's `current_schema()`. */
      schema?: string;
    };

/** Most prepared statements kept per SQLite connection (queries with IN lists vary in text). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely sees it, with its prepared statements reused: Kysely prepares every
 * query anew, and a running server repeats a few dozen statements (in the server bench's CPU
 * profile, `prepare` was about a third of the time spent in SQLite and Kysely). Kysely runs one
 * query at a time per connection, so a cached statement is never busy when it is reused.
 */
function withStatementCache(database: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      let statement = cache.get(sql);
      if (statement) {
        // Most recently used last: the first entry is the one to evict.
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Opens (but does not migrate) a database. SQLite: creates the file's folder, turns on
 * foreign keys (for the cascades), WAL and a busy timeout. PostgreSQL: a lazy `pg` pool.
 */
export function openDatabase(config: SqlDatabaseConfig): SqlDatabase {
  if (config.dialect === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(path.dirname(config.file), { recursive: true });
    const database = new SqliteDatabase(config.file);
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    if (config.file !== ':memory:') database.pragma('journal_mode = WAL');
    return {
      db: new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
      dialect: 'sqlite',
      connection: database,
    };
  }
  if (config.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(config.schema))
    throw new Error(`Invalid PostgreSQL schema name ${JSON.stringify(config.schema)}.`);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    ...(config.schema !== undefined ? { options: `-c search_path=${config.schema}` } : {}),
  });
  return {
    db: new Kysely({ dialect: new PostgresDialect({ pool }) }),
    dialect: 'postgres',
    pool,
    ...(config.schema !== undefined ? { schema: config.schema } : {}),
  };
}

/**
 * Brings the schema up to the latest migration (a no-op when it is current). Several server
 * instances may start at once: Kysely's migrator takes a lock (an advisory lock in PostgreSQL).
 */
export async function migrateToLatest(database: SqlDatabase): Promise<void> {
  // Kysely looks for its migration tables in every schema unless told which one: a database
  // where another schema (another app, another test) holds them would skip creating ours.
  const migrationTableSchema =
    database.dialect === 'postgres' ? await currentSchema(database) : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: migrationProvider(database.dialect),
    ...(migrationTableSchema !== undefined ? { migrationTableSchema } : {}),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely looks for its tables by reading every schema's catalog; a schema dropped meanwhile
  // (another app's, another test's) fails that read with 3F000 "schema … does not exist". The
  // read is safe to repeat; a schema of our own that is missing fails every time.
  for (let retry = 0; retry < 3 && isMissingSchema(error); retry += 1)
    ({ error, results } = await migrator.migrateToLatest());
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(
      `Database migration ${failed ? `"${failed.migrationName}" ` : ''}failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
}

/** The schema a PostgreSQL database's tables live in: the configured one, else `current_schema()`. */
export async function currentSchema(
  database: Extract<SqlDatabase, { dialect: 'postgres' }>,
): Promise<string> {
  if (database.schema !== undefined) return database.schema;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
    database.db,
  );
  return rows[0]?.schema ?? 'public';
}

/** Whether `error` is PostgreSQL's `invalid_schema_name` (3F000). */
const isMissingSchema = (error: unknown): boolean =>
  (error as { code?: unknown } | undefined)?.code === '3F000';
