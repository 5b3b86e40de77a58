/**
 * The lazily loaded diagram engine: mermaid, with `securityLevel: 'strict'`, SVG text labels (no
 * `<foreignObject>` HTML) and its output sanitized again here. Only `diagram.ts` imports this
 * module, and only with a dynamic `import()`.
 */
import DOMPurify from 'dompurify';
import mermaid, { type MermaidConfig } from 'mermaid';
import './diagram.css';
import type { DiagramEngine } from './diagram.js';
import { loadsInCss } from './sanitize.js';

/** What a diagram may not change with a `%%{init}%%` directive in its source. */
const SECURE_KEYS = [
  'secure',
  'securityLevel',
  'startOnLoad',
  'maxTextSize',
  'maxEdges',
  'suppressErrorRendering',
  'htmlLabels',
  'flowchart',
  'theme',
  'themeCSS',
  'themeVariables',
  'fontFamily',
  'altFontFamily',
  'darkMode',
];

const config = (dark: boolean): MermaidConfig => ({
  startOnLoad: false,
  securityLevel: 'strict',
  htmlLabels: false,
  flowchart: { htmlLabels: false },
  theme: dark ? 'dark' : 'default',
  suppressErrorRendering: true,
  maxTextSize: 20_000,
  maxEdges: 500,
  secure: SECURE_KEYS,
});

/** CSS that could load something or escape the diagram. */
const unsafeCss = (css: string) =>
  loadsInCss(css) || /@import|expression\s*\(|behavior\s*:|javascript:|position\s*:/i.test(css);

/**
 * The diagram's stylesheet, keeping only rules whose every selector starts with the diagram's
 * own `#id` (so it cannot restyle the page) and that load nothing.
 */
export function scopeCss(css: string, id: string): string {
  const sheet = new CSSStyleSheet();
  try {
    sheet.replaceSync(css);
  } catch {
    return '';
  }
  const kept: string[] = [];
  for (const rule of sheet.cssRules) {
    if (unsafeCss(rule.cssText)) continue;
    if (rule instanceof CSSStyleRule) {
      const selectors = rule.selectorText.split(',').map((selector) => selector.trim());
      if (selectors.every((selector) => selector === `#${id}` || selector.startsWith(`#${id} `)))
        kept.push(rule.cssText);
    } else if (rule instanceof CSSKeyframesRule) kept.push(rule.cssText);
  }
  return kept.join('\n');
}

function createSvgSanitizer() {
  const purify = DOMPurify(window);
  let id = '';
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style') node.textContent = scopeCss(node.textContent ?? '', id);
  });
  purify.addHook('uponSanitizeAttribute', (node, data) => {
    const name = data.attrName;
    if (name === 'style') {
      // The root's own size is set by the stylesheet; elsewhere only CSS that loads nothing.
      data.keepAttr = node.localName !== 'svg' && !unsafeCss(data.attrValue);
    } else if (loadsInCss(data.attrValue)) data.keepAttr = false;
  });
  purify.setConfig({
    USE_PROFILES: { svg: true, svgFilters: true },
    ADD_TAGS: ['style'],
    // No HTML inside the SVG, nothing fetched, no links (a diagram's `click` is dropped).
    FORBID_TAGS: ['foreignObject', 'image', 'feImage', 'use', 'a', 'script', 'iframe'],
    FORBID_ATTR: ['href', 'xlink:href', 'src', 'srcset'],
    ALLOW_DATA_ATTR: false,
  });
  return (svg: string, svgId: string) => {
    id = svgId;
    return purify.sanitize(svg);
  };
}

/**
 * The source without the two statements that act while mermaid lays the diagram out in the live
 * page, before its SVG reaches the sanitizer: a sequence diagram's actor menus (`link` and
 * `links`, which mermaid wires with an inline `onclick` of its own) and an image shape's `img`
 * (which mermaid downloads to measure). Everything else is left to mermaid's `strict` level and
 * the sanitizer.
 */
export function neutralizeDiagram(code: string): string {
  return code
    .replace(/^([ \t]*)links?[ \t]+[^:\n]+:[^\n]*$/gim, '$1%% (actor menu removed)')
    .replace(/@\{[^}]*\}/g, (data) => data.replace(/(["']?)\bimg\1(\s*):/gi, 'no-img$2:'));
}

/** A diagram engine. mermaid's configuration is global: renders run one at a time. */
export function createDiagramEngine(): DiagramEngine | null {
  if (typeof window === 'undefined') return null;
  const sanitize = createSvgSanitizer();
  const prefix = `sl-diagram-${Math.random().toString(36).slice(2, 10)}`;
  let count = 0;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    render(code, { dark }) {
      const next = queue.then(async () => {
        mermaid.initialize(config(dark));
        const id = `${prefix}-${(count += 1)}`;
        try {
          const { svg } = await mermaid.render(id, neutralizeDiagram(code));
          const clean = sanitize(svg, id);
          if (!clean.includes('<svg')) throw new Error('The diagram was removed by the sanitizer');
          return clean;
        } finally {
          // mermaid leaves its scratch element behind when a render fails.
          document.getElementById(`d${id}`)?.remove();
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
