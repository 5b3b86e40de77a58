import { describe, expect, it } from 'vitest';
import { ThemeState, type ThemeMode, darkTokens, toCssVariables } from '../src/lib/theme/index.js';

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
