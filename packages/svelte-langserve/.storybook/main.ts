import type { StorybookConfig } from '@storybook/sveltekit';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|svelte)'],
  addons: ['@storybook/addon-svelte-csf', '@storybook/addon-vitest'],
  framework: { name: '@storybook/sveltekit', options: {} },
  core: { disableTelemetry: true },
};

export default config;
