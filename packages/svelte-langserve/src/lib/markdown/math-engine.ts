/**
 * The lazily loaded math engine: KaTeX and its stylesheet (with its fonts, which a bundler emits
 * as assets). Only `math.ts` imports this module, and only with a dynamic `import()`, the first
 * time a finished block holds math.
 */
import DOMPurify from 'dompurify';
import katex from 'katex';
import 'katex/dist/katex.min.css';
import './math.css';
import type { MathEngine } from './math.js';
import { loadsInCss } from './sanitize.js';

/** CSS properties KaTeX writes in `style` (sizes, offsets, rules, colours): nothing else. */
const STYLE_PROPERTIES = new Set([
  'height',
  'width',
  'min-width',
  'max-width',
  'top',
  'bottom',
  'left',
  'right',
  'vertical-align',
  'margin-left',
  'margin-right',
  'margin-top',
  'margin-bottom',
  'padding-left',
  'padding-right',
  'border-width',
  'border-top-width',
  'border-bottom-width',
  'border-right-width',
  'border-left-width',
  'border-style',
  'border-color',
  'border',
  'position',
  'color',
  'background-color',
]);

/** A value made of lengths, numbers, keywords and `#hex` colours: no functions, no escapes. */
const SAFE_VALUE = /^[-\w.#% ]{1,64}$/;

/**
 * KaTeX's inline style, reduced to the declarations it needs; '' when none is safe. `position`
 * may only be `relative` (nothing can be lifted out over the page).
 */
export function mathStyle(style: string): string {
  return style
    .split(';')
    .map((declaration) => {
      const colon = declaration.indexOf(':');
      if (colon === -1) return '';
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1).trim();
      if (!STYLE_PROPERTIES.has(property) || !SAFE_VALUE.test(value) || loadsInCss(value)) return '';
      if (property === 'position' && value !== 'relative') return '';
      return `${property}:${value}`;
    })
    .filter(Boolean)
    .join(';');
}

/** A math engine with its own DOMPurify instance (KaTeX's HTML and MathML, nothing else). */
export function createMathEngine(): MathEngine | null {
  if (typeof window === 'undefined') return null;
  const purify = DOMPurify(window);
  if (!purify.isSupported) return null;
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName !== 'style') return;
    data.attrValue = mathStyle(data.attrValue);
    data.keepAttr = data.attrValue !== '';
  });
  purify.setConfig({
    USE_PROFILES: { html: true, svg: true, mathMl: true },
    // KaTeX links (\href, \url) and images (\includegraphics) need `trust`, which is off; these
    // go anyway, so no URL of any kind can come out of math.
    FORBID_TAGS: ['a', 'img', 'image', 'use', 'style', 'foreignObject', 'form', 'input'],
    // `title`: KaTeX puts its parse error there, the model's TeX included (shown inline anyway).
    FORBID_ATTR: ['href', 'xlink:href', 'src', 'srcset', 'action', 'background', 'id', 'name', 'title'],
    ALLOW_DATA_ATTR: false,
    ADD_ATTR: ['style'],
    // KaTeX's MathML keeps the TeX as a text annotation (for screen readers and copying); only
    // the text kind: `annotation-xml`, an HTML integration point, stays forbidden.
    ADD_TAGS: ['semantics', 'annotation'],
  });
  return {
    render(html) {
      const template = document.createElement('template');
      template.innerHTML = html;
      for (const element of template.content.querySelectorAll<HTMLElement>('[data-math]')) {
        const tex = element.textContent ?? '';
        const output = katex.renderToString(tex, {
          displayMode: element.dataset.math === 'display',
          // Errors show as the TeX in red, never throw.
          throwOnError: false,
          // No \href, \url, \includegraphics, \htmlClass, \htmlData, \htmlStyle, \htmlId.
          trust: false,
          strict: 'ignore',
          // Sizes in em (\rule, \kern, \raisebox) are capped; macros cannot expand forever.
          maxSize: 20,
          maxExpand: 500,
        });
        element.innerHTML = purify.sanitize(output);
        element.dataset.mathState = 'rendered';
      }
      return template.innerHTML;
    },
  };
}
