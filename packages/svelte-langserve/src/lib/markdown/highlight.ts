/**
 * Syntax highlighting for fenced code, loaded on demand. This module is small and always
 * bundled; the engine (highlight.js through lowlight, plus one grammar per language) is a
 * dynamic `import()` made the first time a finished block in a known language is highlighted.
 * Framework-free.
 */

/**
 * What a highlighted piece of code is. Rendered as `data-token` on a `<span>`, coloured by
 * `CodeBlock` from the theme's tokens.
 */
export type CodeTokenKind =
  | 'keyword'
  | 'type'
  | 'title'
  | 'string'
  | 'number'
  | 'comment'
  | 'meta'
  | 'attribute'
  | 'addition'
  | 'deletion';

/** One run of highlighted code: its text, and its kind (`null`: plain text). */
export interface CodeToken {
  text: string;
  kind: CodeTokenKind | null;
}

/** The languages the default engine highlights (each one is a separate lazy chunk). */
export type CodeLanguage =
  | 'bash'
  | 'c'
  | 'cpp'
  | 'csharp'
  | 'css'
  | 'diff'
  | 'go'
  | 'java'
  | 'javascript'
  | 'json'
  | 'kotlin'
  | 'markdown'
  | 'php'
  | 'python'
  | 'ruby'
  | 'rust'
  | 'sql'
  | 'swift'
  | 'typescript'
  | 'xml'
  | 'yaml';

/**
 * Fence tags (lower case) by language, `|` between languages, each language's name first.
 * `tests/code-highlight.test.ts` checks that the names are exactly the `CodeLanguage`s.
 */
export const LANGUAGE_TABLE =
  'bash sh shell zsh|c h|cpp c++ cc hpp|csharp cs c#|css|diff patch|go golang|java|' +
  'javascript js jsx mjs cjs|json jsonc|kotlin kt|markdown md|php|python py|ruby rb|rust rs|' +
  'sql|swift|typescript ts tsx mts cts|xml html svg svelte vue|yaml yml';

/** Fence tag → the language it means. */
const LANGUAGE_TAGS = new Map(
  LANGUAGE_TABLE.split('|').flatMap((group) => {
    const tags = group.split(' ');
    return tags.map((tag) => [tag, tags[0] as CodeLanguage] as const);
  }),
);

/**
 * The language a fence tag (` ```ts `) names, or `null` when it is not one the highlighter
 * knows: such code stays plain text and nothing is downloaded.
 */
export function codeLanguage(tag: string): CodeLanguage | null {
  return LANGUAGE_TAGS.get(tag.toLowerCase()) ?? null;
}

/** What a {@link CodeHighlighterLoader} resolves to. */
export interface CodeHighlighterEngine {
  /** Tokens for `code` (their texts joined are exactly `code`), or `null` to show it plain. */
  highlight(code: string, language: CodeLanguage): Promise<CodeToken[] | null>;
}

/** Loads the engine: the default is a dynamic `import()` of highlight.js through lowlight. */
export type CodeHighlighterLoader = () => Promise<CodeHighlighterEngine>;

/** Options for {@link CodeHighlighter}. */
export interface CodeHighlighterOptions {
  /** Loads the engine, once, when the first block needs it. @default the built-in lazy engine */
  load?: CodeHighlighterLoader;
  /** Longer code is shown plain (highlighting it would block the page). @default 50_000 */
  maxLength?: number;
  /** How many highlighted blocks are kept. @default 200 */
  cacheSize?: number;
}

const loadBuiltInEngine: CodeHighlighterLoader = () =>
  import('./highlight-engine.js').then((module) => module.createHighlightEngine());

/**
 * Highlights finished code blocks: loads the engine the first time one needs it, highlights each
 * distinct block once and caches the result. Call it only for finished blocks (a block still
 * streaming in changes on every token); `CodeBlock` does.
 */
export class CodeHighlighter {
  readonly #load: CodeHighlighterLoader;
  readonly #maxLength: number;
  readonly #cacheSize: number;
  #engine: Promise<CodeHighlighterEngine> | null = null;
  readonly #pending = new Map<string, Promise<CodeToken[] | null>>();
  readonly #done = new Map<string, CodeToken[] | null>();

  constructor(options: CodeHighlighterOptions = {}) {
    this.#load = options.load ?? loadBuiltInEngine;
    this.#maxLength = options.maxLength ?? 50_000;
    this.#cacheSize = options.cacheSize ?? 200;
  }

  /**
   * The tokens of a block highlighted before: an array, `null` when it shows plain, or
   * `undefined` when it has not been highlighted yet. Never starts any work.
   */
  cached(code: string, lang: string): CodeToken[] | null | undefined {
    const language = this.#language(code, lang);
    if (!language) return null;
    const key = `${language}\n${code}`;
    return this.#done.has(key) ? this.#done.get(key)! : undefined;
  }

  /**
   * Highlights `code` as `lang` (a fence tag): once per distinct block; the engine is loaded on
   * the first call for a known language. Resolves to `null` (show it plain) for an unknown
   * language, code that is too long, or an engine that fails to load; never rejects.
   */
  highlight(code: string, lang: string): Promise<CodeToken[] | null> {
    const language = this.#language(code, lang);
    if (!language) return Promise.resolve(null);
    const key = `${language}\n${code}`;
    if (this.#done.has(key)) return Promise.resolve(this.#done.get(key)!);
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const result = this.#engineOnce()
      .then((engine) => engine.highlight(code, language))
      .then(
        (tokens) => (this.#remember(key, tokens), tokens),
        // Not remembered: a later render tries again.
        () => null,
      )
      .finally(() => this.#pending.delete(key));
    this.#pending.set(key, result);
    return result;
  }

  #language(code: string, lang: string): CodeLanguage | null {
    return code.length > this.#maxLength ? null : codeLanguage(lang);
  }

  #engineOnce(): Promise<CodeHighlighterEngine> {
    this.#engine ??= this.#load().catch((error: unknown) => {
      // A failed download (offline, a new deploy) is tried again by the next block.
      this.#engine = null;
      throw error;
    });
    return this.#engine;
  }

  #remember(key: string, tokens: CodeToken[] | null): void {
    this.#done.set(key, tokens);
    if (this.#done.size > this.#cacheSize) this.#done.delete(this.#done.keys().next().value!);
  }
}
