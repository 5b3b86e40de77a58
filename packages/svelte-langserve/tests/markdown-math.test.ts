import { describe, expect, it } from 'vitest';
import { IncrementalMarkdown, renderedToHtml } from '../src/lib/markdown/incremental.js';

const identity = (html: string) => html;
const html = (text: string) =>
  renderedToHtml(new IncrementalMarkdown({ sanitize: identity }).update(text, { complete: true }));
/** The TeX of each math placeholder, with its mode. */
const math = (text: string) =>
  [...html(text).matchAll(/data-math="(inline|display)">([^<]*)</g)].map(
    ([, mode, tex]) => `${mode}:${tex!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))}`,
  );

describe('math syntax', () => {
  it('finds $…$, \\(…\\), $$…$$ and \\[…\\]', () => {
    expect(math('Inline $x^2$ and \\(a+b\\).')).toEqual(['inline:x^2', 'inline:a+b']);
    expect(math('$$\n\\frac{1}{2}\n$$')).toEqual(['display:\\frac{1}{2}']);
    expect(math('\\[\nE = mc^2\n\\]')).toEqual(['display:E = mc^2']);
    expect(math('In a line $$x$$ too.')).toEqual(['display:x']);
    expect(math('Text\n$$\ny\n$$\nafter')).toEqual(['display:y']);
  });

  it('leaves dollar amounts alone (pandoc / remark-math rule)', () => {
    for (const text of [
      'It costs $5 and $10.',
      'Between $20,000 and $30,000 a year.',
      'Pay $5/$10 per seat.',
      'From $ 5 to $ 10.',
      'A lone $ sign.',
      'Escaped \\$x\\$ is text.',
      '$x $ has a space before the closing sign.',
      '$$',
    ])
      expect(math(text), text).toEqual([]);
    // A closing `$` followed by a digit does not close: this stays text.
    expect(math('$x$5')).toEqual([]);
    // The first `$` finds no closing one (the next has a space before it); `$y$` is math.
    expect(math('Prices $5, and math $y$.')).toEqual(['inline:y']);
    expect(math('Math $y$, then $5.')).toEqual(['inline:y']);
  });

  it('does not look inside code', () => {
    expect(math('Use `$x$` in a shell.')).toEqual([]);
    expect(math('```\n$$\nx\n$$\n```')).toEqual([]);
    expect(math('    $x$ in indented code')).toEqual([]);
  });

  it('keeps the TeX as text, never as markup', () => {
    const out = html('$<img src=x onerror=alert(1)>$');
    expect(out).not.toContain('<img');
    expect(out).toContain('&#60;img');
  });

  it('does not span a blank line', () => {
    expect(math('$a\n\nb$')).toEqual([]);
    expect(math('$$\na\n\nb\n$$')).toEqual([]);
  });

  it('shows an unclosed display block as text while it streams, math once closed', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    const open = markdown.update('Intro\n\n$$\n\\int_0^1 x');
    expect(open.tail).toMatchObject({ kind: 'html' });
    expect(open.tail).not.toHaveProperty('math');
    const closed = markdown.update('Intro\n\n$$\n\\int_0^1 x\n$$\n\nNext');
    expect(closed.blocks[1]).toMatchObject({ kind: 'html', math: true });
    expect(closed.blocks[0]).not.toHaveProperty('math');
  });

  it('streamed one character at a time, ends as the whole text renders', () => {
    const text = 'A $x$ and \\(y\\) cost $5.\n\n$$\nz^2\n$$\n\n\\[\nw\n\\]\n\nEnd $$q$$.';
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    for (let end = 0; end <= text.length; end += 1) markdown.update(text.slice(0, end));
    expect(renderedToHtml(markdown.update(text, { complete: true }))).toBe(html(text));
  });
});
