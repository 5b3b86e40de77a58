import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import type { PresenceMember } from '../src/lib/protocol/index.js';
import PresenceHarness from './support/PresenceHarness.svelte';

const member = (userId: string, name: string | undefined, online = true, typing = false) =>
  ({ userId, ...(name ? { name } : {}), online, typing }) satisfies PresenceMember;

const me = member('dev:me', 'Me');

const meta = {
  title: 'Chat/Parts/Presence',
  component: PresenceHarness,
  args: { members: [me], self: 'dev:me' },
} satisfies Meta<typeof PresenceHarness>;

export default meta;
type Story = StoryObj<typeof meta>;

const indicator = (element: HTMLElement) =>
  element.querySelector<HTMLElement>('[data-slot="typing-indicator"]')!;

/** One other member is typing. */
export const OneTyping: Story = {
  args: { members: [me, member('dev:alice', 'Alice', true, true)] },
  play: async ({ canvasElement }) => {
    const region = indicator(canvasElement);
    await expect(region).toHaveAttribute('aria-live', 'polite');
    await expect(region).toHaveAttribute('data-state', 'typing');
    await expect(region).toHaveTextContent('Alice is typing…');
  },
};

/** Two others are typing; the viewer's own typing is never shown to them. */
export const TwoTyping: Story = {
  args: {
    members: [
      member('dev:me', 'Me', true, true),
      member('dev:alice', 'Alice', true, true),
      member('dev:bob', undefined, true, true),
    ],
  },
  play: async ({ canvasElement }) => {
    await expect(indicator(canvasElement)).toHaveTextContent('Alice and bob are typing…');
  },
};

/** Members online and offline: offline avatars are muted, online ones carry a green dot. */
export const MembersOnlineAndOffline: Story = {
  args: {
    members: [
      me,
      member('dev:alice', 'Alice Liddell'),
      member('dev:bob', 'Bob', false),
      member('dev:carol', undefined, false),
    ],
  },
  play: async ({ canvas, canvasElement }) => {
    const list = canvas.getByRole('list', { name: 'People in this conversation' });
    const items = list.querySelectorAll('[data-slot="presence-member"]');
    await expect(items).toHaveLength(4);
    await expect(items[1]).toHaveAttribute('data-status', 'online');
    await expect(items[1]).toHaveTextContent('AL');
    await expect(items[2]).toHaveAttribute('data-status', 'offline');
    await expect(canvas.getByText('Bob, offline')).toBeInTheDocument();
    await expect(indicator(canvasElement)).toHaveAttribute('data-state', 'idle');
    await expect(indicator(canvasElement)).toHaveTextContent('');
  },
};

/** The dark theme. */
export const Dark: Story = {
  parameters: { themeMode: 'dark' },
  args: {
    members: [me, member('dev:alice', 'Alice', true, true), member('dev:bob', 'Bob', false)],
  },
  play: async ({ canvasElement }) => {
    await expect(indicator(canvasElement)).toHaveTextContent('Alice is typing…');
  },
};
