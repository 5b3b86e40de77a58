import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { DatabaseSchema, SqlDialect } from './schema.js';

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

/** An open database: the Kysely instance and its dialect. */
export interface SqlDatabase {
  db: Kysely<DatabaseSchema>;
  dialect: SqlDialect;
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
    return { db: new Kysely({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite' };
  }
  if (config.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(config.schema))
    throw new Error(`Invalid PostgreSQL schema name ${JSON.stringify(config.schema)}.`);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    ...(config.schema !== undefined ? { options: `-c search_path=${config.schema}` } : {}),
  });
  return { db: new Kysely({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}

/**
 * Brings the schema up to the latest migration (a no-op when it is current). Several server
 * instances may start at once: Kysely's migrator takes a lock (an advisory lock in PostgreSQL).
 */
export async function migrateToLatest(database: SqlDatabase): Promise<void> {
  // Kysely looks for its migration tables in every schema unless told which one: a database
  // where another schema (another app, another test) holds them would skip creating ours.
  let migrationTableSchema: string | undefined;
  if (database.dialect === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
      database.db,
    );
    migrationTableSchema = rows[0]?.schema;
  }
  const migrator = new Migrator({
    db: database.db,
    provider: migrationProvider(database.dialect),
    ...(migrationTableSchema !== undefined ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
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
