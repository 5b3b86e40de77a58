import { describe, expect, it } from 'vitest';
import { codeLanguage, LANGUAGE_TABLE, type CodeLanguage } from '../src/lib/markdown/highlight.js';

/** Every `CodeLanguage`, checked by the compiler (a missing or extra key fails type-checking). */
const LANGUAGES: Record<CodeLanguage, true> = {
  bash: true,
  c: true,
  cpp: true,
  csharp: true,
  css: true,
  diff: true,
  go: true,
  java: true,
  javascript: true,
  json: true,
  kotlin: true,
  markdown: true,
  php: true,
  python: true,
  ruby: true,
  rust: true,
  sql: true,
  swift: true,
  typescript: true,
  xml: true,
  yaml: true,
};

describe('the fence tag table', () => {
  it('names exactly the CodeLanguages, each once', () => {
    const names = LANGUAGE_TABLE.split('|').map((group) => group.split(' ')[0]);
    expect(names.sort()).toEqual(Object.keys(LANGUAGES).sort());
  });

  it('has no tag twice and no empty tag', () => {
    const tags = LANGUAGE_TABLE.split(/[| ]/);
    expect(new Set(tags).size).toBe(tags.length);
    expect(tags).not.toContain('');
    for (const tag of tags) expect(codeLanguage(tag)).not.toBeNull();
    expect(codeLanguage('mermaid')).toBeNull();
  });
});
