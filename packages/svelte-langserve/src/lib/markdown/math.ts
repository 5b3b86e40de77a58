/**
 * Math rendering, loaded on demand. This module is small and always bundled; KaTeX (with its
 * CSS and fonts) is a dynamic `import()` made the first time a finished block holds math
 * (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`). Framework-free.
 */

/** What the math engine does: HTML with placeholders in, HTML with rendered math out. */
export interface MathEngine {
  /**
   * Renders every `[data-math]` placeholder in `html` (already sanitized) with KaTeX; KaTeX's
   * output is sanitized again by the engine's own DOMPurify profile.
   */
  render(html: string): string;
}

/** Loads the engine: the default is a dynamic `import()` of KaTeX. */
export type MathEngineLoader = () => Promise<MathEngine | null>;

// A cache of a code module (like the module loader's own), not application state: one engine
// per page. A failed download is forgotten, so the next block tries again.
let builtIn: Promise<MathEngine | null> | undefined;
const loadBuiltInEngine: MathEngineLoader = () =>
  (builtIn ??= import('./math-engine.js').then(
    (module) => module.createMathEngine(),
    (error: unknown) => {
      builtIn = undefined;
      throw error;
    },
  ));

/**
 * Renders math in finished blocks: loads KaTeX the first time one needs it, renders each
 * distinct block once and caches the result. Resolves to `null` (show the TeX as it is) when
 * there is no DOM or the engine fails to load; never rejects.
 */
export class MathRenderer {
  readonly #load: MathEngineLoader;
  readonly #cacheSize: number;
  #engine: Promise<MathEngine | null> | null = null;
  readonly #done = new Map<string, string>();

  constructor(options: { load?: MathEngineLoader; cacheSize?: number } = {}) {
    this.#load = options.load ?? loadBuiltInEngine;
    this.#cacheSize = options.cacheSize ?? 200;
  }

  /** The rendering of a block rendered before, or `undefined`. Never starts any work. */
  cached(html: string): string | undefined {
    return this.#done.get(html);
  }

  /** Renders the math in a block's sanitized HTML (once per distinct block). */
  async render(html: string): Promise<string | null> {
    const done = this.#done.get(html);
    if (done !== undefined) return done;
    this.#engine ??= this.#load().catch(() => {
      this.#engine = null; // a failed download is tried again by the next block
      return null;
    });
    const engine = await this.#engine;
    if (!engine) return null;
    const rendered = engine.render(html);
    this.#done.set(html, rendered);
    if (this.#done.size > this.#cacheSize) this.#done.delete(this.#done.keys().next().value!);
    return rendered;
  }
}
