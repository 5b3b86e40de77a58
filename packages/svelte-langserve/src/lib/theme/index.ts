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
  THEME_VARIANTS,
  darkTokens,
  lightTokens,
  toCssVariables,
  variantTokens,
  type ThemeOverrides,
  type ThemeToken,
  type ThemeTokens,
  type ThemeVariant,
} from './tokens.js';
