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
 * Creates the sanitizer for model output, backed by DOMPurify. Returns null where there is no
 * DOM (server rendering): callers must then show the text as text.
 *
 * Links open in a new tab with `rel="noopener noreferrer nofollow"`. an `<img>` keeps its `src` only when
 * `allowImage(src)` says so (images written in markdown syntax are already turned into links by
 * the renderer; this also covers raw HTML).
 */
export function createSanitizer(
  options: { allowImage?: (url: string) => boolean } = {},
): ((html: string) => string) | null {
  if (typeof window === 'undefined') return null;
  const purify = DOMPurify(window);
  if (!purify.isSupported) return null;
  const allowImage = options.allowImage ?? (() => false);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
    // An image not on the allow-list keeps no source, so nothing is fetched.
    if (node.tagName === 'IMG' && !allowImage(node.getAttribute('src') ?? '')) {
      node.removeAttribute('src');
    }
  });
  return (html) =>
    purify.sanitize(html, {
      FORBID_TAGS,
      FORBID_ATTR: ['style', 'srcset'],
      ALLOW_DATA_ATTR: false,
      ADD_ATTR: ['target', 'data-blocked-image'],
    });
}
