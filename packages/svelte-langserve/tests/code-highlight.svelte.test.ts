import { render, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import Markdown from '../src/lib/markdown/Markdown.svelte';
import { preloadMarkdown } from '../src/lib/markdown/engine.js';
import { CodeHighlighter, type CodeHighlighterEngine } from '../src/lib/markdown/highlight.js';
import { createHighlightEngine } from '../src/lib/markdown/highlight-engine.js';
import { twoCodeBlocksText } from './fixtures/transcripts.js';

/** A highlighter whose engine counts its loads and calls, around the real engine. */
function spyHighlighter() {
  const engine = createHighlightEngine();
  const highlight = vi.fn<CodeHighlighterEngine['highlight']>((code, language) =>
    engine.highlight(code, language),
  );
  const load = vi.fn(async (): Promise<CodeHighlighterEngine> => ({ highlight }));
  return { highlighter: new CodeHighlighter({ load }), load, highlight };
}

/** Two recorded answers: a TypeScript block, then a shell block. */
const answer = twoCodeBlocksText;
const firstFenceEnd = answer.indexOf('```\n', answer.indexOf('```ts') + 5);

// The markdown engine is a lazy chunk; these tests are about what happens once it is here.
beforeAll(() => preloadMarkdown());

describe('Markdown code blocks while streaming (runes, jsdom)', () => {
  it('does no highlighting work on an open block; highlights a finished one once', async () => {
    const { highlighter, load, highlight } = spyHighlighter();
    // Every token rendered (no pacing): the test is about highlighting work per render.
    const screen = render(Markdown, {
      text: '',
      streaming: true,
      highlighter,
      renderIntervalMs: 0,
    });

    // Token by token through the first code block, up to (not including) its closing fence.
    for (let end = 1; end < firstFenceEnd; end += 2) {
      await screen.rerender({ text: answer.slice(0, end), streaming: true });
    }
    const block = screen.container.querySelector('[data-slot="code-block"]');
    expect(block).toHaveAttribute('data-closed', 'false');
    expect(block?.querySelector('[data-token]')).toBeNull();
    expect(load).not.toHaveBeenCalled();
    expect(highlight).not.toHaveBeenCalled();

    // The fence closes, the answer goes on: the block is highlighted, once.
    for (let end = firstFenceEnd; end <= answer.indexOf('```bash'); end += 2) {
      await screen.rerender({ text: answer.slice(0, end), streaming: true });
    }
    await waitFor(
      () => expect(screen.container.querySelector('code[data-highlighted]')).not.toBeNull(),
      { timeout: 10_000 },
    );
    expect(load).toHaveBeenCalledTimes(1);
    expect(highlight).toHaveBeenCalledTimes(1);

    // The rest streams in and the run ends: one more call, for the second block only.
    for (let end = answer.indexOf('```bash'); end <= answer.length; end += 7) {
      await screen.rerender({ text: answer.slice(0, end), streaming: true });
    }
    await screen.rerender({ text: answer, streaming: false });
    await waitFor(
      () => expect(screen.container.querySelectorAll('code[data-highlighted]')).toHaveLength(2),
      { timeout: 10_000 },
    );
    expect(highlight.mock.calls.map(([, language]) => language)).toEqual(['typescript', 'bash']);
    expect(load).toHaveBeenCalledTimes(1);
  }, 30_000);

  it('highlights an unclosed last block once the text is no longer streaming', async () => {
    const { highlighter, highlight } = spyHighlighter();
    const text = '```py\nprint("hi")';
    const screen = render(Markdown, { text, streaming: true, highlighter });
    await tick();
    expect(highlight).not.toHaveBeenCalled();
    await screen.rerender({ text, streaming: false });
    // The language's chunk loads first: on a loaded machine that can take over a second.
    await waitFor(() => expect(screen.container.querySelector('[data-token]')).not.toBeNull(), {
      timeout: 10_000,
    });
    expect(highlight).toHaveBeenCalledTimes(1);
  }, 30_000);

  it('keeps an unknown language plain without loading anything', async () => {
    const { highlighter, load } = spyHighlighter();
    const screen = render(Markdown, {
      text: '```klingon\nQapla!\n```\n\nDone.',
      highlighter,
    });
    await tick();
    const code = screen.container.querySelector('code');
    expect(code).toHaveTextContent('Qapla!');
    expect(code).not.toHaveAttribute('data-highlighted');
    expect(load).not.toHaveBeenCalled();
  });

  it('with highlighter={null} never highlights', async () => {
    const screen = render(Markdown, { text: '```ts\nconst a = 1;\n```', highlighter: null });
    await tick();
    expect(screen.container.querySelector('code')).toHaveTextContent('const a = 1;');
    expect(screen.container.querySelector('[data-token]')).toBeNull();
  });
});
