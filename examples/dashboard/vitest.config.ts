import { defineConfig } from 'vitest/config';

// End-to-end tests only: they start the built agent server and the built dashboard (`node build`)
// and drive Debian's Chromium. No SvelteKit plugin here: nothing is compiled by vitest.
export default defineConfig({
  test: {
    include: ['tests/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    expect: { requireAssertions: true },
  },
});
