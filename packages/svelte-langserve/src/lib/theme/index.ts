export { default as ThemeProvider } from './ThemeProvider.svelte';
export {
  ThemeState,
  provideTheme,
  useTheme,
  type ResolvedTheme,
  type ThemeMode,
} from './theme-state.svelte.js';
export {
  THEME_TOKENS,
  darkTokens,
  lightTokens,
  toCssVariables,
  type ThemeOverrides,
  type ThemeToken,
  type ThemeTokens,
} from './tokens.js';
