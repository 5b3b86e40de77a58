// The lazy chunk behind preloadMarkdown(): the incremental renderer and the sanitizer.
export { IncrementalMarkdown } from './incremental.js';
export { createSanitizer } from './sanitize.js';
