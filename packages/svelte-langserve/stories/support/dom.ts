/** DOM helpers shared by play functions and browser tests. */
import { IncrementalMarkdown, renderedToHtml } from '../../src/lib/markdown/incremental.js';

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

const BLOCKS = 'p, pre, table, tr, th, td, ul, ol, li, blockquote, h1, h2, h3, h4, h5, h6, hr';

/**
 * Ends every block element with a space, so block boundaries read as whitespace in
 * `textContent` however the HTML was laid out (a code block right before a paragraph reads
 * "} |", not "}|"), as a reader sees them.
 */
function spaceBlocks(element: Element): void {
  for (const block of element.querySelectorAll(BLOCKS)) block.append(' ');
}

/**
 * The text a reader sees once `markdown` is rendered (whitespace collapsed), for comparing
 * with what an assistant message shows. Fixtures are trusted, so no sanitizer is needed here.
 */
export function visibleText(markdown: string): string {
  const rendered = new IncrementalMarkdown({ sanitize: (html) => html }).update(markdown);
  const element = document.createElement('div');
  element.innerHTML = renderedToHtml(rendered);
  spaceBlocks(element);
  return normalize(element.textContent ?? '');
}

/**
 * The texts of the messages shown, by role, in order: user messages as typed, assistant
 * messages as rendered markdown with whitespace collapsed (compare with {@link visibleText}),
 * without their reasoning parts and code blocks' headers.
 */
export function messageTexts(root: ParentNode, role: 'user' | 'assistant'): string[] {
  return [...root.querySelectorAll(`[data-slot="message"][data-role="${role}"]`)].map((message) => {
    const element = message.querySelector('[data-slot="message-text"]')?.cloneNode(true) as
      Element | undefined;
    for (const reasoning of element?.querySelectorAll('[data-slot="reasoning"]') ?? [])
      reasoning.remove();
    // A code block's header (its language and Copy button) is chrome, not the answer's text.
    for (const header of element?.querySelectorAll('[data-slot="code-block"] > .sl-code-header') ??
      [])
      header.remove();
    if (role === 'user') return element?.textContent ?? '';
    if (element) spaceBlocks(element);
    return normalize(element?.textContent ?? '');
  });
}

/** The streaming cursor, if one is shown. */
export function streamingCursor(root: ParentNode): Element | null {
  return root.querySelector('[data-slot="markdown"][data-streaming]');
}

/** The nearest ThemeProvider element. */
export function themeElement(root: ParentNode): HTMLElement {
  const element = root.querySelector<HTMLElement>('[data-slot="theme-provider"]');
  if (!element) throw new Error('No ThemeProvider rendered.');
  return element;
}

/** A `--sl-*` variable as resolved on an element. */
export function tokenValue(element: Element, token: string): string {
  return getComputedStyle(element).getPropertyValue(`--sl-${token}`).trim();
}

/** A hex colour as the `rgb(r, g, b)` string computed styles report. */
export function rgb(hex: string): string {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return `rgb(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255})`;
}

/**
 * The first element with `data-slot="slot"` under `root`, waited for: the chat presets load some
 * parts (tool calls, reasoning, the editor) as their own chunk the first time they show.
 */
export async function findSlot(
  root: ParentNode,
  slot: string,
  timeoutMs = 5_000,
): Promise<HTMLElement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const element = root.querySelector<HTMLElement>(`[data-slot="${slot}"]`);
    if (element) return element;
    if (Date.now() > deadline) throw new Error(`no [data-slot="${slot}"] within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
