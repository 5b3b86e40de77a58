import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../src/lib/markdown/sanitize.js';
import { IncrementalMarkdown, renderedToHtml } from '../src/lib/markdown/incremental.js';

const render = (text: string, allowImage?: (url: string) => boolean) => {
  const sanitize = createSanitizer({ allowImage })!;
  return renderedToHtml(new IncrementalMarkdown({ sanitize, allowImage }).update(text));
};

describe('markdown sanitizing in a real browser', () => {
  it('removes scripts, event handlers and javascript: links from model output', () => {
    const out = render(
      'Hi <script>alert(1)</script> <b onclick="alert(2)">x</b> [y](javascript:alert(3))\n\n<iframe src="https://evil.test"></iframe><style>body{display:none}</style>',
    );
    expect(out).not.toMatch(/<script|onclick|javascript:|<iframe|<style/i);
    expect(out).toContain('<b>x</b>');
  });

  it('opens links in a new tab without an opener', () => {
    expect(render('[docs](https://example.com)')).toContain(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">docs</a>',
    );
  });

  it('never lets a raw HTML image fetch unless allowed', () => {
    expect(render('<img src="https://tracker.test/pixel.gif">')).not.toContain('tracker.test');
    expect(
      render('<img src="https://ok.test/a.png">', (url) => url.startsWith('https://ok.test/')),
    ).toContain('src="https://ok.test/a.png"');
  });
});
