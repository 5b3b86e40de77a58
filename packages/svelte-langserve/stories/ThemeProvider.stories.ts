import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import { darkTokens, lightTokens, variantTokens } from '../src/lib/theme/tokens.js';
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
    variant: { control: 'inline-radio', options: ['default', 'compact', 'comfortable'] },
  },
  args: { scenario: 'mid-stream', mode: 'light', overrides: {}, variant: 'default' },
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

/** The computed style of the first part with this data-slot, once it is rendered. */
async function slotStyle(root: HTMLElement, slot: string): Promise<CSSStyleDeclaration> {
  let element: Element | null = null;
  await waitFor(() => {
    element = root.querySelector(`[data-slot="${slot}"]`);
    expect(element).not.toBeNull();
  });
  return getComputedStyle(element!);
}

/** `compact`: smaller type and tighter spacing, for side panels and dashboards. */
export const Compact: Story = {
  args: { variant: 'compact' },
  play: async ({ canvasElement }) => {
    const theme = themeElement(canvasElement);
    await expect(theme).toHaveAttribute('data-variant', 'compact');
    await expect(tokenValue(theme, 'space')).toBe(variantTokens.compact.space);
    // 0.8125rem type; the bubble's padding follows the smaller space token (0.875 × 8px).
    await expect((await slotStyle(canvasElement, 'message-text')).fontSize).toBe('13px');
    await expect((await slotStyle(canvasElement, 'message-body')).paddingInlineStart).toBe('7px');
  },
};

/** `comfortable`: larger type, looser lines and more space, for long reading and low vision. */
export const Comfortable: Story = {
  args: { variant: 'comfortable' },
  play: async ({ canvasElement }) => {
    const theme = themeElement(canvasElement);
    await expect(theme).toHaveAttribute('data-variant', 'comfortable');
    await expect(tokenValue(theme, 'font-size')).toBe(variantTokens.comfortable['font-size']);
    const text = await slotStyle(canvasElement, 'message-text');
    await expect(text.fontSize).toBe('17px');
    await expect(text.lineHeight).toBe(`${17 * 1.75}px`);
    await expect((await slotStyle(canvasElement, 'markdown')).lineHeight).toBe(`${17 * 1.75}px`);
    const header = Number.parseFloat((await slotStyle(canvasElement, 'message-header')).fontSize);
    await expect(header).toBeCloseTo((17 * 13) / 15, 1);
  },
};
