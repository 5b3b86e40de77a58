// The lazy chunk behind preloadMarkdown(): the incremental renderer, the sanitizer, what
// loads KaTeX and mermaid when a finished block needs them, and the code block with its
// highlighter (a code block renders only once the engine is here).
export { IncrementalMarkdown } from './incremental.js';
export { createSanitizer } from './sanitize.js';
export { RichBlocks } from './rich-blocks.js';
export { default as CodeBlock } from './CodeBlock.svelte';
export { CodeHighlighter } from './highlight.js';
