/**
 * The "compose your own" assistant panel exists twice: in the consumer app (importing
 * `svelte-langserve`, built from the packed tarball) and in the stories (importing the sources).
 * They must stay the same file but for that import.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(resolve(import.meta.dirname, '..', path), 'utf8');

describe('the compose-your-own panel', () => {
  it('is the same in the stories and in the consumer app, but for the import path', () => {
    const consumer = read('tests/consumer-app/src/lib/AssistantPanel.svelte');
    const story = read('stories/support/AssistantPanel.svelte');
    expect(consumer).toContain("from 'svelte-langserve';");
    expect(story.replace("from '../../src/lib/index.js';", "from 'svelte-langserve';")).toBe(
      consumer,
    );
  });

  it('imports nothing but the public entry point', () => {
    const imports = [...read('stories/support/AssistantPanel.svelte').matchAll(/from '([^']+)'/g)];
    expect(imports.map((match) => match[1])).toEqual(['../../src/lib/index.js']);
  });
});
