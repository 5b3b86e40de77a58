import { describe, expect, it } from 'vitest';
import { LazyComponent } from '../src/lib/components/lazy-component.svelte.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LazyComponent (runes, jsdom)', () => {
  it('loads on the first read only, then gives the component to every reader', async () => {
    let loads = 0;
    const component = () => {};
    const lazy = new LazyComponent(async () => {
      loads += 1;
      return { default: component };
    });
    expect(loads).toBe(0);
    expect(lazy.current).toBeUndefined();
    expect(lazy.current).toBeUndefined();
    await settle();
    expect(lazy.current).toBe(component);
    expect(loads).toBe(1);
  });

  it('fetches again on the next read after a chunk failed to load', async () => {
    let loads = 0;
    const component = () => {};
    const lazy = new LazyComponent(async () => {
      loads += 1;
      if (loads === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return { default: component };
    });
    expect(lazy.current).toBeUndefined();
    await settle();
    expect(lazy.current).toBeUndefined();
    expect(loads).toBe(2);
    await settle();
    expect(lazy.current).toBe(component);
  });
});
