import { createContext } from 'svelte';
import { MediaQuery } from 'svelte/reactivity';
import type { ThemeVariant } from './tokens.js';

/** How the theme is chosen: fixed light, fixed dark, or following the OS. */
export type ThemeMode = 'light' | 'dark' | 'auto';

/** The theme actually applied. */
export type ResolvedTheme = 'light' | 'dark';

/** The reactive theme: the chosen mode and variant, and what the mode resolves to right now. */
export class ThemeState {
  readonly #mode: () => ThemeMode;
  readonly #variant: () => ThemeVariant;
  readonly #prefersDark = new MediaQuery('(prefers-color-scheme: dark)', false);

  constructor(mode: () => ThemeMode, variant: () => ThemeVariant = () => 'default') {
    this.#mode = mode;
    this.#variant = variant;
  }

  /** The chosen mode. */
  get mode(): ThemeMode {
    return this.#mode();
  }

  /** The chosen variant (`default`, `compact` or `comfortable`). */
  get variant(): ThemeVariant {
    return this.#variant();
  }

  /** `light` or `dark`; for `auto`, whatever the OS prefers now. */
  get resolved(): ResolvedTheme {
    const mode = this.#mode();
    if (mode !== 'auto') return mode;
    return this.#prefersDark.current ? 'dark' : 'light';
  }
}

const [getTheme, setTheme, hasTheme] = createContext<ThemeState>();

/** Shares a theme with the components below. Used by `ThemeProvider`. */
export function provideTheme(theme: ThemeState): ThemeState {
  return setTheme(theme);
}

/** The nearest `ThemeProvider`'s theme, or null outside one. */
export function useTheme(): ThemeState | null {
  return hasTheme() ? getTheme() : null;
}
