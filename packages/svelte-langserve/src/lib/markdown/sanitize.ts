import DOMPurify from 'dompurify';

/** Elements that would fetch or embed remote content, or take input. Always removed. */
const FORBID_TAGS = [
  'style',
  'iframe',
  'object',
  'embed',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'video',
  'audio',
  'source',
  'picture',
  'link',
  'meta',
  'base',
];

/**
 * Attributes whose URL the browser fetches (or, for `action`/`formaction`/`ping`, sends to).
 * DOMPurify keeps several of them for safe-looking URLs (`<table background>`, SVG
 * `<image href>`, `<feImage href>`, `<pattern href>`), so they are checked here too.
 */
const FETCH_ATTRIBUTES = new Set([
  'src',
  'srcset',
  'href',
  'xlink:href',
  'background',
  'poster',
  'data',
  'action',
  'formaction',
  'ping',
  'codebase',
  'lowsrc',
  'dynsrc',
]);

/** Elements whose `href` is a link: followed on a click, never fetched on render. */
const LINK_TAGS = new Set(['a', 'area']);
/** Elements that load an image from their URL: allowed only when `allowImage` says so. */
const IMAGE_URL = new Map([
  ['img', ['src']],
  ['image', ['href', 'xlink:href']],
  ['feimage', ['href', 'xlink:href']],
]);

const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

/** Resolves CSS escapes, so `u\72l(` is seen as `url(`. */
const unescapeCss = (value: string) =>
  value
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_, hex: string) => {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
    })
    .replace(/\\(.)/g, '$1');

/**
 * True when an SVG or MathML attribute holds CSS that can load something: SVG presentation
 * attributes (`fill`, `mask`, `filter`, `clip-path`, `marker-*`, `cursor`) are parsed as CSS,
 * and Chromium fetches `url(https://…)` in them. Only same-document `url(#id)` is kept.
 */
export const loadsInCss = (value: string) =>
  /\b(url|image-set|image|src|cross-fade)\s*\(\s*(?!['"]?#)/i.test(unescapeCss(value));

/**
 * Creates the sanitizer for model output, backed by DOMPurify. Returns null where there is no
 * DOM (server rendering): callers must then show the text as text.
 *
 * Nothing in the output fetches anything on render unless `allowImage(url)` allows it: an
 * `<img src>`, SVG `<image href>` or `<feImage href>` keeps its URL only when allowed (images
 * written in markdown syntax are already turned into links by the renderer; this covers raw
 * HTML); every other URL that would be fetched (`srcset`, `background`, `poster`, `data`,
 * `action`, `ping`, an `href` on anything but a link) is removed unless it is a same-document
 * `#id`; SVG/MathML attributes with CSS `url(…)` are removed; `<style>`, `style=` and the
 * embedding elements are removed outright. Links (`<a>`, SVG `<a>`, `<area>`) open in a new tab
 * with `rel="noopener noreferrer nofollow"`.
 */
export function createSanitizer(
  options: { allowImage?: (url: string) => boolean } = {},
): ((html: string) => string) | null {
  if (typeof window === 'undefined') return null;
  const purify = DOMPurify(window);
  if (!purify.isSupported) return null;
  const allowImage = options.allowImage ?? (() => false);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const tag = node.localName.toLowerCase();
    const imageAttributes = IMAGE_URL.get(tag) ?? [];
    const foreign = node.namespaceURI !== HTML_NAMESPACE;
    for (const { name, value } of [...node.attributes]) {
      const attribute = name.toLowerCase();
      if (foreign && loadsInCss(value)) {
        node.removeAttribute(name);
        continue;
      }
      if (!FETCH_ATTRIBUTES.has(attribute)) continue;
      if (LINK_TAGS.has(tag) && (attribute === 'href' || attribute === 'xlink:href')) continue;
      if (imageAttributes.includes(attribute)) {
        if (!allowImage(value)) node.removeAttribute(name);
        continue;
      }
      // A same-document reference (SVG `<use href="#id">`, gradients) fetches nothing.
      if (!value.trim().startsWith('#')) node.removeAttribute(name);
    }
    if (LINK_TAGS.has(tag) && (node.hasAttribute('href') || node.hasAttribute('xlink:href'))) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  // Set once: a config passed to every sanitize() call is parsed again each time (a streaming
  // answer sanitizes its tail on every update).
  purify.setConfig({
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'srcset'],
    ALLOW_DATA_ATTR: false,
    // `data-math`: math placeholders (the TeX as text) that KaTeX renders later (math.ts).
    ADD_ATTR: ['target', 'data-blocked-image', 'data-math'],
  });
  return (html) => purify.sanitize(html);
}
