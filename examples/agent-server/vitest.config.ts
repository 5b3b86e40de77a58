import { defineConfig } from 'vitest/config';

/**
 * Every test runs on SQLite (the embedded default). The tests that drive a real server run a
 * second time on PostgreSQL (`TEST_DATABASE=postgres`: a fresh schema of `PG_TEST_URL` per
 * server), so the features are proven on both dialects. Left out of the second pass: tests
 * that never open a store, and the ones that cover both dialects themselves.
 */
const SERVER_TESTS = ['tests/**/*.integration.test.ts', 'tests/**/*.process.test.ts'];
const BOTH_DIALECTS_ALREADY = [
  'tests/authorization-matrix.integration.test.ts',
  'tests/kill9.process.test.ts',
];
const NO_STORE = ['tests/provider-fault-server.integration.test.ts'];

export default defineConfig({
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
          exclude: [...BOTH_DIALECTS_ALREADY, ...NO_STORE],
          env: { TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
});
