/**
 * Math in markdown: `$…$` and `\(…\)` inline, `$$…$$` and `\[…\]` as display math. The marked
 * extensions here only find the TeX and write a placeholder holding it as text; KaTeX renders
 * placeholders later, in its own lazy chunk, once a block is finished (`math.ts`).
 *
 * A `$` is math only by pandoc's rule (the one remark-math and KaTeX's auto-render follow for
 * prices): the opening `$` is not followed by a space, the closing `$` is not preceded by a space
 * and not followed by a digit, and the TeX is not empty. So "$5 and $10" stays text. A `\$` is
 * a dollar sign. Nothing here spans a blank line.
 */
import type { TokenizerAndRendererExtension, Tokens } from 'marked';

/** A math token: its TeX, and whether it is display math. */
export interface MathToken extends Tokens.Generic {
  type: 'math' | 'mathBlock';
  raw: string;
  tex: string;
  display: boolean;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Inline forms, tried in order at a `$` or a `\`. */
const INLINE: { pattern: RegExp; display: boolean }[] = [
  // $$…$$ inside a line of text: display math.
  { pattern: /^\$\$(?!\s)((?:\\[\s\S]|[^\\$]|\$(?!\$))+?)\$\$/, display: true },
  // $…$: no space after the opening `$`, none before the closing one, no digit after it.
  { pattern: /^\$(?![\s$])((?:\\[\s\S]|[^\\$\n]|\n(?![ \t]*\n))+?)(?<!\s)\$(?!\d)/, display: false },
  { pattern: /^\\\(((?:\\(?!\))[\s\S]|[^\\\n]|\n(?![ \t]*\n))+?)\\\)/, display: false },
  { pattern: /^\\\[((?:\\(?!\])[\s\S]|[^\\\n]|\n(?![ \t]*\n))+?)\\\]/, display: true },
];

/** Display blocks: `$$` or `\[` at a line's start, closed by `$$` or `\]` ending a line. */
const BLOCK = [
  /^ {0,3}\$\$((?:[^$\n]|\$(?!\$)|\n(?![ \t]*\n))+?)\$\$[ \t]*(?:\n+|$)/,
  /^ {0,3}\\\[((?:[^\\\n]|\\(?!\])|\n(?![ \t]*\n))+?)\\\][ \t]*(?:\n+|$)/,
];

const token = (
  type: MathToken['type'],
  raw: string,
  tex: string,
  display: boolean,
): MathToken | undefined => {
  const trimmed = tex.trim();
  return trimmed ? { type, raw, tex: trimmed, display } : undefined;
};

/**
 * The placeholder a math token renders as: the TeX as text, in an element `MathRenderer` finds
 * by `data-math` (`inline` or `display`).
 */
export function mathPlaceholder(tex: string, display: boolean, block = false): string {
  const mode = display ? 'display' : 'inline';
  return block
    ? `<div class="sl-math" data-math="${mode}">${escapeHtml(tex)}</div>\n`
    : `<span class="sl-math" data-math="${mode}">${escapeHtml(tex)}</span>`;
}

/** True when rendered block HTML holds a math placeholder (written by {@link mathPlaceholder}). */
export const hasMath = (html: string) => html.includes('data-math="');

/** marked extensions: inline and block math. */
export const mathExtensions: TokenizerAndRendererExtension[] = [
  {
    name: 'mathBlock',
    level: 'block',
    start(source) {
      return source.match(/^ {0,3}(?:\$\$|\\\[)/m)?.index;
    },
    tokenizer(source) {
      for (const pattern of BLOCK) {
        const match = pattern.exec(source);
        if (match) return token('mathBlock', match[0], match[1]!, true);
      }
      return undefined;
    },
    renderer: (math) => mathPlaceholder((math as MathToken).tex, true, true),
  },
  {
    name: 'math',
    level: 'inline',
    start(source) {
      const match = /\$|\\[([]/.exec(source);
      return match?.index;
    },
    tokenizer(source) {
      if (source[0] !== '$' && source[0] !== '\\') return undefined;
      for (const { pattern, display } of INLINE) {
        const match = pattern.exec(source);
        if (match) return token('math', match[0], match[1]!, display);
      }
      return undefined;
    },
    renderer: (math) => mathPlaceholder((math as MathToken).tex, (math as MathToken).display),
  },
];
