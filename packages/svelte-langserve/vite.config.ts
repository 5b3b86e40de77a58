import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

/** A fresh browser options object per project (sharing one fails at start-up). */
const browser = () => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: chromiumLaunchOptions() }),
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  // Optimised up front: found mid-run on a cold cache, they make Vite reload the page and load
  // a second copy of Svelte, failing the browser tests that happen to be running.
  optimizeDeps: {
    include: [
      'katex',
      'mermaid',
    ],
  },
  test: {
    expect: { requireAssertions: true },
    projects: [
      {
        extends: './vite.config.ts',
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: [
            'tests/**/*.svelte.test.ts',
            'tests/**/*.browser.test.ts',
            'tests/**/*.consumer.test.ts',
          ],
          typecheck: {
            enabled: true,
            include: ['tests/**/*.test-d.ts'],
            tsconfig: './tsconfig.typecheck.json',
          },
        },
      },
      {
        // Packs the tarball and installs it into a fresh app with npm: slow, so on its own.
        test: {
          name: 'consumer',
          environment: 'node',
          include: ['tests/**/*.consumer.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: './vite.config.ts',
        plugins: [svelteTesting()],
        test: {
          name: 'runes',
          environment: 'jsdom',
          include: ['tests/**/*.svelte.test.ts'],
          setupFiles: ['tests/setup-jsdom.ts'],
        },
      },
      {
        extends: './vite.config.ts',
        test: {
          name: 'browser',
          include: ['tests/**/*.browser.test.ts'],
          browser: browser(),
        },
      },
      {
        // Every story in stories/ becomes a test: rendered in Chromium, its play function run.
        extends: './vite.config.ts',
        plugins: [storybookTest({ configDir: '.storybook' })],
        test: {
          name: 'storybook',
          browser: browser(),
        },
      },
    ],
  },
});
