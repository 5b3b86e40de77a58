// @vitest-environment jsdom
/**
 * Streaming must never show anything a full render would not: for EVERY prefix of an answer
 * (every character), the incremental renderer fed the text one character at a time gives the
 * same HTML as a fresh, whole-text parse of that prefix by marked.
 */
import { Marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { answerText } from '../bench/fixtures/answer.js';
import { IncrementalMarkdown, renderedToHtml } from '../src/lib/markdown/incremental.js';
import { createSanitizer } from '../src/lib/markdown/sanitize.js';

/** About 4.4 KB: headings, paragraphs, nested lists, a table, a quote, code, raw HTML, a rule. */
const answer = answerText(2);

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The reference: one `marked.parse` of the whole prefix, with fenced code and blocked images
 * written the way `renderedToHtml` writes the renderer's code blocks and links.
 */
function fullRender(sanitize: (html: string) => string): (text: string) => string {
  const marked = new Marked({ gfm: true, breaks: false, async: false });
  marked.use({
    renderer: {
      code({ text, lang, codeBlockStyle }: Tokens.Code) {
        if (codeBlockStyle === 'indented') return false;
        const language = (lang ?? '').split(/\s/)[0] ?? '';
        const attribute = language ? ` class="language-${escapeHtml(language)}"` : '';
        return `<pre><code${attribute}>${escapeHtml(text)}</code></pre>\n`;
      },
      image({ href, text }: Tokens.Image) {
        return `<a href="${escapeHtml(href)}" data-blocked-image>${escapeHtml(text || href)}</a>`;
      },
    },
  });
  return (text) => sanitize(marked.parse(text) as string);
}

/** Code blocks are sanitized by neither side (they stay text); everything else is. */
const identity = (html: string) => html;

describe('IncrementalMarkdown, every prefix', () => {
  it('the fixture covers every block kind', () => {
    const kinds = new Set(new Marked({ gfm: true }).lexer(answer).map((token) => token.type));
    for (const kind of ['heading', 'paragraph', 'list', 'table', 'blockquote', 'code', 'hr'])
      expect(kinds).toContain(kind);
    expect(answer).toContain('```python');
    expect(answer.length).toBeGreaterThan(3000);
  });

  it('streamed one character at a time, equals a full parse of each prefix (markup)', () => {
    const reference = fullRender(identity);
    const streamed = new IncrementalMarkdown({ sanitize: identity });
    const mismatches: number[] = [];
    for (let end = 0; end <= answer.length; end += 1) {
      const prefix = answer.slice(0, end);
      if (renderedToHtml(streamed.update(prefix)) !== reference(prefix)) mismatches.push(end);
    }
    // On failure, show the first prefix that differs rather than thousands of lengths.
    if (mismatches.length) {
      const prefix = answer.slice(0, mismatches[0]);
      const fresh = new IncrementalMarkdown({ sanitize: identity });
      for (let end = 0; end <= prefix.length; end += 1) fresh.update(prefix.slice(0, end));
      expect(renderedToHtml(fresh.update(prefix))).toBe(reference(prefix));
    }
    expect(mismatches).toEqual([]);
  });

  it('with the real sanitizer, equals a sanitized full parse of each prefix', () => {
    // DOMPurify on jsdom costs milliseconds per call, so this one samples (the test above covers
    // every prefix): the text arrives in 16-character tokens and every 256th prefix (and the
    // whole text) is compared.
    const sanitize = createSanitizer();
    if (!sanitize) throw new Error('no DOM for the sanitizer');
    const reference = fullRender(sanitize);
    const streamed = new IncrementalMarkdown({ sanitize });
    // Code blocks are text on the streamed side but pass through DOMPurify in the reference
    // (`&#60;` becomes `&lt;`): compare both as the DOM serializes them.
    const serialized = (html: string) => {
      const template = document.createElement('template');
      template.innerHTML = html;
      return template.innerHTML;
    };
    const mismatches: number[] = [];
    for (let end = 0; end <= answer.length + 15; end += 16) {
      const prefix = answer.slice(0, end);
      const html = serialized(renderedToHtml(streamed.update(prefix)));
      if ((end % 256 === 0 || end >= answer.length) && html !== serialized(reference(prefix)))
        mismatches.push(end);
    }
    expect(mismatches).toEqual([]);
  }, 20_000);
});
