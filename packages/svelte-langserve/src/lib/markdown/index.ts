export { default as CodeBlock } from './CodeBlock.svelte';
export { default as Markdown } from './Markdown.svelte';
export {
  IncrementalMarkdown,
  renderedToHtml,
  type IncrementalMarkdownOptions,
  type MarkdownBlock,
  type RenderedMarkdown,
} from './incremental.js';
export { createSanitizer } from './sanitize.js';
export { loadedMarkdown, preloadMarkdown, type MarkdownEngine } from './engine.js';
export {
  CodeHighlighter,
  codeLanguage,
  type CodeHighlighterEngine,
  type CodeHighlighterLoader,
  type CodeHighlighterOptions,
  type CodeLanguage,
  type CodeToken,
  type CodeTokenKind,
} from './highlight.js';
