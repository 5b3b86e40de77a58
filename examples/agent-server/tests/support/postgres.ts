import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SqlConversationStore } from '@svelte-langserve/server';
import {
  PG_TEST_URL,
  requirePostgres,
} from '../../../../packages/server/tests/support/postgres.js';

export { PG_TEST_URL, requirePostgres };

/**
 * A fresh, empty schema in {@link PG_TEST_URL} (fails when PostgreSQL is unreachable), as a
 * server's database config; `drop` removes it with everything in it.
 */
export async function freshPostgresSchema(): Promise<{
  schema: string;
  database: { dialect: 'postgres'; url: string; schema: string };
  /** The same database as a `DATABASE_URL` (the schema rides in the `options` parameter). */
  url: string;
  drop(): Promise<void>;
}> {
  await requirePostgres(PG_TEST_URL);
  const schema = `test_${randomBytes(6).toString('hex')}`;
  await withClient(async (client) => {
    await client.query(`create schema ${schema}`);
  });
  const separator = PG_TEST_URL.includes('?') ? '&' : '?';
  return {
    schema,
    database: { dialect: 'postgres', url: PG_TEST_URL, schema },
    url: `${PG_TEST_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () =>
      withClient(async (client) => {
        await client.query(`drop schema if exists ${schema} cascade`);
      }),
  };
}

async function withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A migrated store in a fresh schema of {@link PG_TEST_URL} (fails when PostgreSQL is
 * unreachable); `dispose` closes it and drops the schema.
 */
export async function freshPostgresStore(): Promise<{
  store: SqlConversationStore;
  dispose(): Promise<void>;
}> {
  await requirePostgres(PG_TEST_URL);
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const store = SqlConversationStore.open({ dialect: 'postgres', url: PG_TEST_URL, schema });
  await store.migrate();
  return {
    store,
    dispose: async () => {
      await store.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}
