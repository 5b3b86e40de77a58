export { default as Markdown } from './Markdown.svelte';
export {
  IncrementalMarkdown,
  type IncrementalMarkdownOptions,
  type MarkdownBlock,
  type RenderedMarkdown,
} from './incremental.js';
export { createSanitizer } from './sanitize.js';
