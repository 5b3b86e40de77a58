import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import { darkTokens, lightTokens } from '../src/lib/theme/tokens.js';
import { rgb, themeElement, tokenValue } from './support/dom.js';
import ScenarioChat from './support/ScenarioChat.svelte';
import { SCENARIO_NAMES } from './support/scenarios.js';

/**
 * ThemeProvider around a chat mid-answer. These stories bring their own provider (the global
 * decorator is off), so `mode` and `overrides` are the story's args.
 */
const meta = {
  title: 'Theme/ThemeProvider',
  component: ScenarioChat,
  parameters: { frame: 'none' },
  argTypes: {
    scenario: { control: 'select', options: SCENARIO_NAMES },
    mode: { control: 'inline-radio', options: ['light', 'dark', 'auto'] },
  },
  args: { scenario: 'mid-stream', mode: 'light', overrides: {} },
} satisfies Meta<typeof ScenarioChat>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Light: Story = {
  play: async ({ canvasElement }) => {
    const theme = themeElement(canvasElement);
    await expect(theme).toHaveAttribute('data-theme', 'light');
    await expect(tokenValue(theme, 'color-background')).toBe(lightTokens['color-background']);
  },
};

export const Dark: Story = {
  args: { mode: 'dark' },
  play: async ({ canvasElement }) => {
    const theme = themeElement(canvasElement);
    await expect(theme).toHaveAttribute('data-theme', 'dark');
    await expect(theme).toHaveClass('dark');
    await expect(getComputedStyle(theme).backgroundColor).toBe(rgb(darkTokens['color-background']));
  },
};

/** Follows the OS preference (`prefers-color-scheme`). */
export const Auto: Story = {
  args: { mode: 'auto' },
  play: async ({ canvasElement }) => {
    const prefersDark = matchMedia('(prefers-color-scheme: dark)').matches;
    await expect(themeElement(canvasElement)).toHaveAttribute(
      'data-theme',
      prefersDark ? 'dark' : 'light',
    );
  },
};

/** Runtime overrides: a teal accent and tighter corners. */
export const Overrides: Story = {
  args: {
    overrides: {
      'color-accent': '#0f766e',
      'color-user-bubble': '#0f766e',
      radius: '0.25rem',
    },
  },
  play: async ({ canvasElement }) => {
    const theme = themeElement(canvasElement);
    await expect(tokenValue(theme, 'color-accent')).toBe('#0f766e');
    await waitFor(() => {
      const bubble = canvasElement.querySelector('[data-role="user"] [data-slot="message-body"]');
      expect(bubble).not.toBeNull();
      expect(getComputedStyle(bubble!).backgroundColor).toBe(rgb('#0f766e'));
      expect(getComputedStyle(bubble!).borderTopLeftRadius).toBe('4px');
    });
  },
};
