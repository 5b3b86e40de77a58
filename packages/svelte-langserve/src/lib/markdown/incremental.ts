import { Lexer, Marked, type Links, type Token, type Tokens } from 'marked';
import { hasMath, mathExtensions } from './math-syntax.js';

/**
 * One rendered block of markdown. `key` is its offset in the source, stable while streaming.
 * Fenced code stays text (`kind: 'code'`) so a component can render it without HTML; every
 * other block is sanitized HTML.
 */
export type MarkdownBlock =
  | {
      key: number;
      kind: 'html';
      html: string;
      /** True when the HTML holds math placeholders (`data-math`) for `MathRenderer`. */
      math?: boolean;
    }
  | {
      key: number;
      kind: 'code';
      /** The fence's language tag, or '' when none was given. */
      lang: string;
      code: string;
      /** False while the fence is still open at the end of a streaming answer. */
      closed: boolean;
    };

/** Options for one {@link IncrementalMarkdown.update}. */
export interface MarkdownUpdateOptions {
  /**
   * The text is final (not streaming any more). Only then does a link reference definition in
   * the unfinished last block count for the blocks before it: while it streams its URL is still
   * growing. `Markdown` passes `!streaming`. @default false
   */
  complete?: boolean;
}

/** What {@link IncrementalMarkdown.update} returns. */
export interface RenderedMarkdown {
  /** Finished blocks: rendered once and returned as the same objects afterwards. */
  blocks: MarkdownBlock[];
  /** The unfinished last block, rendered again on every update. */
  tail: MarkdownBlock | null;
}

/** Options for {@link IncrementalMarkdown}. */
export interface IncrementalMarkdownOptions {
  /** Turns untrusted HTML into safe HTML. Required: model output is untrusted. */
  sanitize: (html: string) => string;
  /**
   * Which image URLs may be shown as images. Others render as links, so nothing is fetched
   * unless the app opts in. @default () => false
   */
  allowImage?: (url: string) => boolean;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Normalizes a link label as marked does (trim, collapse whitespace, case-fold). */
const normalizeLabel = (label: string) =>
  label.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase().toLowerCase();

/**
 * The labels a block may use as link references (`[text][label]`, `[label][]`, `[label]`):
 * every innermost `[…]` not followed by `(`. A superset (a label that turns out not to be a
 * reference costs one more render if a definition with that label arrives later).
 */
export function referenceLabels(raw: string): string[] {
  if (!raw.includes('[')) return [];
  const labels = new Set<string>();
  for (const match of raw.matchAll(/\[((?:[^[\]\\]|\\.){1,999})\](?!\()/g)) {
    const label = normalizeLabel(match[1]!);
    if (label) labels.add(label);
  }
  return [...labels];
}

/** The labels of the definitions among `tokens` (nested ones too, e.g. in a quote). */
function definitionsIn(tokens: Token[], into = new Set<string>()): Set<string> {
  for (const token of tokens) {
    if (token.type === 'def') into.add((token as Tokens.Def).tag);
    if ('tokens' in token && token.tokens) definitionsIn(token.tokens, into);
    if (token.type === 'list') for (const item of (token as Tokens.List).items) definitionsIn(item.tokens, into);
  }
  return into;
}

/**
 * Streaming markdown: finished blocks are parsed, rendered and sanitized once; only the
 * unfinished tail is parsed again when text is appended. Framework-free.
 *
 * Link reference definitions are remembered across updates. A finished block that uses a label
 * with no definition yet is kept (its source, and the labels it waits for); when a definition
 * for one of them arrives in a later block, only the blocks waiting for it are rendered again,
 * once. A definition in the unfinished last block counts for earlier blocks only once it is
 * finished (another block follows it) or the text is `complete`.
 */
export class IncrementalMarkdown {
  readonly #marked: Marked;
  readonly #sanitize: (html: string) => string;
  #source = '';
  #stableOffset = 0;
  #blocks: MarkdownBlock[] = [];
  /** Definitions from finished blocks (or a complete text), by normalized label. */
  #links: Links = Object.create(null) as Links;
  /** Label → indexes of finished blocks that use it while it has no definition. */
  #waiting = new Map<string, Set<number>>();
  /** Block index → source, for the blocks in {@link #waiting}. */
  #waitingSources = new Map<number, string>();
  /** The last rendering, returned again for the same text. */
  #last: { complete: boolean; rendered: RenderedMarkdown } | null = null;
  /** How many blocks have been rendered (finished ones once each, the tail every update). */
  renders = 0;

  constructor(options: IncrementalMarkdownOptions) {
    this.#sanitize = options.sanitize;
    const allowImage = options.allowImage ?? (() => false);
    this.#marked = new Marked({ gfm: true, breaks: false, async: false });
    this.#marked.use({
      extensions: mathExtensions,
      renderer: {
        image({ href, title, text }: Tokens.Image) {
          if (href && allowImage(href)) {
            const titleAttribute = title ? ` title="${escapeHtml(title)}"` : '';
            return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${titleAttribute}>`;
          }
          const label = text || href;
          return href
            ? `<a href="${escapeHtml(href)}" data-blocked-image>${escapeHtml(label)}</a>`
            : escapeHtml(label);
        },
      },
    });
  }

  /**
   * Renders `text`. Appending to the previous text reuses every finished block; the same text
   * (and `complete`) again returns the previous rendering, tail included, as the same objects.
   */
  update(text: string, options: MarkdownUpdateOptions = {}): RenderedMarkdown {
    const last = this.#last;
    if (last && text === this.#source && last.complete === Boolean(options.complete))
      return { blocks: last.rendered.blocks.slice(), tail: last.rendered.tail };
    const rendered = this.#update(text, options);
    this.#last = { complete: Boolean(options.complete), rendered };
    return rendered;
  }

  #update(text: string, options: MarkdownUpdateOptions): RenderedMarkdown {
    if (!text.startsWith(this.#source) || this.#stableOffset > text.length) this.#reset();
    this.#source = text;
    const pending = text.slice(this.#stableOffset);
    const lexer = this.#lexer();
    const tokens = lexer.lex(pending);
    // marked keeps every character in some token's `raw`; if not, do not trust offsets.
    if (tokens.reduce((length, token) => length + token.raw.length, 0) !== pending.length) {
      return { blocks: this.#blocks.slice(), tail: this.#render(this.#stableOffset, tokens) };
    }
    const lastContent = findLastIndex(tokens, (token) => token.type !== 'space');
    // New definitions: final in finished blocks; in the tail only once the text is complete.
    const inTail = options.complete ? new Set<string>() : definitionsIn(tokens.slice(lastContent));
    const added: string[] = [];
    for (const [label, link] of Object.entries(lexer.tokens.links)) {
      if (Object.hasOwn(this.#links, label) || inTail.has(label)) continue;
      this.#links[label] = link;
      added.push(label);
    }
    let offset = this.#stableOffset;
    // Every block before the last one with content is finished: a later block has begun.
    for (let index = 0; index < lastContent; index += 1) {
      const token = tokens[index]!;
      if (token.type !== 'space') {
        const labels = referenceLabels(token.raw);
        // The lexer resolved it with a definition still streaming in the tail: not that one.
        const provisional = labels.some((label) => inTail.has(label));
        const block = this.#render(offset, provisional ? this.#lex(token.raw) : [token], true);
        if (block) {
          this.#blocks.push(block);
          this.#wait(this.#blocks.length - 1, token.raw, labels);
        }
      }
      offset += token.raw.length;
    }
    this.#stableOffset = offset;
    this.#resolve(added);
    const tail = lastContent === -1 ? null : this.#render(offset, tokens.slice(lastContent));
    return { blocks: this.#blocks.slice(), tail };
  }

  /** A lexer that knows the definitions seen so far. */
  #lexer(): Lexer {
    const lexer = new Lexer(this.#marked.defaults);
    Object.assign(lexer.tokens.links, this.#links);
    return lexer;
  }

  #lex(source: string): Token[] {
    return this.#lexer().lex(source);
  }

  /** Remembers a finished html block that uses labels with no definition yet. */
  #wait(index: number, source: string, labels: string[]): void {
    const block = this.#blocks[index]!;
    const missing = labels.filter((label) => !Object.hasOwn(this.#links, label));
    if (block.kind !== 'html' || missing.length === 0) {
      this.#waitingSources.delete(index);
      return;
    }
    this.#waitingSources.set(index, source);
    for (const label of missing) {
      const indexes = this.#waiting.get(label) ?? new Set<number>();
      indexes.add(index);
      this.#waiting.set(label, indexes);
    }
  }

  /** Renders again, once, each finished block that waited for one of the `added` labels. */
  #resolve(added: string[]): void {
    const indexes = new Set<number>();
    for (const label of added) {
      for (const index of this.#waiting.get(label) ?? []) indexes.add(index);
      this.#waiting.delete(label);
    }
    for (const index of indexes) {
      const source = this.#waitingSources.get(index);
      if (source === undefined) continue;
      const block = this.#render(this.#blocks[index]!.key, this.#lex(source), true);
      if (!block) continue;
      this.#blocks[index] = block;
      this.#wait(index, source, referenceLabels(source));
    }
  }

  #render(key: number, tokens: Token[], finished = false): MarkdownBlock | null {
    if (tokens.length === 0) return null;
    this.renders += 1;
    const content = tokens.filter((token) => token.type !== 'space');
    const [only] = content;
    if (
      content.length === 1 &&
      only?.type === 'code' &&
      (only as Tokens.Code).codeBlockStyle !== 'indented'
    ) {
      const code = only as Tokens.Code;
      const closed = finished || /\n\s*(`{3,}|~{3,})\s*$/.test(code.raw.trimEnd() + '\n');
      return {
        key,
        kind: 'code',
        lang: (code.lang ?? '').split(/\s/)[0] ?? '',
        code: code.text,
        closed,
      };
    }
    const html = this.#sanitize(this.#marked.parser(tokens));
    return hasMath(html) ? { key, kind: 'html', html, math: true } : { key, kind: 'html', html };
  }

  #reset(): void {
    this.#source = '';
    this.#stableOffset = 0;
    this.#blocks = [];
    this.#links = Object.create(null) as Links;
    this.#waiting.clear();
    this.#waitingSources.clear();
  }
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index -= 1)
    if (predicate(items[index]!)) return index;
  return -1;
}

/** The whole rendering as one HTML string (code blocks as escaped `<pre><code>`). */
export function renderedToHtml(rendered: RenderedMarkdown): string {
  return [...rendered.blocks, ...(rendered.tail ? [rendered.tail] : [])]
    .map((block) =>
      block.kind === 'html'
        ? block.html
        : `<pre><code${block.lang ? ` class="language-${escapeHtml(block.lang)}"` : ''}>${escapeHtml(block.code)}</code></pre>\n`,
    )
    .join('');
}
