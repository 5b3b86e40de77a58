/**
 * The markdown engine (marked and DOMPurify, about 20 KB gzip) in a lazy chunk.
 *
 * `Markdown` shows its text as plain text until the engine is here, as it does on the server,
 * so a page can render and connect before it arrives. `MessageList` starts the download when it
 * mounts, while the conversation is still being fetched (ADR 0019).
 */
import type CodeBlock from './CodeBlock.svelte';
import type { CodeHighlighter } from './highlight.js';
import type { IncrementalMarkdown } from './incremental.js';
import type { RichBlocks } from './rich-blocks.js';
import type { createSanitizer } from './sanitize.js';

/** What `Markdown` renders with, once loaded. */
export interface MarkdownEngine {
  IncrementalMarkdown: typeof IncrementalMarkdown;
  createSanitizer: typeof createSanitizer;
  /** Math (KaTeX) and diagrams (mermaid) for finished blocks, each loaded on first use. */
  RichBlocks: typeof RichBlocks;
  /** A fenced code block: its language, a Copy button, and highlighting once the fence closed. */
  CodeBlock: typeof CodeBlock;
  CodeHighlighter: typeof CodeHighlighter;
}

// A cache of a code module (like the module loader's own), not application state: every
// component on the page renders with the same engine.
let engine: MarkdownEngine | undefined;
let loading: Promise<MarkdownEngine> | undefined;

/**
 * Starts loading the markdown engine (once per page) and resolves with it. Call it early (e.g.
 * on a route's mount) to have rendered markdown from the first message. If the download fails,
 * the next call tries again.
 */
export function preloadMarkdown(): Promise<MarkdownEngine> {
  loading ??= import('./engine-modules.js').then(
    (modules) => (engine = modules),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The engine if it has loaded, so a component mounted later renders markdown at once. */
export function loadedMarkdown(): MarkdownEngine | undefined {
  return engine;
}
