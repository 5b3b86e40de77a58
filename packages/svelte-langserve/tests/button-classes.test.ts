import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as chat from '../src/lib/components/chat/button-classes.js';
import {
  ALTERNATIVE_XS,
  PRIMARY_SM,
  RED_SM,
  RED_XS,
} from '../src/lib/components/button-classes.js';

// flowbite-svelte's Button theme (its package exports only the components' .svelte files).
const root = dirname(createRequire(import.meta.url).resolve('flowbite-svelte/package.json'));
const { button } = (await import(
  pathToFileURL(join(root, 'dist/buttons/theme.js')).href
)) as typeof import('flowbite-svelte');

/** The class list as a sorted set, so order does not matter. */
const classes = (value: string) => [...new Set(value.split(/\s+/).filter(Boolean))].sort();

/** flowbite-svelte's own classes for a button, enabled and disabled. */
function flowbite(color: 'primary' | 'red' | 'alternative', size: 'sm' | 'xs', disabled: boolean) {
  return button({ color, size, disabled, pill: false, group: false }).base();
}

describe('chat button classes', () => {
  it.each([
    ['primary', 'sm', PRIMARY_SM],
    ['red', 'sm', RED_SM],
    ['red', 'xs', RED_XS],
    ['alternative', 'xs', ALTERNATIVE_XS],
  ] as const)('are flowbite-svelte Button color="%s" size="%s"', (color, size, ours) => {
    const enabled = ours.split(/\s+/).filter((name) => !name.startsWith('disabled:'));
    expect(classes(enabled.join(' '))).toEqual(classes(flowbite(color, size, false)));
    // flowbite adds these when disabled; ours applies them through the `disabled:` variant.
    const added = classes(flowbite(color, size, true)).filter(
      (name) => !classes(flowbite(color, size, false)).includes(name),
    );
    expect(added.length).toBeGreaterThan(0);
    for (const name of added) expect(ours.split(/\s+/)).toContain(`disabled:${name}`);
  });

  it('are re-exported unchanged for the chat parts', () => {
    expect({ ...chat }).toEqual({ ALTERNATIVE_XS, PRIMARY_SM, RED_SM, RED_XS });
  });
});
