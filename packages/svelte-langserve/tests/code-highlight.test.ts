import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { render } from 'svelte/server';
import { describe, expect, it, vi } from 'vitest';
import Markdown from '../src/lib/markdown/Markdown.svelte';
import { createHighlightEngine } from '../src/lib/markdown/highlight-engine.js';
import {
  CodeHighlighter,
  codeLanguage,
  type CodeHighlighterEngine,
  type CodeToken,
} from '../src/lib/markdown/highlight.js';
import { IncrementalMarkdown, type MarkdownBlock } from '../src/lib/markdown/incremental.js';
import { twoCodeBlocksText } from './fixtures/transcripts.js';

/** A loader that counts loads and highlight calls, around the real engine. */
function spyLoader() {
  const engine = createHighlightEngine();
  const highlight = vi.fn<CodeHighlighterEngine['highlight']>((code, language) =>
    engine.highlight(code, language),
  );
  const load = vi.fn(async (): Promise<CodeHighlighterEngine> => ({ highlight }));
  return { load, highlight };
}

const text = (tokens: CodeToken[] | null) => tokens?.map((token) => token.text).join('');
const ofKind = (tokens: CodeToken[] | null, kind: CodeToken['kind']) =>
  (tokens ?? []).filter((token) => token.kind === kind).map((token) => token.text.trim());

describe('the highlighting engine (lazy chunk, run directly)', () => {
  it('turns code into kinds of tokens whose texts read exactly as the code', async () => {
    const code = [
      "import { io } from 'socket.io-client';",
      '// replays what was missed',
      'const socket = io(url, { retries: 3 });',
      'class Chat extends Base {}',
    ].join('\n');
    const tokens = await createHighlightEngine().highlight(code, 'typescript');
    expect(text(tokens)).toBe(code);
    expect(ofKind(tokens, 'keyword')).toEqual(expect.arrayContaining(['import', 'const', 'class']));
    expect(ofKind(tokens, 'string')).toContain("'socket.io-client'");
    expect(ofKind(tokens, 'comment')).toContain('// replays what was missed');
    expect(ofKind(tokens, 'number')).toContain('3');
    expect(ofKind(tokens, 'title')).toContain('io');
    expect(ofKind(tokens, 'type')).toEqual(expect.arrayContaining(['Chat', 'Base']));
  });

  it('keeps markup in code as text, and a template substitution plain inside its string', async () => {
    const code = 'const html = `<b>${name}</b>`;';
    const tokens = await createHighlightEngine().highlight(code, 'javascript');
    expect(text(tokens)).toBe(code);
    expect(tokens).toContainEqual({ text: '${name}', kind: null });
    expect(tokens).toContainEqual({ text: '`<b>', kind: 'string' });
  });
});

describe('CodeHighlighter', () => {
  it('knows languages by their fence tags, without loading anything', () => {
    expect(codeLanguage('ts')).toBe('typescript');
    expect(codeLanguage('Python')).toBe('python');
    expect(codeLanguage('sh')).toBe('bash');
    expect(codeLanguage('brainfudge')).toBeNull();
    expect(codeLanguage('constructor')).toBeNull();
    expect(codeLanguage('')).toBeNull();
  });

  it('leaves an unknown language plain and never loads the engine for it', async () => {
    const { load } = spyLoader();
    const highlighter = new CodeHighlighter({ load });
    expect(await highlighter.highlight('x := 1', 'brainfudge')).toBeNull();
    expect(await highlighter.highlight('x = 1', '')).toBeNull();
    expect(highlighter.cached('x = 1', '')).toBeNull();
    expect(load).not.toHaveBeenCalled();
  });

  it('loads the engine once and highlights each distinct block once', async () => {
    const { load, highlight } = spyLoader();
    const highlighter = new CodeHighlighter({ load });
    expect(highlighter.cached('const a = 1;', 'ts')).toBeUndefined();
    const [first, again] = await Promise.all([
      highlighter.highlight('const a = 1;', 'ts'),
      highlighter.highlight('const a = 1;', 'typescript'),
    ]);
    expect(again).toBe(first);
    expect(highlighter.cached('const a = 1;', 'ts')).toBe(first);
    await highlighter.highlight('echo hi', 'bash');
    expect(load).toHaveBeenCalledTimes(1);
    expect(highlight).toHaveBeenCalledTimes(2);
  });

  it('shows code plain when the engine fails to load, and tries again next time', async () => {
    const { highlight } = spyLoader();
    const load = vi
      .fn<() => Promise<CodeHighlighterEngine>>()
      .mockRejectedValueOnce(new Error('chunk failed'))
      .mockResolvedValue({ highlight });
    const highlighter = new CodeHighlighter({ load });
    expect(await highlighter.highlight('let a', 'ts')).toBeNull();
    expect(highlighter.cached('let a', 'ts')).toBeUndefined();
    expect(text(await highlighter.highlight('let a', 'ts'))).toBe('let a');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('leaves very long code plain', async () => {
    const { load } = spyLoader();
    const highlighter = new CodeHighlighter({ load, maxLength: 10 });
    expect(await highlighter.highlight('const long = 1;', 'ts')).toBeNull();
    expect(load).not.toHaveBeenCalled();
  });
});

describe('streaming code: no highlighting work until a block is finished', () => {
  it('asks for each block once it is closed, and highlights it once however often it re-renders', async () => {
    const { load, highlight } = spyLoader();
    const highlighter = new CodeHighlighter({ load });
    const markdown = new IncrementalMarkdown({ sanitize: (html) => html });
    const answer = twoCodeBlocksText;
    const codeBlocks = (blocks: (MarkdownBlock | null)[]) =>
      blocks.filter((block) => block?.kind === 'code') as Extract<
        MarkdownBlock,
        { kind: 'code' }
      >[];

    let openUpdates = 0;
    // What CodeBlock does on every render: highlight a block only when it is closed.
    for (let end = 1; end <= answer.length; end += 1) {
      const rendered = markdown.update(answer.slice(0, end));
      for (const block of codeBlocks([...rendered.blocks, rendered.tail])) {
        if (block.closed) await highlighter.highlight(block.code, block.lang);
        else openUpdates += 1;
      }
      // While only the first block has started and is still open, nothing is loaded at all.
      if (codeBlocks([...rendered.blocks, rendered.tail]).every((block) => !block.closed)) {
        expect(load).not.toHaveBeenCalled();
      }
    }
    expect(openUpdates).toBeGreaterThan(100);
    expect(load).toHaveBeenCalledTimes(1);
    // Two blocks (ts, bash): one highlight each, over hundreds of updates.
    expect(highlight.mock.calls.map(([, language]) => language)).toEqual(['typescript', 'bash']);
  });
});

/** Static imports (not `import()`) of a source file, resolved to files or package names. */
function staticImports(file: string): string[] {
  let source = readFileSync(file, 'utf8');
  if (file.endsWith('.svelte')) {
    source = [...source.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)]
      .map((match) => match[1])
      .join('\n');
  }
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"();]*?from\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((match) => match[1]!);
  return specifiers.map((specifier) => {
    if (!specifier.startsWith('.')) return specifier;
    const path = resolve(dirname(file), specifier);
    return path.endsWith('.js') && existsSync(path.replace(/\.js$/, '.ts'))
      ? path.replace(/\.js$/, '.ts')
      : path;
  });
}

describe('the highlighter is not in the initial import graph', () => {
  it('is reachable from the package entry only through a dynamic import', () => {
    const entry = resolve(import.meta.dirname, '../src/lib/index.ts');
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const target of staticImports(file)) {
        if (target.startsWith('/')) queue.push(target);
        else packages.add(target);
      }
    }
    const files = [...seen].map((file) => file.slice(file.indexOf('src/lib/')));
    expect(files).toContain('src/lib/markdown/highlight.ts');
    expect(files).toContain('src/lib/markdown/CodeBlock.svelte');
    expect(files).not.toContain('src/lib/markdown/highlight-engine.ts');
    expect([...packages].filter((name) => /lowlight|highlight\.js/.test(name))).toEqual([]);
    // …and the lazy path exists.
    const lazy = readFileSync(
      resolve(import.meta.dirname, '../src/lib/markdown/highlight.ts'),
      'utf8',
    );
    expect(lazy).toMatch(/import\(['"]\.\/highlight-engine\.js['"]\)/);
  });
});

describe('server rendering', () => {
  it('renders code as plain text and loads nothing', () => {
    const { load } = spyLoader();
    const highlighter = new CodeHighlighter({ load });
    const { body } = render(Markdown, {
      props: { text: '```ts\nconst a = "<b>";\n```', highlighter },
    });
    // Until hydration, the markdown shows as text (the sanitizer needs a DOM).
    expect(body).toContain('const a = "&lt;b>";');
    expect(body).not.toContain('data-token');
    expect(load).not.toHaveBeenCalled();
  });
});
