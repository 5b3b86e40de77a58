// The lazy chunk behind preloadMarkdown(): the incremental renderer, the sanitizer, and what
// loads KaTeX and mermaid when a finished block needs them.
export { IncrementalMarkdown } from './incremental.js';
export { createSanitizer } from './sanitize.js';
export { RichBlocks } from './rich-blocks.js';
