/**
 * The lazily loaded highlighting engine: highlight.js (through lowlight, which returns a syntax
 * tree instead of HTML) with one grammar chunk per language, each imported on first use. Only
 * `highlight.ts` imports this module, and only with a dynamic `import()`.
 */
import type { LanguageFn } from 'highlight.js';
import { createLowlight } from 'lowlight';
import type { CodeHighlighterEngine, CodeLanguage, CodeToken, CodeTokenKind } from './highlight.js';

type GrammarModule = { default: LanguageFn };

/** One dynamic import per language: a bundler makes each its own small chunk. */
const GRAMMARS: Record<CodeLanguage, () => Promise<GrammarModule>> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  diff: () => import('highlight.js/lib/languages/diff'),
  go: () => import('highlight.js/lib/languages/go'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  php: () => import('highlight.js/lib/languages/php'),
  python: () => import('highlight.js/lib/languages/python'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
};

/**
 * highlight.js scopes (`title.function`, from class names like `hljs-title function_`) and the
 * kind each one shows as. A scope not listed takes its parent's kind; `null` resets to plain.
 * The most specific listed scope wins (`title.class` before `title`).
 */
const SCOPE_KINDS: Record<string, CodeTokenKind | null> = {
  keyword: 'keyword',
  'selector-tag': 'keyword',
  doctag: 'keyword',
  'template-tag': 'keyword',
  'variable.language': 'keyword',
  built_in: 'type',
  type: 'type',
  class: 'type',
  'title.class': 'type',
  title: 'title',
  section: 'title',
  name: 'title',
  string: 'string',
  regexp: 'string',
  link: 'string',
  number: 'number',
  literal: 'number',
  symbol: 'number',
  bullet: 'number',
  'variable.constant': 'number',
  comment: 'comment',
  quote: 'comment',
  meta: 'meta',
  attr: 'attribute',
  attribute: 'attribute',
  property: 'attribute',
  'selector-id': 'attribute',
  'selector-class': 'attribute',
  'selector-attr': 'attribute',
  'selector-pseudo': 'attribute',
  addition: 'addition',
  deletion: 'deletion',
  subst: null,
};

/** The parts of lowlight's hast tree read here (root, element and text nodes). */
interface Node {
  type: string;
  value?: string;
  properties?: { className?: unknown };
  children?: Node[];
}

/** The kind an element's classes give (`undefined`: keep the parent's). */
function kindOf(className: unknown, prefix: string): CodeTokenKind | null | undefined {
  if (!Array.isArray(className) || typeof className[0] !== 'string') return undefined;
  if (!className[0].startsWith(prefix)) return undefined; // a sub-language's wrapper
  const parts = [
    className[0].slice(prefix.length),
    ...className.slice(1).map((part) => String(part).replace(/_+$/, '')),
  ];
  for (let length = parts.length; length > 0; length -= 1) {
    const scope = parts.slice(0, length).join('.');
    if (Object.hasOwn(SCOPE_KINDS, scope)) return SCOPE_KINDS[scope];
  }
  return undefined;
}

/** Flattens lowlight's tree into runs of text, merging neighbours of the same kind. */
function flatten(nodes: Node[], kind: CodeTokenKind | null, tokens: CodeToken[]): CodeToken[] {
  for (const node of nodes) {
    if (node.type === 'text' && node.value) {
      const last = tokens.at(-1);
      if (last && last.kind === kind) last.text += node.value;
      else tokens.push({ text: node.value, kind });
    } else if (node.children) {
      const own = node.type === 'element' ? kindOf(node.properties?.className, 'hljs-') : undefined;
      flatten(node.children, own === undefined ? kind : own, tokens);
    }
  }
  return tokens;
}

/** A new engine with its own grammar registry (grammars load on first use). */
export function createHighlightEngine(): CodeHighlighterEngine {
  const lowlight = createLowlight();
  const loading = new Map<CodeLanguage, Promise<void>>();

  const register = (language: CodeLanguage) => {
    let promise = loading.get(language);
    if (!promise) {
      promise = GRAMMARS[language]().then((grammar) =>
        lowlight.register(language, grammar.default),
      );
      // A failed download is tried again next time.
      promise.catch(() => loading.delete(language));
      loading.set(language, promise);
    }
    return promise;
  };

  return {
    async highlight(code, language) {
      await register(language);
      const tree = lowlight.highlight(language, code);
      const tokens = flatten(tree.children as Node[], null, []);
      // Defensive: the tokens must read exactly as the code, or the code shows plain.
      return tokens.map((token) => token.text).join('') === code ? tokens : null;
    },
  };
}
