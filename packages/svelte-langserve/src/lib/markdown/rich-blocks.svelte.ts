import { SvelteMap } from 'svelte/reactivity';
import { DiagramRenderer, type DiagramResult } from './diagram.js';
import type { MarkdownBlock } from './incremental.js';
import { MathRenderer } from './math.js';

/**
 * What `Markdown` adds to finished blocks: math rendered by KaTeX and mermaid diagrams. Each
 * engine is loaded the first time a finished block needs it; nothing runs for a block that is
 * still streaming in (it shows its source). Results are kept per block, so a block is rendered
 * once.
 */
export class RichBlocks {
  readonly #math: MathRenderer;
  readonly #diagrams: DiagramRenderer;
  /** Block HTML → the same HTML with its math rendered. */
  readonly #mathHtml = new SvelteMap<string, string>();
  /** `${dark}\n${code}` → the diagram. */
  readonly #diagramResults = new SvelteMap<string, DiagramResult>();
  readonly #started = new Set<string>();
  #pending = $state(0);

  constructor(options: { math?: MathRenderer; diagrams?: DiagramRenderer } = {}) {
    this.#math = options.math ?? new MathRenderer();
    this.#diagrams = options.diagrams ?? new DiagramRenderer();
  }

  /** True while an engine is loading or rendering (shown as `data-rich="pending"`). */
  get pending(): boolean {
    return this.#pending > 0;
  }

  /** Starts rendering the math and diagrams of `finished` blocks. Call it from an effect. */
  request(finished: MarkdownBlock[], dark: boolean): void {
    for (const block of finished) {
      if (block.kind === 'html' && block.math) {
        const html = block.html;
        this.#start(`math\n${html}`, () =>
          this.#math.render(html).then((out) => void (out !== null && this.#mathHtml.set(html, out))),
        );
      } else if (block.kind === 'code' && block.lang === 'mermaid') {
        const key = `${dark}\n${block.code}`;
        const code = block.code;
        this.#start(`diagram\n${key}`, () =>
          this.#diagrams.render(code, dark).then((result) => void this.#diagramResults.set(key, result)),
        );
      }
    }
  }

  /** The HTML to show for a block: with its math rendered once that is done. */
  html(block: MarkdownBlock & { kind: 'html' }): string {
    return (block.math && this.#mathHtml.get(block.html)) || block.html;
  }

  /** The diagram for a mermaid block, once rendered (or failed). */
  diagram(code: string, dark: boolean): DiagramResult | undefined {
    return this.#diagramResults.get(`${dark}\n${code}`);
  }

  #start(key: string, work: () => Promise<void>): void {
    if (this.#started.has(key)) return;
    this.#started.add(key);
    this.#pending += 1;
    void work().finally(() => (this.#pending -= 1));
  }
}
