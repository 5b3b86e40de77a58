import { render } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import Markdown from '../src/lib/markdown/Markdown.svelte';
import { loadedMarkdown, preloadMarkdown } from '../src/lib/markdown/engine.js';

// One module registry per test file: the engine has not been loaded when this file starts.
describe('Markdown with its engine in a lazy chunk (runes, jsdom)', () => {
  it('shows the text as plain text until the engine arrives, then renders it', async () => {
    expect(loadedMarkdown()).toBeUndefined();
    const screen = render(Markdown, { text: 'Some **bold** <b onclick="x()">text</b>' });
    const plain = screen.container.querySelector('[data-slot="markdown"] .sl-markdown-plain');
    // Text, not HTML: nothing from the model is parsed before the sanitizer is here.
    expect(plain?.textContent).toBe('Some **bold** <b onclick="x()">text</b>');
    expect(screen.container.querySelector('strong, b')).toBeNull();

    await preloadMarkdown();
    await tick();
    expect(screen.container.querySelector('.sl-markdown-plain')).toBeNull();
    expect(screen.container.querySelector('strong')?.textContent).toBe('bold');
    expect(screen.container.querySelector('b')?.getAttribute('onclick')).toBeNull();
  });

  it('renders markdown at once in a Markdown mounted after the engine loaded', async () => {
    expect(loadedMarkdown()).toBeDefined();
    const screen = render(Markdown, { text: '# Title' });
    await tick();
    expect(screen.container.querySelector('h1')?.textContent).toBe('Title');
    expect(screen.container.querySelector('.sl-markdown-plain')).toBeNull();
  });

  it('loads the engine once, however many ask', async () => {
    const [first, second] = await Promise.all([preloadMarkdown(), preloadMarkdown()]);
    expect(first).toBe(second);
    expect(first).toBe(loadedMarkdown());
  });
});
