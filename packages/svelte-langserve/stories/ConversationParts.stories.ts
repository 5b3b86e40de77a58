import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import { someConversations } from './support/conversations.js';
import PinnedConversations from './support/PinnedConversations.svelte';

const meta = {
  title: 'Conversations/Parts',
  component: PinnedConversations,
  args: { all: someConversations(), pinned: ['sql'] },
} satisfies Meta<typeof PinnedConversations>;

export default meta;
type Story = StoryObj<typeof meta>;

/**
 * Rows of your own (`item` snippet) from the family's parts: a pin, `ConversationOpen`,
 * `ConversationActions` (Delete only: no `onRename`) and `ConversationDeleteConfirm`.
 */
export const CustomRows: Story = {
  play: async ({ canvas, canvasElement, userEvent }) => {
    await expect(canvas.getAllByRole('img', { name: 'Pinned' })).toHaveLength(1);
    await expect(canvas.queryByRole('button', { name: /^Rename/ })).toBeNull();
    await userEvent.click(canvas.getByRole('button', { name: 'Delete “A haiku about autumn”' }));
    const confirm = canvas.getByRole('group', { name: 'Confirm deletion' });
    await expect(confirm).toBeVisible();
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-testid="last-action"]')).toHaveTextContent(
        'delete poem',
      ),
    );
    await expect(canvas.queryByText('A haiku about autumn')).toBeNull();
  },
};

/** The same rows in the dark theme. */
export const CustomRowsDark: Story = {
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
  },
};
