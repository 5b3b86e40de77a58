import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import Markdown from '../src/lib/markdown/Markdown.svelte';
import { answerText, codeAnswer, deltasUntil, midStream } from '../tests/fixtures/transcripts.js';

/** The recorded code answer (one TypeScript block), as it reads once finished. */
const answer = answerText(codeAnswer);

const highlightedBlocks = (root: HTMLElement) => root.querySelectorAll('code[data-highlighted]');

const meta = {
  title: 'Chat/Parts/Code block',
  component: Markdown,
  args: { text: answer, streaming: false },
} satisfies Meta<typeof Markdown>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The finished block, highlighted once the highlighter has loaded, with its Copy button. */
export const Highlighted: Story = {
  play: async ({ canvas, canvasElement }) => {
    await waitFor(() => expect(highlightedBlocks(canvasElement)).toHaveLength(1), {
      timeout: 10_000,
    });
    const code = canvasElement.querySelector('code.language-ts');
    await expect(code?.querySelector('[data-token="keyword"]')).toHaveTextContent('import');
    await expect(code?.querySelector('[data-token="string"]')).toBeVisible();
    await expect(canvas.getAllByRole('button', { name: 'Copy code' })).toHaveLength(1);
  },
};

/** The same answer in the dark theme: token colours come from the dark palette. */
export const HighlightedDark: Story = {
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
    await waitFor(() => expect(highlightedBlocks(canvasElement)).toHaveLength(1), {
      timeout: 10_000,
    });
  },
};

/** Mid-answer, inside the open TypeScript block: plain text, not highlighted until it closes. */
export const Streaming: Story = {
  args: {
    text: answerText(midStream(codeAnswer, deltasUntil(codeAnswer, "'agents:list'"))),
    streaming: true,
  },
  play: async ({ canvasElement }) => {
    const block = canvasElement.querySelector('[data-slot="code-block"]');
    await expect(block).toHaveAttribute('data-closed', 'false');
    await expect(block).toHaveTextContent("socket.emit('agents:list'");
    // One cursor, after the code: none on the block's frame.
    await expect(getComputedStyle(block!, '::after').content).toBe('none');
    await expect(getComputedStyle(block!.querySelector('code')!, '::after').content).toBe('""');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(block?.querySelector('[data-token]')).toBeNull();
  },
};

/**
 * In a right-to-left page (an Arabic sentence around the code): the code stays left to right
 * and highlighted; the block's header mirrors (language at the right, Copy at the left).
 */
export const RightToLeft: Story = {
  name: 'Right to left',
  args: {
    text: [
      'افتح مقبسًا واحدًا لكل علامة تبويب:',
      '',
      '```ts',
      "import { io } from 'socket.io-client';",
      "const socket = io('http://localhost:8000');",
      '```',
      '',
      'هذا كل ما يحتاجه المتصفح.',
    ].join('\n'),
  },
  parameters: { dir: 'rtl' },
  play: async ({ canvas, canvasElement }) => {
    await waitFor(() => expect(highlightedBlocks(canvasElement)).toHaveLength(1), {
      timeout: 10_000,
    });
    const block = canvasElement.querySelector('[data-slot="code-block"]')!;
    await expect(block.matches(':dir(rtl)')).toBe(true);
    await expect(block.querySelector('pre')!.matches(':dir(ltr)')).toBe(true);
    const copy = canvas.getByRole('button', { name: 'Copy code' });
    await expect(copy).toBeVisible();
    const language = block.querySelector('.sl-code-lang')!;
    await expect(copy.getBoundingClientRect().right).toBeLessThan(
      language.getBoundingClientRect().left,
    );
  },
};
