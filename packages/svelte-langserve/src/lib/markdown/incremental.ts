import { Marked, type Token, type Tokens } from 'marked';

/**
 * One rendered block of markdown. `key` is its offset in the source, stable while streaming.
 * Fenced code stays text (`kind: 'code'`) so a component can render it without HTML; every
 * other block is sanitized HTML.
 */
export type MarkdownBlock =
  | { key: number; kind: 'html'; html: string }
  | {
      key: number;
      kind: 'code';
      /** The fence's language tag, or '' when none was given. */
      lang: string;
      code: string;
      /** False while the fence is still open at the end of a streaming answer. */
      closed: boolean;
    };

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

/**
 * Streaming markdown: finished blocks are parsed, rendered and sanitized once; only the
 * unfinished tail is parsed again when text is appended. Framework-free.
 */
export class IncrementalMarkdown {
  readonly #marked: Marked;
  readonly #sanitize: (html: string) => string;
  #source = '';
  #stableOffset = 0;
  #blocks: MarkdownBlock[] = [];
  /** How many blocks have been rendered (finished ones once each, the tail every update). */
  renders = 0;

  constructor(options: IncrementalMarkdownOptions) {
    this.#sanitize = options.sanitize;
    const allowImage = options.allowImage ?? (() => false);
    this.#marked = new Marked({ gfm: true, breaks: false, async: false });
    this.#marked.use({
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

  /** Renders `text`. Appending to the previous text reuses every finished block. */
  update(text: string): RenderedMarkdown {
    if (!text.startsWith(this.#source) || this.#stableOffset > text.length) this.#reset();
    this.#source = text;
    const pending = text.slice(this.#stableOffset);
    const tokens = this.#marked.lexer(pending);
    // marked keeps every character in some token's `raw`; if not, do not trust offsets.
    if (tokens.reduce((length, token) => length + token.raw.length, 0) !== pending.length) {
      return { blocks: this.#blocks, tail: this.#render(this.#stableOffset, tokens) };
    }
    const lastContent = findLastIndex(tokens, (token) => token.type !== 'space');
    let offset = this.#stableOffset;
    // Every block before the last one with content is finished: a later block has begun.
    for (let index = 0; index < lastContent; index += 1) {
      const token = tokens[index]!;
      if (token.type !== 'space') {
        const block = this.#render(offset, [token], true);
        if (block) this.#blocks.push(block);
      }
      offset += token.raw.length;
    }
    this.#stableOffset = offset;
    const tail = lastContent === -1 ? null : this.#render(offset, tokens.slice(lastContent));
    return { blocks: this.#blocks.slice(), tail };
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
    return { key, kind: 'html', html: this.#sanitize(this.#marked.parser(tokens)) };
  }

  #reset(): void {
    this.#source = '';
    this.#stableOffset = 0;
    this.#blocks = [];
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
