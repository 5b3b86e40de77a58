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

/**
 * An Arabic answer in a right-to-left page: the text, list and table run right to left (the
 * markdown takes the direction of its text, `dir="auto"`); the code block stays left to right.
 */
export const RightToLeft: Story = {
  name: 'Right to left',
  args: {
    text: `## خيارات البث

الأحداث المرسلة من الخادم **أحادية الاتجاه**، أما WebSocket فهو *ثنائي الاتجاه*.

| الوسيلة | الاتجاه |
| --- | --- |
| SSE | من الخادم إلى العميل |
| WebSocket | كلا الاتجاهين |

1. افتح الاتصال.
2. اقرأ الرموز عند وصولها.

\`\`\`ts
const socket = io('http://localhost:8000');
\`\`\``,
  },
  parameters: { dir: 'rtl' },
  play: async ({ canvas, canvasElement }) => {
    const markdown = canvasElement.querySelector('[data-slot="markdown"]')!;
    await expect(markdown.matches(':dir(rtl)')).toBe(true);
    await expect(canvas.getByRole('heading', { name: 'خيارات البث' })).toBeVisible();
    await expect(getComputedStyle(canvas.getByRole('table')).direction).toBe('rtl');
    await expect(canvasElement.querySelector('pre')!.matches(':dir(ltr)')).toBe(true);
    // The list's numbers sit at the right: each item starts near the right edge.
    const bounds = markdown.getBoundingClientRect();
    const item = canvas.getAllByRole('listitem')[0]!.getBoundingClientRect();
    await expect(bounds.right - item.right).toBeLessThan(bounds.width / 4);
  },
};
