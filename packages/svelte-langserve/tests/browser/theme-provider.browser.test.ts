import { afterEach, describe, expect, it } from 'vitest';
import { cdp, page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import { darkTokens, lightTokens } from '../../src/lib/theme/tokens.js';
import { rgb, themeElement, tokenValue } from '../../stories/support/dom.js';
import ThemedChat from '../../stories/support/ThemedChat.svelte';
import { createScriptedTransport } from '../fixtures/scripted-server.js';
import { streamingAnswer } from '../fixtures/transcripts.js';

const transport = () =>
  createScriptedTransport({ replies: [{ transcript: streamingAnswer }], speed: 0 });

/** Emulates the OS colour-scheme preference for the whole page (and the test iframe). */
async function emulateColorScheme(value: 'light' | 'dark' | '') {
  await cdp().send('Emulation.setEmulatedMedia', {
    features: [{ name: 'prefers-color-scheme', value }],
  });
}

describe('ThemeProvider (real Chromium)', () => {
  afterEach(() => emulateColorScheme(''));

  it('mode="dark" sets data-theme and the dark --sl-color-background', async () => {
    const screen = await render(ThemedChat, { transport: transport(), mode: 'dark' });
    const theme = themeElement(screen.container);
    expect(theme.dataset.theme).toBe('dark');
    expect(theme.classList.contains('dark')).toBe(true);
    expect(tokenValue(theme, 'color-background')).toBe(darkTokens['color-background']);
    // And it reaches a part: the chat's own background resolves to the dark value.
    const chat = screen.container.querySelector('[data-slot="chat-interface"]');
    expect(chat).not.toBeNull();
    expect(getComputedStyle(chat!).backgroundColor).toBe(rgb(darkTokens['color-background']));
  });

  it('mode="light" uses the light palette', async () => {
    const screen = await render(ThemedChat, { transport: transport(), mode: 'light' });
    const theme = themeElement(screen.container);
    expect(theme.dataset.theme).toBe('light');
    expect(tokenValue(theme, 'color-background')).toBe(lightTokens['color-background']);
  });

  it('applies overrides on top of the palette', async () => {
    const accent = '#0f766e';
    const screen = await render(ThemedChat, {
      transport: transport(),
      mode: 'dark',
      overrides: { 'color-user-bubble': accent, radius: '0.25rem' },
      prompts: ['Hi'],
    });
    const theme = themeElement(screen.container);
    expect(tokenValue(theme, 'color-user-bubble')).toBe(accent);
    // Tokens not overridden keep the mode's palette.
    expect(tokenValue(theme, 'color-background')).toBe(darkTokens['color-background']);
    await expect
      .poll(() => {
        const bubble = screen.container.querySelector(
          '[data-role="user"] [data-slot="message-body"]',
        );
        return bubble && getComputedStyle(bubble).backgroundColor;
      })
      .toBe(rgb(accent));
  });

  it('mode="auto" follows prefers-color-scheme, live', async () => {
    await emulateColorScheme('dark');
    const screen = await render(ThemedChat, { transport: transport(), mode: 'auto' });
    const theme = themeElement(screen.container);
    expect(matchMedia('(prefers-color-scheme: dark)').matches).toBe(true);
    await expect.element(page.elementLocator(theme)).toHaveAttribute('data-theme', 'dark');

    await emulateColorScheme('light');
    await expect.element(page.elementLocator(theme)).toHaveAttribute('data-theme', 'light');
    expect(tokenValue(theme, 'color-background')).toBe(lightTokens['color-background']);
  });
});
