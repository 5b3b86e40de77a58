import { describe, expect, it } from 'vitest';
import {
  IncrementalMarkdown,
  referenceLabels,
  renderedToHtml,
} from '../src/lib/markdown/incremental.js';

const identity = (html: string) => html;
const whole = (text: string) =>
  renderedToHtml(new IncrementalMarkdown({ sanitize: identity }).update(text, { complete: true }));

/** Streams `text` one character at a time; returns the renderer and the last rendering. */
function stream(text: string) {
  const markdown = new IncrementalMarkdown({ sanitize: identity });
  let last = markdown.update('');
  for (let end = 1; end <= text.length; end += 1) last = markdown.update(text.slice(0, end));
  return { markdown, last };
}

const answer = [
  'See [the protocol][spec] and [Spec][], then [spec].',
  '',
  'An image: ![chart][img].',
  '',
  'Unrelated paragraph with [brackets] and a [link](https://inline.example/).',
  '',
  '[spec]: https://example.com/protocol "The protocol"',
  '[img]: https://images.example/chart.png',
].join('\n');

describe('reference links', () => {
  it('finds the labels a block may use', () => {
    expect(referenceLabels('See [the docs][Ref One] and [x][] or [Y  z].')).toEqual([
      'the docs',
      'ref one',
      'x',
      'y z',
    ]);
    expect(referenceLabels('An [inline](https://x.example) link.')).toEqual([]);
    expect(referenceLabels('No brackets')).toEqual([]);
  });

  it('resolves full, collapsed and shortcut references to a later definition', () => {
    const html = whole(answer);
    expect(html).toContain('<a href="https://example.com/protocol" title="The protocol">the protocol</a>');
    expect(html).toContain('<a href="https://example.com/protocol" title="The protocol">Spec</a>');
    expect(html).toContain('<a href="https://example.com/protocol" title="The protocol">spec</a>');
    // Images stay links: nothing is fetched.
    expect(html).toContain('<a href="https://images.example/chart.png" data-blocked-image>chart</a>');
    expect(html).not.toContain('<img');
  });

  it('streamed, resolves blocks finished before the definition arrived', () => {
    const { markdown, last } = stream(answer);
    // The last definition is still the unfinished block: its URL could still be growing.
    expect(renderedToHtml(last)).toContain('href="https://example.com/protocol"');
    expect(renderedToHtml(last)).toContain('[chart]');
    const done = markdown.update(answer, { complete: true });
    expect(renderedToHtml(done)).toBe(whole(answer));
  });

  it('never resolves a finished block with a definition whose URL is still streaming', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    const partial = markdown.update('See [docs][d].\n\n[d]: https://exa');
    expect(renderedToHtml(partial)).not.toContain('https://exa"');
    const complete = markdown.update('See [docs][d].\n\n[d]: https://example.com/\n\nMore');
    expect(renderedToHtml(complete)).toContain('<a href="https://example.com/">docs</a>');
  });

  it('renders again only the blocks waiting for a definition, once each', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    const text = '# Title\n\nUses [a].\n\nPlain.\n\nUses [b].\n\nLast';
    const before = markdown.update(text);
    const renders = markdown.renders;
    const after = markdown.update(`${text}\n\n[a]: https://a.example/\n\nTail`);
    // Title, "Plain." and the [b] block are the same objects; the [a] block was rendered again.
    expect(after.blocks[0]).toBe(before.blocks[0]);
    expect(after.blocks[2]).toBe(before.blocks[2]);
    expect(after.blocks[3]).toBe(before.blocks[3]);
    expect(after.blocks[1]).not.toBe(before.blocks[1]);
    expect(after.blocks[1]).toMatchObject({ key: before.blocks[1]!.key });
    expect(renderedToHtml({ blocks: [after.blocks[1]!], tail: null })).toContain(
      '<a href="https://a.example/">a</a>',
    );
    // "Last" (now finished), the definition, the one block that waited, and the tail.
    expect(markdown.renders - renders).toBe(4);
    // More text costs the tail only: nothing waits for anything new.
    const steady = markdown.renders;
    markdown.update(`${text}\n\n[a]: https://a.example/\n\nTail grows`);
    expect(markdown.renders - steady).toBe(1);
  });

  it('uses a definition made earlier for later blocks, and the first of two', () => {
    const text = '[r]: https://first.example/\n\n[r]: https://second.example/\n\nSee [r].';
    const { markdown } = stream(text);
    expect(renderedToHtml(markdown.update(text, { complete: true }))).toContain(
      '<a href="https://first.example/">r</a>',
    );
  });

  it('forgets the definitions when the text is replaced', () => {
    const markdown = new IncrementalMarkdown({ sanitize: identity });
    markdown.update('[r]: https://old.example/\n\nx', { complete: true });
    expect(renderedToHtml(markdown.update('See [r].', { complete: true }))).toBe('<p>See [r].</p>\n');
  });
});
