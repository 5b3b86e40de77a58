import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../src/lib/markdown/sanitize.js';

// Regression tests for the holes the XSS corpus found: markup DOMPurify keeps by default that
// makes Chromium fetch from an outside host (or links that skipped the new-tab rule).

const allowed = (url: string) => url.startsWith('https://ok.example/');
const sanitize = createSanitizer({ allowImage: allowed })!;
const strict = createSanitizer()!;

describe('the sanitizer fetches nothing the image allow-list did not allow', () => {
  it('drops the URL of SVG <image> and <feImage> unless allowed', () => {
    for (const markup of [
      '<svg><image href="https://evil.example/a.png"/></svg>',
      '<svg><image xlink:href="https://evil.example/a.png"/></svg>',
      '<svg><filter id="f"><feImage href="https://evil.example/a.png"/></filter></svg>',
      '<svg><feImage xlink:href="https://evil.example/a.svg#x"/></svg>',
    ]) {
      const out = sanitize(markup);
      expect(out, markup).not.toContain('evil.example');
      expect(out, markup).toMatch(/<(image|feImage)/);
    }
    expect(sanitize('<svg><image href="https://ok.example/a.png"/></svg>')).toContain(
      'href="https://ok.example/a.png"',
    );
    expect(strict('<svg><image href="https://ok.example/a.png"/></svg>')).not.toContain('href');
  });

  it('drops CSS url() in SVG presentation attributes, keeping same-document url(#id)', () => {
    for (const attribute of ['fill', 'stroke', 'mask', 'filter', 'clip-path', 'marker-start']) {
      const out = sanitize(
        `<svg><rect ${attribute}="url(https://evil.example/x.svg#p)" width="1" height="1"/></svg>`,
      );
      expect(out, attribute).not.toContain('evil.example');
    }
    expect(sanitize('<svg><rect fill="u\\72l(https://evil.example/x#p)"/></svg>')).not.toContain(
      'evil.example',
    );
    expect(
      sanitize('<svg><rect cursor="url(https://evil.example/c.png), auto"/></svg>'),
    ).not.toContain('evil.example');
    expect(sanitize('<svg><rect fill="url(#gradient)"/></svg>')).toContain('fill="url(#gradient)"');
  });

  it('drops outside hrefs on SVG paint servers and text paths, and HTML background', () => {
    for (const markup of [
      '<svg><pattern id="p" href="https://evil.example/p.svg#q"/></svg>',
      '<svg><linearGradient id="g" href="https://evil.example/g.svg#g"/></svg>',
      '<svg><text><textPath href="https://evil.example/p.svg#p">x</textPath></text></svg>',
      '<table background="https://evil.example/t.png"><tr><td background="https://evil.example/d.png">x</td></tr></table>',
    ]) {
      expect(sanitize(markup), markup).not.toContain('evil.example');
    }
    expect(sanitize('<svg><pattern id="p" href="#q"/></svg>')).toContain('href="#q"');
  });

  it('keeps an allowed <img> and drops a disallowed one, as before', () => {
    expect(sanitize('<img src="https://ok.example/a.png">')).toContain(
      'src="https://ok.example/a.png"',
    );
    expect(sanitize('<img src="https://evil.example/a.png">')).not.toContain('evil.example');
  });

  it('opens SVG links in a new tab without an opener, like HTML links', () => {
    const out = sanitize('<svg><a href="https://docs.example/"><text>x</text></a></svg>');
    expect(out).toContain('target="_blank"');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
    expect(sanitize('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>')).not.toContain(
      'javascript:',
    );
  });
});
