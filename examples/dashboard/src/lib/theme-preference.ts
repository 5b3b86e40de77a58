import type { ResolvedTheme, ThemeMode } from 'svelte-langserve';

/**
 * The visitor's theme choice. It is kept in `localStorage` (the source of truth in the browser)
 * and mirrored into a cookie so the server can render the right theme: no light flash before
 * hydration. For `auto`, the cookie also carries the theme the OS last resolved to.
 */
export interface ThemePreference {
  mode: ThemeMode;
  /** What `mode` last resolved to in this browser (the server's best guess for `auto`). */
  resolved: ResolvedTheme;
}

/** The `localStorage` key and cookie name. */
export const THEME_STORAGE_KEY = 'sl-theme';

/** The modes a visitor can choose, in the order the toggle shows them. */
export const THEME_MODES: readonly ThemeMode[] = ['light', 'dark', 'auto'];

/** Whether a value is a theme mode. */
export function isThemeMode(value: unknown): value is ThemeMode {
  return typeof value === 'string' && (THEME_MODES as readonly string[]).includes(value);
}

/** Reads the cookie value (`<mode>:<resolved>`); anything unexpected gives `auto:light`. */
export function parseThemeCookie(value: string | undefined): ThemePreference {
  const [mode, resolved] = (value ?? '').split(':');
  return {
    mode: isThemeMode(mode) ? mode : 'auto',
    resolved: resolved === 'dark' ? 'dark' : 'light',
  };
}

/** Writes the cookie value for a preference. */
export function formatThemeCookie(preference: ThemePreference): string {
  return `${preference.mode}:${preference.resolved}`;
}
