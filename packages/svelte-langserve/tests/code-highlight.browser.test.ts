import { describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import { darkTokens, lightTokens } from '../src/lib/theme/tokens.js';
import { rgb } from '../stories/support/dom.js';
import ThemedMarkdown from '../stories/support/ThemedMarkdown.svelte';
import {
  answerText,
  codeAnswer,
  deltasUntil,
  midStream,
  twoCodeBlocksText,
} from './fixtures/transcripts.js';

/** Modules and chunks this page has fetched whose URL mentions `name`. */
const fetched = (name: string) =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => url.includes(name));

/** Two recorded answers: a TypeScript block, then a shell block. */
const answer = twoCodeBlocksText;

describe('highlighted code blocks (real Chromium)', () => {
  // First in the file: the page has not loaded the engine yet.
  it('downloads the engine only when a finished block first needs it', async () => {
    expect(fetched('highlight-engine')).toEqual([]);
    expect(fetched('lowlight')).toEqual([]);
    // Cut off inside the first code block, which is still open.
    const open = answerText(midStream(codeAnswer, deltasUntil(codeAnswer, 'socket.emit(')));
    expect(open.split('```')).toHaveLength(2);
    const screen = await render(ThemedMarkdown, { text: open, streaming: true });
    await expect.element(page.getByRole('button', { name: 'Copy code' })).toBeVisible();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fetched('highlight-engine')).toEqual([]);

    await screen.rerender({ text: answer, streaming: false });
    await expect
      .poll(() => screen.container.querySelectorAll('code[data-highlighted]').length, {
        // The first import of the engine is a cold module load in the dev server.
        timeout: 15_000,
      })
      .toBe(2);
    expect(fetched('highlight-engine')).toHaveLength(1);
  });

  it('renders tokens as coloured spans; Copy still gives the raw code', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void copied.push(text) },
    });
    const screen = await render(ThemedMarkdown, { text: answer, mode: 'light' });
    const code = screen.container.querySelector('code.language-ts')!;
    await expect.poll(() => code.hasAttribute('data-highlighted'), { timeout: 15_000 }).toBe(true);
    const raw = answer.slice(answer.indexOf('```ts\n') + 6, answer.indexOf('\n```\n'));
    expect(code.textContent).toBe(raw);

    const keyword = code.querySelector('[data-token="keyword"]')!;
    expect(keyword.textContent).toBe('import');
    expect(getComputedStyle(keyword).color).toBe(rgb(lightTokens['color-accent']));
    const number = code.querySelector('[data-token="number"]')!;
    expect(getComputedStyle(number).color).toBe(rgb(lightTokens['color-warning']));
    expect(code.querySelector('[data-token="string"]')).not.toBeNull();

    await page.getByRole('button', { name: 'Copy code' }).first().click();
    expect(copied).toEqual([raw]);
  });

  it('follows the dark theme', async () => {
    const screen = await render(ThemedMarkdown, { text: answer, mode: 'dark' });
    const code = screen.container.querySelector('code.language-ts')!;
    await expect.poll(() => code.hasAttribute('data-highlighted'), { timeout: 15_000 }).toBe(true);
    const keyword = code.querySelector('[data-token="keyword"]')!;
    expect(getComputedStyle(keyword).color).toBe(rgb(darkTokens['color-accent']));
    const string = code.querySelector('[data-token="string"]')!;
    expect(getComputedStyle(string).color).toBe(rgb(darkTokens['color-success']));
  });
});
