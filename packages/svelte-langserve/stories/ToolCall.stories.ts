import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import ToolCall from '../src/lib/components/message/ToolCall.svelte';
import type { ToolCallPart } from '../src/lib/protocol/index.js';

const part = (overrides: Partial<ToolCallPart>): ToolCallPart => ({
  type: 'tool-call',
  toolCallId: 'call-1',
  name: 'calculator',
  argsText: '{"expression":"(17 + 25) * 3"}',
  state: 'completed',
  ...overrides,
});

const meta = {
  title: 'Chat/Parts/ToolCall',
  component: ToolCall,
  args: { part: part({}) },
} satisfies Meta<typeof ToolCall>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Arguments still streaming in from the model. */
export const StreamingArguments: Story = {
  args: { part: part({ state: 'streaming', argsText: '{"expression":"(17 + ' }) },
  play: async ({ canvasElement }) => {
    const element = canvasElement.querySelector('[data-slot="tool-call"]');
    await expect(element).toHaveAttribute('data-status', 'streaming');
    await expect(element).toHaveTextContent('preparing…');
  },
};

/** The tool is running. */
export const Running: Story = {
  args: { part: part({ state: 'running' }) },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('running…')).toBeVisible();
  },
};

/** Finished: the result shows inline and in full when opened. */
export const Completed: Story = {
  args: { part: part({ result: '126' }) },
  play: async ({ canvasElement }) => {
    const inline = canvasElement.querySelector('[data-slot="tool-call-result-inline"]');
    await expect(inline).toBeVisible();
    await expect(inline).toHaveTextContent('126');
    await expect(canvasElement.querySelector('[data-slot="tool-call-result"]')).toHaveTextContent(
      '126',
    );
  },
};

/** A long one-line result: it ends in an ellipsis, and the name and state stay on one line. */
export const LongResult: Story = {
  args: {
    part: part({
      name: 'search_documents',
      argsText: '{"query":"paced rendering"}',
      result: JSON.stringify({ query: 'paced rendering', hits: Array(20).fill({ file: 'a.md' }) }),
    }),
  },
  play: async ({ canvasElement }) => {
    // As inside a message, whose text may break anywhere (MessageContent).
    canvasElement.style.overflowWrap = 'anywhere';
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const name = canvasElement.querySelector<HTMLElement>('[data-slot="tool-call-name"]')!;
    const state = canvasElement.querySelector<HTMLElement>('[data-slot="tool-call-state"]')!;
    const lineHeight = parseFloat(getComputedStyle(name).lineHeight) || 20;
    // One line each (it used to squeeze the name to one letter per line).
    await expect(name.getBoundingClientRect().height).toBeLessThan(lineHeight * 1.5);
    await expect(state.getBoundingClientRect().height).toBeLessThan(lineHeight * 1.5);
    await expect(name.scrollWidth).toBeLessThanOrEqual(name.clientWidth);
    const inline = canvasElement.querySelector<HTMLElement>(
      '[data-slot="tool-call-result-inline"]',
    )!;
    await expect(inline.scrollWidth).toBeGreaterThan(inline.clientWidth);
  },
};

/** A failing tool opens itself and shows the error. */
export const Failed: Story = {
  args: {
    part: part({
      argsText: '{"expression":"1 / "}',
      state: 'failed',
      error: 'Unexpected end of expression',
    }),
  },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('alert')).toHaveTextContent('Unexpected end of expression');
  },
};

export const Dark: Story = {
  args: { part: part({ result: '126' }) },
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
  },
};

/**
 * Right to left, opened: the summary mirrors and the inline result's arrow points along the
 * writing direction (←); the tool's name and JSON arguments stay left to right.
 */
export const RightToLeft: Story = {
  name: 'Right to left',
  args: { part: part({ result: '126' }) },
  parameters: { dir: 'rtl' },
  play: async ({ canvas, canvasElement, userEvent }) => {
    const call = canvasElement.querySelector<HTMLElement>('[data-slot="tool-call"]')!;
    await userEvent.click(canvas.getByText('calculator'));
    await expect(call).toHaveAttribute('open');
    await expect(call.matches(':dir(rtl)')).toBe(true);
    const name = call.querySelector('[data-slot="tool-call-name"]')!;
    await expect(name.matches(':dir(ltr)')).toBe(true);
    await expect(call.querySelector('[data-slot="tool-call-args"]')!.matches(':dir(ltr)')).toBe(
      true,
    );
    const inline = call.querySelector('[data-slot="tool-call-result-inline"]')!;
    await expect(getComputedStyle(inline, '::before').content).toContain('←');
    // The name starts the summary at the right edge; the result follows to its left.
    await expect(inline.getBoundingClientRect().right).toBeLessThan(
      name.getBoundingClientRect().left,
    );
  },
};
