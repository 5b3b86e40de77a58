// Counters for the XSS suite, in a real browser: script executions, requests to outside hosts,
// and forbidden DOM left after rendering.

/** What the counters saw. Each entry says what happened (and, where known, which vector). */
export interface Findings {
  scripts: string[];
  requests: string[];
  dom: string[];
}

declare global {
  interface Window {
    /** The function hostile vectors call. Counts a script execution. */
    __xss?: () => void;
  }
}

/**
 * The page's Content Security Policy forbids inline script (handlers, `javascript:` URLs,
 * inline `<script>`), so an attack that got through is blocked rather than run and reported by
 * a `securitypolicyviolation` event. The suite counts every such script violation as an
 * execution: the policy is only there so the test page survives, an app without a CSP would have
 * run it. The one exception is a report raised inside DOMPurify while it parses its input (see
 * `onViolation`). Loads are not restricted (no img-src etc.), so a leak really goes out and
 * shows up as a resource timing entry.
 */
const POLICY = "script-src 'self' 'report-sample'";

/** Attributes whose value is a URL that is followed or loaded. */
const URL_ATTRIBUTES = [
  'href',
  'xlink:href',
  'src',
  'srcset',
  'action',
  'formaction',
  'data',
  'poster',
  'background',
  'codebase',
  'ping',
  'lowsrc',
  'dynsrc',
];
const FORBIDDEN_TAGS = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'portal',
  'base',
  'meta',
  'link',
  'form',
]);
/** Elements whose only link is navigation on click: they may keep an https href. */
const NAVIGATION_TAGS = new Set(['a', 'area']);
const DANGEROUS_SCHEME = /^(javascript:|vbscript:|data:(text\/html|image\/svg|application))/;

/** Removes what browsers ignore inside a URL's scheme (whitespace, control characters). */
// eslint-disable-next-line no-control-regex
const normalizeUrl = (value: string) => value.replace(/[\u0000-\u0020]/g, '').toLowerCase();

/** Resolves CSS escapes (`u\\72l(` is `url(`). */
const unescapeCss = (value: string) =>
  value
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_, hex: string) => {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
    })
    .replace(/\\(.)/g, '$1');

/**
 * Forbidden DOM under `root`: each finding names the element and what is wrong with it.
 * `allowLoad` says which outside URLs the app allowed (its image allow-list).
 */
export function forbiddenDom(root: ParentNode, allowLoad: (url: string) => boolean): string[] {
  const findings: string[] = [];
  for (const element of root.querySelectorAll('*')) {
    const tag = element.localName.toLowerCase();
    const where = () => element.outerHTML.slice(0, 120);
    if (FORBIDDEN_TAGS.has(tag)) findings.push(`<${tag}> element: ${where()}`);
    if (tag === 'style' && /url\s*\(|@import|expression\s*\(/i.test(element.textContent ?? ''))
      findings.push(`<style> that loads: ${where()}`);
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value;
      if (name.startsWith('on')) findings.push(`${name} handler: ${where()}`);
      if (name === 'formaction') findings.push(`formaction: ${where()}`);
      if (name === 'style' && /url\s*\(|\\|expression|behavior|@import/i.test(value))
        findings.push(`style attribute that loads: ${where()}`);
      if (name !== 'style' && /url\s*\(\s*['"]?(?!#)/i.test(unescapeCss(value)))
        findings.push(`url() in ${name}: ${where()}`);
      if (!URL_ATTRIBUTES.includes(name)) continue;
      if (DANGEROUS_SCHEME.test(normalizeUrl(value)))
        findings.push(`script URL in ${name}: ${where()}`);
      if (name === 'srcset') {
        findings.push(`srcset: ${where()}`);
        continue;
      }
      const navigation = NAVIGATION_TAGS.has(tag) && (name === 'href' || name === 'xlink:href');
      if (navigation || value.trim().startsWith('#')) continue;
      let url: URL;
      try {
        url = new URL(value, location.href);
      } catch {
        continue;
      }
      if (url.origin !== location.origin && !allowLoad(url.href))
        findings.push(`outside load in ${name}: ${where()}`);
    }
    if (tag === 'a' && element.hasAttribute('href')) {
      if (element.getAttribute('target') !== '_blank')
        findings.push(`link not in a new tab: ${where()}`);
      if (!/\bnoopener\b/.test(element.getAttribute('rel') ?? ''))
        findings.push(`link without noopener: ${where()}`);
    }
  }
  return findings;
}

/**
 * Installs the counters on this page: the CSP, hooks on alert/confirm/prompt/print/open and
 * `window.__xss`, a `securitypolicyviolation` listener, and a resource observer. `take()`
 * returns what was seen since the last `take()`; `reset()` forgets it.
 */
export function installMonitor(allowLoad: (url: string) => boolean) {
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = POLICY;
  document.head.append(meta);

  let scripts: string[] = [];
  let requests: string[] = [];
  const count = (what: string) => () => void scripts.push(what);
  window.__xss = count('window.__xss()');
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open'] as const) {
    Object.defineProperty(window, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        scripts.push(`window.${name}(${args.map(String).join(', ')})`);
        return null;
      },
    });
  }
  let parsedHandlers = 0;
  const onViolation = (event: SecurityPolicyViolationEvent) => {
    const what = `blocked ${event.effectiveDirective}: ${event.sample || event.blockedURI}`;
    if (!event.effectiveDirective.startsWith('script-src')) requests.push(what);
    // Chromium reports a handler attribute when it is parsed (not when it would fire), in
    // any document this page creates, inert ones too. Reports raised inside DOMPurify are the
    // sanitizer reading its untrusted input into its inert DOMParser document, where nothing
    // can run: counted apart. Any other report means a handler, inline <script> or
    // `javascript:` URL reached the page after sanitizing (Svelte inserting the output, a live
    // element): without the CSP it would have run, so it counts as an execution.
    else if (/dompurify/i.test(event.sourceFile)) parsedHandlers += 1;
    else scripts.push(what);
  };
  document.addEventListener('securitypolicyviolation', onViolation);

  performance.setResourceTimingBufferSize(100_000);
  const seen = new Set<PerformanceEntry>();
  const record = (entries: PerformanceEntryList) => {
    for (const entry of entries) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      let url: URL;
      try {
        url = new URL(entry.name);
      } catch {
        continue;
      }
      if (url.origin !== location.origin && !allowLoad(url.href))
        requests.push(`${(entry as PerformanceResourceTiming).initiatorType}: ${entry.name}`);
    }
  };
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ type: 'resource', buffered: true });

  return {
    /** What was seen since the last call. Waits first for late events and slow loads. */
    async take(waitMs = 300): Promise<Omit<Findings, 'dom'> & { parsedHandlers: number }> {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
      record(observer.takeRecords());
      record(performance.getEntriesByType('resource'));
      const taken = { scripts, requests, parsedHandlers };
      scripts = [];
      requests = [];
      parsedHandlers = 0;
      return taken;
    },
    dispose() {
      observer.disconnect();
      document.removeEventListener('securitypolicyviolation', onViolation);
    },
  };
}
