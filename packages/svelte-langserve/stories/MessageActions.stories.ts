import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, userEvent, waitFor } from 'storybook/test';
import { messageTexts } from './support/dom.js';
import BranchedChat from './support/BranchedChat.svelte';

/**
 * The actions under each message (Copy, Regenerate, Edit, thumbs up / down, "‹ 2 of 3 ›") in a chat on a scripted
 * server that keeps the message tree: the question's answer has three versions.
 */
const meta = {
  title: 'Chat/Parts/MessageActions',
  component: BranchedChat,
  parameters: { frame: 'chat' },
} satisfies Meta<typeof BranchedChat>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The newest of three answers shows; the arrows switch between them. */
export const AssistantWithThreeVersions: Story = {
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('3 of 3')).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Previous version' }));
    await expect(await canvas.findByText('2 of 3')).toBeVisible();
    await waitFor(() => expect(messageTexts(canvasElement, 'assistant')).toEqual(['Green.']));
  },
};

/** Editing the question: Enter saves it as a new version, Escape cancels. */
export const UserEditing: Story = {
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Edit message' }));
    const editor = await canvas.findByRole('textbox', { name: 'Edit message' });
    await expect(editor).toHaveFocus();
    await expect(editor).toHaveValue('Name a colour.');
  },
};

/** Thumbs up on the answer: pressed at once; pressing it again clears the rating. */
export const Feedback: Story = {
  play: async ({ canvas }) => {
    const good = await canvas.findByRole('button', { name: 'Good answer' });
    await expect(good).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(good);
    await waitFor(() => expect(good).toHaveAttribute('aria-pressed', 'true'));
    await expect(canvas.getByRole('button', { name: 'Bad answer' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
  },
};

/** The server refuses the rating: it is undone and the error shows. */
export const FeedbackRefused: Story = {
  args: { refuseFeedback: true },
  play: async ({ canvas }) => {
    const bad = await canvas.findByRole('button', { name: 'Bad answer' });
    await userEvent.click(bad);
    await expect(
      await canvas.findByText('Feedback is not being recorded right now.'),
    ).toBeVisible();
    await expect(bad).toHaveAttribute('aria-pressed', 'false');
  },
};

export const Dark: Story = {
  parameters: { themeMode: 'dark' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('3 of 3')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Regenerate answer' })).toBeVisible();
  },
};
