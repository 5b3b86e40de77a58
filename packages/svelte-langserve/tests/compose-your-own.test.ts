/**
 * The "compose your own" assistant panel is one file, in the stories (importing the sources);
 * the consumer test writes it into the fresh app with the import rewritten to `svelte-langserve`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(resolve(import.meta.dirname, '..', path), 'utf8');

describe('the compose-your-own panel', () => {
  it('imports nothing but the public entry point', () => {
    const imports = [...read('stories/support/AssistantPanel.svelte').matchAll(/from '([^']+)'/g)];
    expect(imports.map((match) => match[1])).toEqual(['../../src/lib/index.js']);
  });
});
