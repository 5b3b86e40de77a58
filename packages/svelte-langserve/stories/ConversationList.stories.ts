import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import ConversationListHarness from './support/ConversationListHarness.svelte';
import {
  manyConversations,
  rightToLeftConversations,
  someConversations,
} from './support/conversations.js';

const lastAction = (canvasElement: HTMLElement) =>
  canvasElement.querySelector('[data-testid="last-action"]')?.textContent ?? '';

const meta = {
  title: 'Conversations/ConversationList',
  component: ConversationListHarness,
  args: { all: someConversations(), activeId: 'sql' },
} satisfies Meta<typeof ConversationListHarness>;

export default meta;
type Story = StoryObj<typeof meta>;

/** No conversations yet: an empty state, no search box. */
export const Empty: Story = {
  args: { all: [], activeId: null },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('No conversations yet.')).toBeInTheDocument();
    await expect(canvas.queryByRole('searchbox')).toBeNull();
  },
};

/** A few conversations, the open one marked; times relative to now. */
export const AFew: Story = {
  play: async ({ canvas, canvasElement, userEvent }) => {
    const items = canvas.getAllByRole('listitem');
    await expect(items).toHaveLength(5);
    const current = canvasElement.querySelector('[aria-current]');
    await expect(current?.textContent).toContain('Why is this SQL query slow?');
    await expect(canvasElement.querySelector('time')?.textContent).toBe('2 minutes ago');
    await userEvent.type(canvas.getByRole('searchbox', { name: 'Search conversations' }), 'trip');
    await expect(canvas.getAllByRole('listitem')).toHaveLength(1);
    await userEvent.click(canvas.getByRole('button', { name: /^Planning a trip/ }));
    await waitFor(() => expect(lastAction(canvasElement)).toBe('open trip'));
  },
};

/** Forty conversations loaded ten at a time: "Load more" appends the next page. */
export const ManyWithLoadMore: Story = {
  args: { all: manyConversations(40), pageSize: 10, activeId: 'many-0' },
  play: async ({ canvas }) => {
    await expect(canvas.getAllByRole('listitem')).toHaveLength(10);
    const more = canvas.getByRole('button', { name: 'Load more' });
    more.click();
    await waitFor(() => expect(canvas.getAllByRole('listitem')).toHaveLength(20));
  },
};

/** Renaming inline: the title becomes a text box; Enter saves, Escape cancels. */
export const Renaming: Story = {
  play: async ({ canvas, canvasElement, userEvent }) => {
    await userEvent.click(canvas.getByRole('button', { name: 'Rename “A haiku about autumn”' }));
    const input = canvas.getByRole('textbox', { name: 'Rename conversation' });
    await expect(input).toHaveFocus();
    await expect(input).toHaveValue('A haiku about autumn');
    await userEvent.clear(input);
    await userEvent.type(input, 'Autumn haiku, final');
    await expect(lastAction(canvasElement)).toBe('');
  },
};

export const Dark: Story = {
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
    await expect(canvasElement.querySelectorAll('[data-slot="conversation-item"]')).toHaveLength(5);
  },
};

/** Right to left: the layout mirrors; each title sets its own direction (`dir="auto"`). */
export const RightToLeft: Story = {
  args: { all: rightToLeftConversations(), activeId: 'ar-1' },
  parameters: { dir: 'rtl' },
  play: async ({ canvasElement }) => {
    const titles = canvasElement.querySelectorAll('[data-slot="conversation-title"]');
    await expect(titles).toHaveLength(3);
    for (const title of titles) await expect(title).toHaveAttribute('dir', 'auto');
    const item = canvasElement.querySelector('[data-slot="conversation-open"]')!;
    // The title starts at the inline start, which is the right edge in RTL.
    await expect(getComputedStyle(item).textAlign).toBe('start');
    await expect(getComputedStyle(item).direction).toBe('rtl');
  },
};
