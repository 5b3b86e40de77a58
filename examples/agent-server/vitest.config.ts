import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Every test runs on SQLite (the embedded default). The tests that drive a real server run a
 * second time on PostgreSQL (`TEST_DATABASE=postgres`: a fresh schema of `PG_TEST_URL` per
 * server), so the features are proven on both dialects. Left out of the second pass: tests
 * that never open a store, the provider fault matrix, and the ones that choose their dialects
 * themselves.
 */
const SERVER_TESTS = ['tests/**/*.integration.test.ts', 'tests/**/*.process.test.ts'];
const DIALECTS_OF_THEIR_OWN = [
  'tests/authorization-matrix.integration.test.ts',
  'tests/kill9.process.test.ts',
  'tests/instances.process.test.ts',
  'tests/cluster.process.test.ts',
  // Records on SQLite, as `record-transcripts` does: the stream's shape is the same on both.
  'tests/recorded-transcripts.process.test.ts',
];
const NO_STORE = ['tests/provider-fault-server.integration.test.ts'];
/** Provider behaviour (retries, timeouts) over the same store code: 45 s that prove nothing new. */
const PROVIDER_MATRIX = ['tests/provider-faults.integration.test.ts'];

export default defineConfig({
  // In-process tests run the package's sources (no build between an edit and a test); the
  // process tests start `src/server.ts`, which imports the built package.
  resolve: {
    alias: {
      '@svelte-langserve/server': fileURLToPath(
        new URL('../../packages/server/src/index.ts', import.meta.url),
      ),
    },
  },
  test: {
    environment: 'node',
    testTimeout: 10_000,
    hookTimeout: 10_000,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: SERVER_TESTS,
          exclude: [...DIALECTS_OF_THEIR_OWN, ...NO_STORE, ...PROVIDER_MATRIX],
          env: { TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
});
