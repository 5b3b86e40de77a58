import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import Markdown from '../src/lib/markdown/Markdown.svelte';

const answer = `## Streaming options

Server-Sent Events are **one-way**; WebSockets are *full duplex*.

| transport | direction | reconnects |
| --- | --- | --- |
| SSE | server → client | built in |
| WebSocket | both | by hand |

1. Open the connection.
2. Read tokens as they arrive.

\`\`\`ts
const socket = io('http://localhost:8000', { auth: { protocolVersion: 1 } });
socket.emit('agents:list', {}, (result) => console.log(result));
\`\`\`

See [the protocol](https://example.com/protocol) and ![a chart](https://tracker.example/pixel.png).`;

const meta = {
  title: 'Chat/Parts/Markdown',
  component: Markdown,
  args: { text: answer, streaming: false },
} satisfies Meta<typeof Markdown>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Headings, emphasis, a table, a list, a code block with a copy button, a link. */
export const Complete: Story = {
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('heading', { name: 'Streaming options' })).toBeVisible();
    await expect(canvas.getByRole('table')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Copy code' })).toBeVisible();
    await expect(canvas.getByRole('link', { name: 'the protocol' })).toHaveAttribute(
      'rel',
      'noopener noreferrer nofollow',
    );
    // The image is a link: nothing was fetched from the tracker.
    await expect(canvasElement.querySelector('img')).toBeNull();
    await expect(canvas.getByRole('link', { name: 'a chart' })).toBeVisible();
  },
};

/** Mid-answer, inside an open code fence: the cursor follows the code. */
export const StreamingCode: Story = {
  args: {
    text: 'Here is the client:\n\n```ts\nconst socket = io(url);\nsocket.emit(',
    streaming: true,
  },
  play: async ({ canvasElement }) => {
    const block = canvasElement.querySelector('[data-slot="code-block"]');
    await expect(block).toHaveAttribute('data-closed', 'false');
    await expect(block).toHaveTextContent('socket.emit(');
  },
};

/** Hostile model output: scripts, handlers and javascript: links are removed. */
export const Hostile: Story = {
  args: {
    text: 'Hi <script>window.hacked = true</script><b onclick="window.hacked = true">bold</b> [x](javascript:alert(1)) <iframe src="https://evil.example"></iframe>',
  },
  play: async ({ canvasElement }) => {
    const markup = canvasElement.querySelector('[data-slot="markdown"]')?.innerHTML ?? '';
    await expect(markup).not.toMatch(/<script|onclick|javascript:|<iframe/i);
    await expect((window as { hacked?: boolean }).hacked).toBeUndefined();
  },
};

export const Dark: Story = {
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-theme="dark"]')).not.toBeNull();
  },
};
