import { describe, expect, it } from 'vitest';
import { IncrementalMarkdown, renderedToHtml } from '../src/lib/markdown/incremental.js';

const identity = (html: string) => html;
const html = renderedToHtml;

const answer = [
  '# Title\n\n',
  'Some **bold** text and `code`.\n\n',
  '- one\n- two\n\n',
  '| a | b |\n| - | - |\n| 1 | 2 |\n\n',
  '```ts\nconst x = 1;\n```\n\n',
  'The [docs](https://example.com).',
].join('');

describe('IncrementalMarkdown', () => {
  it('renders headings, emphasis, lists, tables, code and links', () => {
    const out = html(new IncrementalMarkdown({ sanitize: identity }).update(answer));
    expect(out).toContain('<h1>Title</h1>');
    expect(out).toContain('<strong>bold</strong>');
    expect(out).toContain('<code>code</code>');
    expect(out).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    expect(out).toContain('<table>');
    expect(out).toContain('<td>1</td>');
    expect(out).toContain('<pre><code class="language-ts">const x = 1;');
    expect(out).toContain('<a href="https://example.com">docs</a>');
  });

  it('gives the same HTML streamed token by token as rendered at once', () => {
    const streamed = new IncrementalMarkdown({ sanitize: identity });
    for (let end = 0; end < answer.length; end += 3) streamed.update(answer.slice(0, end));
    const last = streamed.update(answer);
    const whole = new IncrementalMarkdown({ sanitize: identity }).update(answer);
    expect(html(last).replace(/\s+/g, ' ')).toBe(html(whole).replace(/\s+/g, ' '));
  });

  it('parses each finished block once; only the tail is parsed again', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    const first = markdown.update('# Title\n\nA paragraph');
    expect(html({ blocks: first.blocks, tail: null })).toBe('<h1>Title</h1>\n');
    const rendersBefore = markdown.renders;
    const second = markdown.update('# Title\n\nA paragraph that grows');
    // The heading block is the very same object: not parsed, not sanitized again.
    expect(second.blocks[0]).toBe(first.blocks[0]);
    expect(markdown.renders - rendersBefore).toBe(1);
    expect(html({ blocks: [], tail: second.tail })).toContain('A paragraph that grows');

    let sanitized = 0;
    const counting = new IncrementalMarkdown({ sanitize: (value) => (sanitized++, value) });
    const tokens = answer.match(/.{1,4}/gs)!;
    let text = '';
    for (const token of tokens) counting.update((text += token));
    // 6 blocks: without caching every update would sanitize all finished blocks again.
    expect(sanitized).toBeLessThan(tokens.length + 6);
  });

  it('returns the same rendering, tail included, for the same text', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    const first = markdown.update('# Title\n\nA tail');
    const renders = markdown.renders;
    const again = markdown.update('# Title\n\nA tail');
    expect(again.tail).toBe(first.tail);
    expect(again.blocks).toEqual(first.blocks);
    expect(markdown.renders).toBe(renders);
    // Completing the same text is a new rendering (a definition in the tail may now count).
    expect(markdown.update('# Title\n\nA tail', { complete: true }).tail).not.toBe(first.tail);
  });

  it('starts over when the text is replaced rather than appended', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    markdown.update('# One\n\nfirst');
    const replaced = markdown.update('## Two\n\nsecond');
    expect(html(replaced)).toContain('<h2>Two</h2>');
    expect(html(replaced)).not.toContain('One');
  });

  it('turns images into links unless the URL is allowed', () => {
    const blocked = new IncrementalMarkdown({ sanitize: identity }).update(
      '![chart](https://x.test/a.png)',
    );
    expect(html(blocked)).not.toContain('<img');
    expect(html(blocked)).toContain('<a href="https://x.test/a.png" data-blocked-image>chart</a>');
    const allowed = new IncrementalMarkdown({
      sanitize: identity,
      allowImage: (url) => url.startsWith('https://x.test/'),
    }).update('![chart](https://x.test/a.png)');
    expect(html(allowed)).toContain('<img src="https://x.test/a.png" alt="chart">');
  });

  it('passes every rendered block through the sanitizer', () => {
    const out = html(
      new IncrementalMarkdown({ sanitize: () => '[clean]' }).update('# a\n\nb\n\nc'),
    );
    expect(out).toBe('[clean][clean][clean]');
  });
});

describe('IncrementalMarkdown: code blocks', () => {
  it('keeps fenced code as text, open while streaming and closed when fenced or finished', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    const open = markdown.update('Intro\n\n```ts\nconst a = "<b>";');
    expect(open.tail).toEqual({
      key: 7,
      kind: 'code',
      lang: 'ts',
      code: 'const a = "<b>";',
      closed: false,
    });
    const fenced = markdown.update('Intro\n\n```ts\nconst a = "<b>";\n```');
    expect(fenced.tail).toMatchObject({ kind: 'code', closed: true });
    const followed = markdown.update('Intro\n\n```ts\nconst a = "<b>";\n```\n\nAfter');
    expect(followed.blocks[1]).toMatchObject({
      key: 7,
      kind: 'code',
      closed: true,
      code: 'const a = "<b>";',
    });
    // As HTML, the code is escaped, never markup.
    expect(html(followed)).toContain(
      '<pre><code class="language-ts">const a = &#34;&#60;b&#62;&#34;;</code></pre>',
    );
  });

  it('never passes code through the sanitizer as HTML', () => {
    const seen: string[] = [];
    new IncrementalMarkdown({ sanitize: (value) => (seen.push(value), value) }).update(
      '```\n<script>x</script>\n```',
    );
    expect(seen).toEqual([]);
  });
});
