import pg from 'pg';

/**
 * The PostgreSQL server tests use: `PG_TEST_URL`, default `postgres://postgres@127.0.0.1:5432/test`
 * (the example server's tests import it from here too).
 */
export const PG_TEST_URL = process.env.PG_TEST_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Throws (never skips) when PostgreSQL is unreachable at `url`, saying how to start it. Tests
 * that run against PostgreSQL call it first, so a missing server fails them clearly.
 */
export async function requirePostgres(url: string = PG_TEST_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${
        (error as Error).message
      }. These tests need a real server: start it (pg_ctlcluster <version> main start, or ` +
        `service postgresql start) or set PG_TEST_URL.`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}
