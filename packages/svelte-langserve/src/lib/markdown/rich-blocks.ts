import { DiagramRenderer } from './diagram.js';
import type { MarkdownBlock, RenderedMarkdown } from './incremental.js';
import { MathRenderer } from './math.js';

/** What replaces a finished block once rendered, and the theme it was drawn in. */
interface Done {
  dark: boolean;
  block: MarkdownBlock;
}

/**
 * What `Markdown` adds to finished blocks: math rendered by KaTeX and mermaid diagrams. Each
 * engine is loaded the first time a finished block needs it; nothing runs for a block that is
 * still streaming in (it shows its source). Work is keyed by the block object, which
 * `IncrementalMarkdown` keeps for a finished block, so each block is rendered once and an update
 * costs a lookup per block. Framework-free, in the markdown engine's lazy chunk; `onChange`
 * (always called asynchronously) tells the component to apply again.
 */
export class RichBlocks {
  readonly #onChange: () => void;
  readonly #math: MathRenderer;
  readonly #diagrams: DiagramRenderer;
  readonly #done = new WeakMap<MarkdownBlock, Done>();
  /** The theme each block's work was started for (math: always `true`). */
  readonly #started = new WeakMap<MarkdownBlock, boolean>();
  #pending = 0;

  constructor(
    onChange: () => void,
    options: { math?: MathRenderer; diagrams?: DiagramRenderer } = {},
  ) {
    this.#onChange = onChange;
    this.#math = options.math ?? new MathRenderer();
    this.#diagrams = options.diagrams ?? new DiagramRenderer();
  }

  /** True while an engine is loading or rendering (`Markdown` shows `data-rich="pending"`). */
  get pending(): boolean {
    return this.#pending > 0;
  }

  /**
   * The blocks to show: each finished block with math or a mermaid diagram is replaced by an
   * html block with it rendered, once that is done (and its work is started if it was not).
   * Finished means: every block once `streaming` is over; while it lasts, not the tail, and
   * code only once its fence closed. Diagrams use mermaid's dark theme when `mode` is `dark`.
   */
  apply(rendered: RenderedMarkdown, streaming: boolean, mode?: string): RenderedMarkdown {
    const dark = mode === 'dark';
    const show = (block: MarkdownBlock, finished: boolean): MarkdownBlock => {
      const math = block.kind === 'html' && block.math === true;
      if (!finished || !(math || (block.kind === 'code' && block.lang === 'mermaid'))) return block;
      const theme = math || dark;
      const done = this.#done.get(block);
      if (done?.dark === theme) return done.block;
      if (this.#started.get(block) !== theme) {
        this.#started.set(block, theme);
        this.#start(block, theme);
      }
      return done?.block ?? block;
    };
    return {
      blocks: rendered.blocks.map((block) => show(block, true)),
      tail: rendered.tail && show(rendered.tail, !streaming),
    };
  }

  #start(block: MarkdownBlock, dark: boolean): void {
    if (++this.#pending === 1) queueMicrotask(this.#onChange);
    const work: Promise<string | null> =
      block.kind === 'html'
        ? this.#math.render(block.html)
        : this.#diagrams
            .render(block.code, dark)
            .then((result) =>
              result.state === 'rendered'
                ? `<div class="sl-diagram" data-slot="diagram">${result.svg}</div>`
                : null,
            );
    void work
      .then((html) => {
        if (html !== null) this.#done.set(block, { dark, block: { key: block.key, kind: 'html', html } });
      })
      .finally(() => {
        this.#pending -= 1;
        this.#onChange();
      });
  }
}
