/** Every design token, as the CSS variable it becomes (`--sl-<name>`). */
export const THEME_TOKENS = [
  'color-background',
  'color-surface',
  'color-surface-raised',
  'color-border',
  'color-text',
  'color-text-muted',
  'color-accent',
  'color-accent-text',
  'color-user-bubble',
  'color-user-text',
  'color-assistant-bubble',
  'color-assistant-text',
  'color-danger',
  'color-success',
  'color-warning',
  'radius',
  'font-family',
  'font-size',
  'line-height',
  'space',
] as const;

/** A design token name. */
export type ThemeToken = (typeof THEME_TOKENS)[number];

/** A full set of token values. */
export type ThemeTokens = Record<ThemeToken, string>;

/** Values that replace some tokens at runtime, e.g. `{ 'color-accent': '#0f766e' }`. */
export type ThemeOverrides = Partial<ThemeTokens>;

/** The light palette. */
export const lightTokens: ThemeTokens = {
  'color-background': '#ffffff',
  'color-surface': '#f9fafb',
  'color-surface-raised': '#ffffff',
  'color-border': '#e5e7eb',
  'color-text': '#111827',
  'color-text-muted': '#4b5563',
  'color-accent': '#1d4ed8',
  'color-accent-text': '#ffffff',
  'color-user-bubble': '#1d4ed8',
  'color-user-text': '#ffffff',
  'color-assistant-bubble': '#f3f4f6',
  'color-assistant-text': '#111827',
  'color-danger': '#b91c1c',
  'color-success': '#047857',
  'color-warning': '#92400e',
  radius: '0.75rem',
  'font-family':
    "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  'font-size': '0.9375rem',
  'line-height': '1.6',
  space: '1rem',
};

/** The dark palette. */
export const darkTokens: ThemeTokens = {
  ...lightTokens,
  'color-background': '#111827',
  'color-surface': '#1f2937',
  'color-surface-raised': '#374151',
  'color-border': '#374151',
  'color-text': '#f9fafb',
  'color-text-muted': '#9ca3af',
  'color-accent': '#60a5fa',
  'color-accent-text': '#111827',
  'color-user-bubble': '#2563eb',
  'color-user-text': '#ffffff',
  'color-assistant-bubble': '#1f2937',
  'color-assistant-text': '#f3f4f6',
  'color-danger': '#f87171',
  'color-success': '#34d399',
  'color-warning': '#fbbf24',
};

/** Every variant: how dense the chat is. */
export const THEME_VARIANTS = ['default', 'compact', 'comfortable'] as const;

/**
 * How dense the chat is: `default`; `compact` (smaller type and tighter spacing, for side
 * panels and dashboards); `comfortable` (larger type, looser lines and more space, for long
 * reading and low vision).
 */
export type ThemeVariant = (typeof THEME_VARIANTS)[number];

/** The tokens each variant changes, applied over the palette (and under `overrides`). */
export const variantTokens: Record<ThemeVariant, ThemeOverrides> = {
  default: {},
  compact: {
    'font-size': '0.8125rem',
    'line-height': '1.45',
    space: '0.5rem',
    radius: '0.5rem',
  },
  comfortable: {
    'font-size': '1.0625rem',
    'line-height': '1.75',
    space: '1.375rem',
    radius: '1rem',
  },
};

/** Turns tokens into a `style` attribute value of CSS variables (`--sl-<token>: value`). */
export function toCssVariables(tokens: Partial<ThemeTokens>): string {
  return Object.entries(tokens)
    .filter(([name, value]) => (THEME_TOKENS as readonly string[]).includes(name) && value)
    .map(([name, value]) => `--sl-${name}: ${String(value).replace(/[;{}]/g, '')}`)
    .join('; ');
}
