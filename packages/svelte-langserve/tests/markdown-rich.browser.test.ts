import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { preloadMarkdown } from '../src/lib/markdown/engine.js';
import ThemedMarkdown from '../stories/support/ThemedMarkdown.svelte';

/** Modules and chunks this page has fetched whose URL mentions `name`. */
const fetched = (name: string) =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => url.includes(name));

const mathAnswer = [
  'Euler: $e^{i\\pi} + 1 = 0$, and \\(a^2 + b^2 = c^2\\).',
  '',
  '$$',
  '\\int_0^1 x^2\\,dx = \\frac{1}{3}',
  '$$',
  '',
  'It costs $5 and $10 today.',
].join('\n');

const diagramAnswer = [
  'The flow:',
  '',
  '```mermaid',
  'graph TD',
  '  A[Client] -->|join| B(Server)',
  '  B --> C{Resume?}',
  '```',
].join('\n');

const settled = async (container: HTMLElement) =>
  expect
    .poll(() => container.querySelector('[data-rich="pending"]'), { timeout: 30_000 })
    .toBeNull();

describe('math and diagrams (real Chromium)', () => {
  // First in the file: this page has loaded neither engine yet.
  it('loads neither engine for an answer without math or diagrams, nor for unfinished ones', async () => {
    await preloadMarkdown();
    const plain = await render(ThemedMarkdown, {
      text: '# Plain\n\nNo math here, it costs $5 and $10.\n\n```ts\nconst a = 1;\n```',
      streaming: false,
    });
    await expect.element(plain.getByRole('heading', { name: 'Plain' })).toBeVisible();
    // Streaming: math and a diagram whose blocks are still open show their source.
    const screen = await render(ThemedMarkdown, {
      text: 'Intro\n\n$$\n\\frac{1}{2',
      streaming: true,
      renderIntervalMs: 0,
    });
    for (const text of ['Intro\n\n$$\n\\frac{1}{2}\n$', 'Intro\n\n```mermaid\ngraph TD\n  A --> B'])
      await screen.rerender({ text, streaming: true, renderIntervalMs: 0 });
    await expect.element(screen.getByText('graph TD', { exact: false })).toBeVisible();
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const name of ['math-engine', 'katex', 'diagram-engine', 'mermaid'])
      expect(fetched(name)).toEqual([]);
  });

  it('renders $…$, \\(…\\) and $$…$$ with KaTeX, and leaves prices alone', async () => {
    const screen = await render(ThemedMarkdown, { text: mathAnswer, streaming: false });
    await settled(screen.container);
    const math = screen.container.querySelectorAll('.sl-math[data-math-state="rendered"]');
    expect(math).toHaveLength(3);
    expect(screen.container.querySelectorAll('.katex-display')).toHaveLength(1);
    expect(screen.container.textContent).toContain('It costs $5 and $10 today.');
    // KaTeX's stylesheet came with the chunk, and its font is used.
    const katex = screen.container.querySelector<HTMLElement>('.katex')!;
    expect(getComputedStyle(katex).fontFamily).toContain('KaTeX_Main');
    await expect.poll(() => document.fonts.check('16px KaTeX_Main'), { timeout: 10_000 }).toBe(true);
    // MathML for screen readers, with the TeX as its annotation.
    expect(screen.container.querySelector('math annotation')?.textContent).toBe('e^{i\\pi} + 1 = 0');
    expect(fetched('math-engine').length).toBeGreaterThan(0);
  });

  it('renders math in the last block once the answer is complete, once', async () => {
    const screen = await render(ThemedMarkdown, {
      text: 'Last:\n\n\\[\n\\sqrt{2}\n\\]',
      streaming: false,
    });
    await settled(screen.container);
    expect(screen.container.querySelectorAll('.katex-display')).toHaveLength(1);
    // Settled for good: no render loop keeps it pending.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(screen.container.querySelector('[data-rich]')).toBeNull();
  });

  it('renders math once its block is finished while streaming', async () => {
    const screen = await render(ThemedMarkdown, {
      text: 'Area: $\\pi r^2',
      streaming: true,
      renderIntervalMs: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.container.querySelector('.katex')).toBeNull();
    await screen.rerender({ text: 'Area: $\\pi r^2$.\n\nNext', streaming: true, renderIntervalMs: 0 });
    await expect.poll(() => screen.container.querySelector('.katex'), { timeout: 10_000 }).not.toBeNull();
  });

  it('renders a mermaid fence as a sanitized SVG once it is closed', async () => {
    const screen = await render(ThemedMarkdown, { text: diagramAnswer, streaming: false });
    await settled(screen.container);
    const svg = screen.container.querySelector('[data-slot="diagram"] svg');
    expect(svg).not.toBeNull();
    expect(svg!.textContent).toContain('Client');
    expect(screen.container.querySelector('foreignObject, script, a')).toBeNull();
    // The diagram's stylesheet only styles the diagram.
    const style = svg!.querySelector('style')?.textContent ?? '';
    for (const rule of style.split('}').filter((rule) => rule.includes('{')))
      expect(rule.trim().startsWith(`#${svg!.id}`) || rule.trim().startsWith('@keyframes')).toBe(true);
    expect(fetched('diagram-engine').length).toBeGreaterThan(0);
  });

  it('shows the source of a diagram mermaid cannot parse', async () => {
    const screen = await render(ThemedMarkdown, {
      text: '```mermaid\nthis is not a diagram -->\n```',
      streaming: false,
    });
    await settled(screen.container);
    expect(screen.container.querySelector('[data-slot="diagram"]')).toBeNull();
    expect(screen.container.querySelector('[data-slot="code-block"]')?.textContent).toContain(
      'this is not a diagram',
    );
  });
});
