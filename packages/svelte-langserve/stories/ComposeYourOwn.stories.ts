import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, userEvent, waitFor } from 'storybook/test';
import AssistantPanelChat from './support/AssistantPanelChat.svelte';

/**
 * A different chat built only from the library's exported parts (docs/compose-your-own.md): a
 * narrow assistant panel with its own bubble, no version switcher, and its own action bar. The
 * consumer test builds the same file from the packed tarball.
 */
const meta = {
  title: 'Chat/Compose your own',
  component: AssistantPanelChat,
  parameters: { frame: 'chat' },
} satisfies Meta<typeof AssistantPanelChat>;

export default meta;
type Story = StoryObj<typeof meta>;

const panel = (element: HTMLElement) =>
  element.querySelector<HTMLElement>('[data-slot="assistant-panel"]')!;

/** The answer has three versions; this panel shows the newest and no switcher. */
export const AssistantPanel: Story = {
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('Blue.')).toBeVisible();
    await expect(panel(canvasElement).getBoundingClientRect().width).toBeLessThanOrEqual(352);
    await expect(canvasElement.querySelector('[data-slot="message-versions"]')).toBeNull();
    await expect(canvas.getAllByRole('toolbar', { name: 'Answer actions' })).toHaveLength(2);
    await expect(canvas.getByRole('button', { name: 'Regenerate answer' })).toBeVisible();
  },
};

/** Its own action bar drives the store: Regenerate answers again, thumbs down asks for a note. */
export const Actions: Story = {
  play: async ({ canvas }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Regenerate answer' }));
    await expect(await canvas.findByText('Purple.')).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Bad answer' }));
    const note = canvas.getByRole('textbox', { name: 'What should it have said? (optional)' });
    await expect(note).toHaveFocus();
    await userEvent.click(canvas.getByRole('button', { name: 'Skip' }));
    await waitFor(() =>
      expect(canvas.getByRole('button', { name: 'Bad answer' })).toHaveAttribute(
        'aria-pressed',
        'true',
      ),
    );
  },
};

export const Dark: Story = {
  parameters: { themeMode: 'dark' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Blue.')).toBeVisible();
  },
};
