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

const mathAnswer = `## Math

Euler's identity $e^{i\\pi} + 1 = 0$ links five constants; the legs of a right triangle give
\\(a^2 + b^2 = c^2\\). Prices stay prices: it costs $5 and $10.

$$
\\int_0^1 x^2\\,dx = \\frac{1}{3}, \\qquad \\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}
$$

\\[
\\mathbf{A} = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}
\\]`;

/** Wait for KaTeX and mermaid (lazy chunks) to finish. */
const settled = async (canvasElement: HTMLElement) => {
  const markdown = canvasElement.querySelector('[data-slot="markdown"]')!;
  for (let waited = 0; markdown.hasAttribute('data-rich') && waited < 20_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await expect(markdown).not.toHaveAttribute('data-rich');
};

/** `$…$`, `\(…\)`, `$$…$$` and `\[…\]` rendered by KaTeX (loaded when an answer has math). */
export const MathRendering: Story = {
  name: 'Math',
  args: { text: mathAnswer },
  play: async ({ canvasElement }) => {
    await settled(canvasElement);
    await expect(canvasElement.querySelectorAll('.katex')).toHaveLength(4);
    await expect(canvasElement.querySelectorAll('.katex-display')).toHaveLength(2);
    await expect(canvasElement.textContent).toContain('it costs $5 and $10.');
  },
};

const diagramAnswer = `A client's reconnect:

\`\`\`mermaid
sequenceDiagram
  participant C as Client
  participant S as Server
  C->>S: conversations:join (last seq 41)
  S-->>C: run events 42, 43, 44
  C->>S: messages:send
  S-->>C: ack { ok: true }
\`\`\`

\`\`\`mermaid
graph LR
  A[Delta] --> B{Next seq?}
  B -->|yes| C[Apply]
  B -->|no| D[Ask for replay]
\`\`\``;

/** Mermaid fences rendered as sanitized SVG (mermaid loads when an answer has a diagram). */
export const Diagram: Story = {
  args: { text: diagramAnswer },
  play: async ({ canvasElement }) => {
    await settled(canvasElement);
    await expect(canvasElement.querySelectorAll('[data-slot="diagram"] svg')).toHaveLength(2);
    await expect(canvasElement.querySelector('foreignObject, script')).toBeNull();
  },
};

/** The same diagrams in the dark theme (mermaid's dark palette). */
export const DiagramDark: Story = {
  name: 'Diagram (dark)',
  args: { text: diagramAnswer },
  parameters: { themeMode: 'dark' },
  play: Diagram.play,
};

/** Math in the dark theme. */
export const MathDark: Story = {
  name: 'Math (dark)',
  args: { text: mathAnswer },
  parameters: { themeMode: 'dark' },
  play: MathRendering.play,
};

/** Mid-answer: an unfinished display block and an open diagram show their source. */
export const StreamingMath: Story = {
  name: 'Streaming math and diagram',
  args: {
    text: 'Almost there:\n\n$$\n\\frac{a}{b} + \\sqrt{c',
    streaming: true,
  },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.katex')).toBeNull();
    await expect(canvasElement.querySelector('[data-slot="markdown"]')).toHaveTextContent(
      '\\frac{a}{b}',
    );
  },
};

/** Reference-style links (`[text][ref]`, `[ref][]`, `[ref]`) with the definitions at the end. */
export const ReferenceLinks: Story = {
  name: 'Reference links',
  args: {
    text: `The [protocol spec][spec] describes resume; see also [the ADRs][] and [changesets].

An image reference stays a link: ![architecture][diagram].

[spec]: https://example.com/protocol "Protocol"
[the ADRs]: https://example.com/adr
[changesets]: https://github.com/changesets/changesets
[diagram]: https://images.example/architecture.png`,
  },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('link', { name: 'protocol spec' })).toHaveAttribute(
      'href',
      'https://example.com/protocol',
    );
    await expect(canvas.getByRole('link', { name: 'the ADRs' })).toBeVisible();
    await expect(canvas.getByRole('link', { name: 'changesets' })).toBeVisible();
    await expect(canvas.getByRole('link', { name: 'architecture' })).toBeVisible();
    await expect(canvasElement.querySelector('img')).toBeNull();
  },
};
