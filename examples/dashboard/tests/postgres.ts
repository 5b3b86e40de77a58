import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server e2e tests use: `PG_TEST_URL`, default `postgres://postgres@127.0.0.1:5432/test`. */
const PG_TEST_URL = process.env.PG_TEST_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh schema of {@link PG_TEST_URL} as a `DATABASE_URL` (the schema rides in the
 * `options` parameter); `drop` removes it. Fails, never skips, when PostgreSQL is unreachable.
 */
export async function freshPostgresSchema(): Promise<{
  url: string;
  /** How many rows `table` of the schema holds. */
  count(table: string): Promise<number>;
  drop(): Promise<void>;
}> {
  const schema = `e2e_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return await client.query(statement);
    } catch (error) {
      throw new Error(
        `PostgreSQL is not reachable at ${PG_TEST_URL.replace(/\/\/[^@/]*@/, '//***@')}: ${
          (error as Error).message
        }. Start it or set PG_TEST_URL.`,
        { cause: error },
      );
    } finally {
      await client.end().catch(() => {});
    }
  };
  await run(`create schema ${schema}`);
  const separator = PG_TEST_URL.includes('?') ? '&' : '?';
  return {
    url: `${PG_TEST_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    count: async (table) =>
      Number((await run(`select count(*) as n from ${schema}.${table}`)).rows[0].n),
    drop: async () => {
      await run(`drop schema if exists ${schema} cascade`);
    },
  };
}
