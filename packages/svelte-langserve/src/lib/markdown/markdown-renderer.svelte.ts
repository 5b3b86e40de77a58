import type { CodeHighlighter } from './highlight.js';
import { loadedMarkdown, preloadMarkdown, type MarkdownEngine } from './engine.js';
import type { IncrementalMarkdown, RenderedMarkdown } from './incremental.js';
import type { RichBlocks } from './rich-blocks.js';

/** What one text renders with once the engine is here. */
interface Loaded {
  markdown: IncrementalMarkdown;
  rich: RichBlocks;
  CodeBlock: MarkdownEngine['CodeBlock'];
  highlighter: CodeHighlighter;
}

/**
 * The behaviour of one `Markdown`: its renderer, built once the engine's lazy chunk is here.
 *
 * The sanitizer needs a DOM: on the server, until hydration and until the chunk has loaded (once
 * per page), {@link render} returns null and the text shows as text. Math (KaTeX) and mermaid
 * diagrams come from the same chunk and render when their block is finished; so do the code
 * block and its default highlighter (which loads nothing until a finished block asks).
 */
export class MarkdownRenderer {
  #loaded = $state.raw<Loaded | null>(null);
  /** Bumped when a math or diagram block has rendered, so the text renders again. */
  #richVersion = $state(0);

  /** Builds the renderer (loading the engine first if needed). Returns the teardown, for `$effect`. */
  load(allowImage: ((url: string) => boolean) | undefined): () => void {
    let mounted = true;
    const start = (engine: MarkdownEngine) => {
      const sanitize = engine.createSanitizer({ allowImage });
      if (!mounted || !sanitize) return;
      this.#loaded = {
        markdown: new engine.IncrementalMarkdown({ sanitize, allowImage }),
        rich: new engine.RichBlocks(() => (this.#richVersion += 1)),
        CodeBlock: engine.CodeBlock,
        highlighter: new engine.CodeHighlighter(),
      };
    };
    const engine = loadedMarkdown();
    if (engine) start(engine);
    else preloadMarkdown().then(start, () => {}); // offline: the text stays plain text
    return () => {
      mounted = false;
    };
  }

  /** The code block part and the default highlighter, once loaded. */
  get loaded(): Pick<Loaded, 'CodeBlock' | 'highlighter'> | null {
    return this.#loaded;
  }

  /** Whether a math or diagram block is still rendering. */
  get pending(): boolean {
    return this.#richVersion >= 0 && (this.#loaded?.rich.pending ?? false);
  }

  /**
   * `text` rendered (only its changed tail is parsed again), or null before the engine is here.
   * Once the text is complete, a link definition in its last block resolves the blocks before.
   */
  render(text: string, streaming: boolean, mode: string | undefined): RenderedMarkdown | null {
    const loaded = this.#loaded;
    if (!loaded || this.#richVersion < 0) return null;
    const rendered = loaded.markdown.update(text, { complete: !streaming });
    return loaded.rich.apply(rendered, streaming, mode);
  }
}
