import { describe, expect, it } from 'vitest';
import {
  THEME_TOKENS,
  THEME_VARIANTS,
  ThemeState,
  type ThemeMode,
  type ThemeVariant,
  darkTokens,
  toCssVariables,
  variantTokens,
} from '../src/lib/theme/index.js';

describe('ThemeState', () => {
  it('resolves fixed modes and follows the OS for auto', () => {
    let mode = $state<ThemeMode>('dark');
    const theme = new ThemeState(() => mode);
    expect(theme.resolved).toBe('dark');
    mode = 'light';
    expect(theme.resolved).toBe('light');
    mode = 'auto';
    // The jsdom stub of matchMedia prefers light.
    expect(theme.mode).toBe('auto');
    expect(theme.resolved).toBe('light');
  });
});

describe('ThemeState variant', () => {
  it("defaults to 'default' and follows its getter", () => {
    expect(new ThemeState(() => 'light').variant).toBe('default');
    let variant = $state<ThemeVariant>('compact');
    const theme = new ThemeState(
      () => 'light',
      () => variant,
    );
    expect(theme.variant).toBe('compact');
    variant = 'comfortable';
    expect(theme.variant).toBe('comfortable');
  });
});

describe('variantTokens', () => {
  it('has every variant, and only changes known tokens', () => {
    expect(Object.keys(variantTokens)).toEqual([...THEME_VARIANTS]);
    expect(variantTokens.default).toEqual({});
    for (const tokens of Object.values(variantTokens)) {
      for (const name of Object.keys(tokens)) expect(THEME_TOKENS).toContain(name);
    }
  });
});

describe('toCssVariables', () => {
  it('turns tokens into --sl-* variables and ignores unknown names and unsafe characters', () => {
    expect(toCssVariables({ 'color-accent': '#0f766e', radius: '4px' })).toBe(
      '--sl-color-accent: #0f766e; --sl-radius: 4px',
    );
    expect(toCssVariables({ ['bogus' as 'radius']: 'x' })).toBe('');
    expect(toCssVariables({ radius: '1px; } body { display:none' })).toBe(
      '--sl-radius: 1px  body  display:none',
    );
    expect(toCssVariables(darkTokens)).toContain('--sl-color-background: #111827');
  });
});
