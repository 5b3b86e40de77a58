import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, fn, userEvent } from 'storybook/test';
import Composer from '../src/lib/components/chat/Composer.svelte';

const meta = {
  title: 'Chat/Parts/Composer',
  component: Composer,
  argTypes: {
    status: { control: 'select', options: ['ready', 'submitted', 'streaming', 'error'] },
  },
  args: { status: 'ready', disabled: false, onSend: fn(), onStop: fn() },
} satisfies Meta<typeof Composer>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Enter sends and clears the draft; Shift+Enter adds a line. */
export const Ready: Story = {
  play: async ({ canvas, args }) => {
    const input = canvas.getByRole('textbox', { name: 'Message' });
    await expect(canvas.getByRole('button', { name: 'Send' })).toBeDisabled();
    await userEvent.type(input, 'First line{Shift>}{Enter}{/Shift}second line');
    await expect(args.onSend).not.toHaveBeenCalled();
    await userEvent.keyboard('{Enter}');
    await expect(args.onSend).toHaveBeenCalledWith('First line\nsecond line');
    await expect(input).toHaveValue('');
  },
};

/**
 * While an answer streams, Stop replaces Send; clicking it or Escape stops. Either way the
 * focus is in the text box afterwards (the Stop button goes away once the answer stops).
 */
export const Streaming: Story = {
  args: { status: 'streaming' },
  play: async ({ canvas, args }) => {
    await userEvent.click(canvas.getByRole('button', { name: 'Stop' }));
    await expect(args.onStop).toHaveBeenCalledTimes(1);
    await expect(canvas.getByRole('textbox', { name: 'Message' })).toHaveFocus();
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message' }), '{Escape}');
    await expect(args.onStop).toHaveBeenCalledTimes(2);
    await expect(canvas.queryByRole('button', { name: 'Send' })).toBeNull();
  },
};

/** Disconnected: a draft can be typed but not sent. */
export const Disabled: Story = {
  args: { disabled: true },
  play: async ({ canvas, args }) => {
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message' }), 'Hello{Enter}');
    await expect(canvas.getByRole('button', { name: 'Send' })).toBeDisabled();
    await expect(args.onSend).not.toHaveBeenCalled();
  },
};

export const Dark: Story = {
  args: { status: 'streaming' },
  parameters: { themeMode: 'dark' },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('button', { name: 'Stop' })).toBeVisible();
  },
};

/**
 * Right to left: the bar mirrors, so the Send button sits at the inline end (now the left);
 * the text box lays each line out in the direction of its own text (`dir="auto"`).
 */
export const RightToLeft: Story = {
  name: 'Right to left',
  parameters: { dir: 'rtl' },
  play: async ({ canvas, canvasElement, args }) => {
    const input = canvas.getByRole('textbox', { name: 'Message' });
    await userEvent.type(input, 'مرحبا، كيف حالك؟');
    const form = canvasElement.querySelector('[data-slot="composer"]')!;
    await expect(getComputedStyle(form).direction).toBe('rtl');
    const send = canvas.getByRole('button', { name: 'Send' });
    await expect(send.getBoundingClientRect().right).toBeLessThanOrEqual(
      input.getBoundingClientRect().left,
    );
    await userEvent.keyboard('{Enter}');
    await expect(args.onSend).toHaveBeenCalledWith('مرحبا، كيف حالك؟');
    await expect(input).toHaveFocus();
  },
};
