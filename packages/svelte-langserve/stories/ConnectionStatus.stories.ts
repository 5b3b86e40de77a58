import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import type { ConnectionState } from '../src/lib/client/index.js';
import ConnectionStatus from '../src/lib/components/chat/ConnectionStatus.svelte';
import { connectionAfter } from '../tests/fixtures/scripted-server.js';

type Reached = Parameters<typeof connectionAfter>[0];

/** The connection state a real controller reaches on a scripted transport. */
const reach = (action: Reached) => [async () => ({ connection: connectionAfter(action) })];

const meta = {
  title: 'Chat/Parts/ConnectionStatus',
  component: ConnectionStatus,
  args: { status: 'idle' },
  render: (args, { loaded }) => {
    const connection = loaded.connection as ConnectionState | undefined;
    return {
      Component: ConnectionStatus,
      props: connection ? { status: connection.status, error: connection.error } : args,
    };
  },
} satisfies Meta<typeof ConnectionStatus>;

export default meta;
type Story = StoryObj<typeof meta>;

const shows =
  (status: string, label: string): Story['play'] =>
  async ({ canvas }) => {
    const element = canvas.getByRole('status');
    await expect(element).toHaveTextContent(label);
    await expect(element).toHaveAttribute('data-status', status);
  };

export const Connected: Story = {
  loaders: reach('connected'),
  play: shows('connected', 'Connected'),
};
export const Connecting: Story = {
  loaders: reach('connecting'),
  play: shows('connecting', 'Connecting…'),
};
export const Reconnecting: Story = {
  loaders: reach('reconnecting'),
  play: shows('reconnecting', 'Reconnecting…'),
};
/** Connected again and catching up: the server replays the events this client missed. */
export const Replaying: Story = {
  args: { status: 'replaying' },
  play: shows('replaying', 'Catching up…'),
};
export const Disconnected: Story = {
  loaders: reach('disconnected'),
  play: shows('disconnected', 'Disconnected'),
};
export const Failed: Story = {
  loaders: reach('failed'),
  play: async (context) => {
    await shows('failed', 'Connection refused')?.(context);
    await expect(context.canvas.getByRole('status')).toHaveAttribute(
      'title',
      'Connection refused by the server.',
    );
  },
};
export const Dark: Story = {
  loaders: reach('reconnecting'),
  parameters: { themeMode: 'dark' },
  play: shows('reconnecting', 'Reconnecting…'),
};
