import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import MessageError from '../src/lib/components/message/MessageError.svelte';

const meta = {
  title: 'Chat/Parts/MessageError',
  component: MessageError,
  args: { text: 'The model provider is rate limiting requests. Try again shortly.' },
} satisfies Meta<typeof MessageError>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A failed answer's error, as `Message` shows it: an alert, plain text. */
export const Default: Story = {
  play: async ({ canvas }) => {
    const alert = canvas.getByRole('alert');
    await expect(alert).toHaveTextContent('rate limiting');
    await expect(alert).toHaveAttribute('data-slot', 'message-error');
  },
};

/** Markup in an error is text, never HTML. */
export const MarkupStaysText: Story = {
  args: { text: '<img src=x onerror="window.__xss=1"> failed' },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('alert')).toHaveTextContent('<img src=x');
    await expect(canvasElement.querySelector('img')).toBeNull();
  },
};

/** An Arabic error on a right-to-left page takes the right-to-left direction. */
export const RightToLeft: Story = {
  name: 'Right to left',
  args: { text: 'تعذّر الاتصال بمزوّد النموذج.' },
  parameters: { dir: 'rtl' },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('alert').matches(':dir(rtl)')).toBe(true);
  },
};
