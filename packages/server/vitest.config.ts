import { defineConfig } from 'vitest/config';

/**
 * The package's unit and contract tests. The storage contract runs on SQLite, memory and a real
 * PostgreSQL (`PG_TEST_URL`). Whole-server tests (sockets, HTTP, processes) run in
 * `examples/agent-server`, on the example's five agents, on both dialects.
 */
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 10_000,
    hookTimeout: 10_000,
    include: ['tests/**/*.test.ts'],
  },
});
