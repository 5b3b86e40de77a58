import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import ReasoningPart from '../src/lib/components/message/ReasoningPart.svelte';

const text =
  'The user asks whether 1,001 is prime. It is odd and its digits sum to 2; **7 × 143 = 1,001**, so it is not.';

const meta = {
  title: 'Chat/Parts/ReasoningPart',
  component: ReasoningPart,
  args: { part: { type: 'reasoning', text, durationMs: 2400 } },
} satisfies Meta<typeof ReasoningPart>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The model is still reasoning: "Thinking…", collapsed. */
export const Streaming: Story = {
  args: { part: { type: 'reasoning', text: 'The user asks whether 1,001' }, streaming: true },
  play: async ({ canvas, canvasElement }) => {
    const element = canvasElement.querySelector('[data-slot="reasoning"]');
    await expect(element).toHaveAttribute('data-status', 'streaming');
    await expect(element).toHaveAttribute('aria-busy', 'true');
    await expect(canvas.getByText('Thinking…')).toBeVisible();
    await expect(element).not.toHaveAttribute('open');
  },
};

/** Done: "Thought for 2 s"; opening it shows the reasoning as sanitized markdown. */
export const Done: Story = {
  play: async ({ canvas, canvasElement, userEvent }) => {
    await userEvent.click(canvas.getByText('Thought for 2 s'));
    const body = canvasElement.querySelector('[data-slot="reasoning-body"]')!;
    await waitFor(() => expect(body).toBeVisible());
    await expect(body.querySelector('strong')).toHaveTextContent('7 × 143 = 1,001');
  },
};

/** Done, from a server that did not measure the time: "Reasoning". */
export const WithoutDuration: Story = {
  args: { part: { type: 'reasoning', text } },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('Reasoning')).toBeVisible();
  },
};

export const Dark: Story = {
  args: { part: { type: 'reasoning', text, durationMs: 2400 } },
  parameters: { themeMode: 'dark' },
  play: async ({ canvas, canvasElement, userEvent }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
    await userEvent.click(canvas.getByText('Thought for 2 s'));
  },
};
