/**
 * Diagrams from ```mermaid fences, rendered on demand. This module is small and always bundled;
 * mermaid is a dynamic `import()` made the first time a finished mermaid block is shown.
 * Framework-free.
 */

/** What the diagram engine does: mermaid source in, sanitized SVG markup out. */
export interface DiagramEngine {
  /** Sanitized SVG for `code`; rejects when mermaid cannot parse it. */
  render(code: string, options: { dark: boolean }): Promise<string>;
}

/** Loads the engine: the default is a dynamic `import()` of mermaid. */
export type DiagramEngineLoader = () => Promise<DiagramEngine | null>;

// A cache of a code module (like the module loader's own), not application state: one engine
// per page. A failed download is forgotten, so the next block tries again.
let builtIn: Promise<DiagramEngine | null> | undefined;
const loadBuiltInEngine: DiagramEngineLoader = () =>
  (builtIn ??= import('./diagram-engine.js').then(
    (module) => module.createDiagramEngine(),
    (error: unknown) => {
      builtIn = undefined;
      throw error;
    },
  ));

/** What a diagram block shows. */
export type DiagramResult = { state: 'rendered'; svg: string } | { state: 'failed' };

/**
 * Renders finished mermaid blocks: loads mermaid the first time one needs it, renders each
 * distinct diagram once (per theme) and caches it. Never rejects: `failed` means show the source.
 */
export class DiagramRenderer {
  readonly #load: DiagramEngineLoader;
  readonly #maxLength: number;
  #engine: Promise<DiagramEngine | null> | null = null;
  readonly #done = new Map<string, DiagramResult>();

  constructor(options: { load?: DiagramEngineLoader; maxLength?: number } = {}) {
    this.#load = options.load ?? loadBuiltInEngine;
    this.#maxLength = options.maxLength ?? 20_000;
  }

  /** A diagram rendered before, or `undefined`. Never starts any work. */
  cached(code: string, dark: boolean): DiagramResult | undefined {
    return this.#done.get(`${dark}\n${code}`);
  }

  /** Renders `code` (once per distinct diagram and theme). */
  async render(code: string, dark: boolean): Promise<DiagramResult> {
    const key = `${dark}\n${code}`;
    const done = this.#done.get(key);
    if (done) return done;
    if (code.length > this.#maxLength) return { state: 'failed' };
    this.#engine ??= this.#load().catch(() => {
      this.#engine = null;
      return null;
    });
    const engine = await this.#engine;
    if (!engine) return { state: 'failed' };
    const result: DiagramResult = await engine.render(code, { dark }).then(
      (svg) => ({ state: 'rendered', svg }),
      () => ({ state: 'failed' }),
    );
    this.#done.set(key, result);
    if (this.#done.size > 100) this.#done.delete(this.#done.keys().next().value!);
    return result;
  }
}
