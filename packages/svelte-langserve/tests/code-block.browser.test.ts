import { describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import CodeBlock from '../src/lib/markdown/CodeBlock.svelte';

describe('CodeBlock (real Chromium)', () => {
  it('copies the code, as text, and says so', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void copied.push(text) },
    });
    const code = 'const html = "<b>not markup</b>";';
    const screen = await render(CodeBlock, { code, lang: 'ts' });
    expect(screen.container.querySelector('code')?.textContent).toBe(code);
    expect(screen.container.querySelector('b')).toBeNull();
    await page.getByRole('button', { name: 'Copy code' }).click();
    expect(copied).toEqual([code]);
    await expect.element(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  });

  it('stays usable when the clipboard is refused', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async () => Promise.reject(new Error('denied')) },
    });
    await render(CodeBlock, { code: 'x', lang: '' });
    await page.getByRole('button', { name: 'Copy code' }).click();
    await expect.element(page.getByRole('button', { name: 'Copy code' })).toBeVisible();
    await expect.element(page.getByText('text')).toBeVisible();
  });
});
