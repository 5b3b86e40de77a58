import { createRawSnippet } from 'svelte';
import type { DataPart, ToolCallPart } from '../src/lib/protocol/index.js';
import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, waitFor } from 'storybook/test';
import type { ChatMessage, ChatSnapshot } from '../src/lib/client/index.js';
import Message from '../src/lib/components/chat/Message.svelte';
import { snapshotAfter } from '../tests/fixtures/scripted-server.js';
import {
  answerText,
  cancelledRun,
  failedRun,
  midStream,
  REASONING_DURATION_MS,
  reasoningAnswer,
  streamingAnswer,
  type RecordedTranscript,
} from '../tests/fixtures/transcripts.js';
import { reasoningLabel } from '../src/lib/components/message/reasoning-label.js';
import { findSlot, messageTexts, streamingCursor, visibleText } from './support/dom.js';

/** One message (`role`'s last) from the chat `transcript` leaves behind. */
const messageFrom = (transcript: RecordedTranscript, role: ChatMessage['role'] = 'assistant') => [
  async () => {
    const snapshot: ChatSnapshot = await snapshotAfter([transcript]);
    return { message: snapshot.chat.messages.filter((message) => message.role === role).at(-1) };
  },
];

const meta = {
  title: 'Chat/Parts/Message',
  component: Message,
  args: {
    agentName: 'Demo assistant',
    message: {
      id: 'placeholder',
      conversationId: 'placeholder',
      role: 'assistant',
      parts: [{ type: 'text', text: '' }],
      status: 'complete',
      createdAt: '2026-03-02T09:14:06.003Z',
      delivery: 'sent',
    },
  },
  render: (args, { loaded }) => ({
    Component: Message,
    props: { ...args, message: (loaded.message as ChatMessage | undefined) ?? args.message },
  }),
} satisfies Meta<typeof Message>;

export default meta;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
type Story = StoryObj<typeof meta>;

export const User: Story = {
  loaders: messageFrom(streamingAnswer, 'user'),
  play: async ({ canvas }) => {
    await expect(canvas.getByText(streamingAnswer.prompt)).toBeVisible();
  },
};

/** A message typed while offline: it waits in the outbox until the connection is back. */
export const QueuedWhileOffline: Story = {
  args: {
    message: {
      id: 'local:offline-1',
      clientMessageId: 'offline-1',
      conversationId: 'c1',
      role: 'user',
      parts: [{ type: 'text', text: 'Typed on the train, sent when the network is back.' }],
      status: 'complete',
      createdAt: '2026-03-02T09:14:06.003Z',
      delivery: 'queued',
    },
  },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByText('Waiting for the connection…')).toBeVisible();
    await expect(canvasElement.querySelector('[data-slot="message"]')).toHaveAttribute(
      'data-delivery',
      'queued',
    );
  },
};

export const Streaming: Story = {
  loaders: messageFrom(midStream(streamingAnswer, 20)),
  play: async ({ canvasElement }) => {
    await expect(streamingCursor(canvasElement)).not.toBeNull();
    await expect(canvasElement.querySelector('[data-slot="message"]')).toHaveAttribute(
      'aria-busy',
      'true',
    );
  },
};

export const Complete: Story = {
  loaders: messageFrom(streamingAnswer),
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByText('demo')).toBeVisible();
    await expect(messageTexts(canvasElement, 'assistant')).toEqual([
      visibleText(answerText(streamingAnswer)),
    ]);
    await expect(streamingCursor(canvasElement)).toBeNull();
  },
};

export const Failed: Story = {
  loaders: messageFrom(failedRun),
  play: async ({ canvas }) => {
    const end = failedRun.steps.at(-1)?.payload;
    await expect(canvas.getByRole('alert')).toHaveTextContent(
      end && 'error' in end && end.error ? end.error : 'no error recorded',
    );
  },
};

export const Cancelled: Story = {
  loaders: messageFrom(cancelledRun),
  play: async ({ canvas }) => {
    await expect(canvas.getByText('Stopped')).toBeVisible();
  },
};

export const Dark: Story = {
  loaders: messageFrom(midStream(streamingAnswer, 30)),
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(streamingCursor(canvasElement)).not.toBeNull();
  },
};

/** The model is still reasoning: a collapsed "Thinking…" and no answer text yet. */
export const ReasoningStreaming: Story = {
  loaders: messageFrom(midStream(reasoningAnswer, 4)),
  play: async ({ canvas, canvasElement }) => {
    const reasoning = await findSlot(canvasElement, 'reasoning');
    await expect(reasoning).toHaveAttribute('data-status', 'streaming');
    await expect(canvas.getByText('Thinking…')).toBeVisible();
    await expect(canvasElement.querySelector('[data-slot="markdown"]')).not.toBeVisible();
    await expect(messageTexts(canvasElement, 'assistant')).toEqual(['']);
  },
};

/** Reasoning, then the answer: "Thought for N s", opened to read the reasoning. */
export const WithReasoning: Story = {
  loaders: messageFrom(reasoningAnswer),
  play: async ({ canvas, canvasElement, userEvent }) => {
    const summary = await canvas.findByText(
      reasoningLabel({ durationMs: REASONING_DURATION_MS }, false),
    );
    await expect(summary).toBeVisible();
    await expect(canvasElement.querySelector('[data-slot="reasoning"]')).toHaveAttribute(
      'data-status',
      'done',
    );
    await userEvent.click(summary);
    const body = canvasElement.querySelector('[data-slot="reasoning-body"]')!;
    await waitFor(() => expect(body).toBeVisible());
    await expect(body).toHaveTextContent('I am the offline demo model');
    await expect(messageTexts(canvasElement, 'assistant')).toEqual([
      visibleText(answerText(reasoningAnswer)),
    ]);
  },
};

/** An answer that called a tool: text, the tool call with its result, then more text. */
export const WithToolCall: Story = {
  args: {
    message: {
      id: 'msg-tool',
      conversationId: 'conv-1',
      role: 'assistant',
      agentId: 'data-analyst',
      parts: [
        { type: 'text', text: 'Let me work that out.' },
        {
          type: 'tool-call',
          toolCallId: 'call-1',
          name: 'calculator',
          argsText: '{"expression":"(17 + 25) * 3"}',
          state: 'completed',
          result: '126',
        },
        { type: 'text', text: 'The answer is **126**.' },
      ],
      status: 'complete',
      createdAt: '2026-03-02T09:14:06.003Z',
      delivery: 'sent',
    },
  },
  play: async ({ canvasElement }) => {
    const inline = await findSlot(canvasElement, 'tool-call-result-inline');
    await expect(inline).toBeVisible();
    await expect(inline).toHaveTextContent('126');
    const parts = [
      ...canvasElement.querySelectorAll('[data-slot="markdown"], [data-slot="tool-call"]'),
    ];
    await expect(parts.map((part) => part.getAttribute('data-slot'))).toEqual([
      'markdown',
      'tool-call',
      'markdown',
    ]);
    await expect(canvasElement.querySelector('strong')).toHaveTextContent('126');
  },
};

/** The `toolCall` snippet replaces how tool calls render; the rest of the message is unchanged. */
export const CustomToolCall: Story = {
  args: {
    ...WithToolCall.args,
    toolCall: createRawSnippet((part: () => ToolCallPart) => ({
      render: () =>
        `<p data-slot="custom-tool-call">Used ${escapeHtml(part().name)}: ${escapeHtml(
          part().result ?? '…',
        )}</p>`,
    })),
  },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('[data-slot="custom-tool-call"]')).toHaveTextContent(
      'Used calculator: 126',
    );
    await expect(canvasElement.querySelector('[data-slot="tool-call"]')).toBeNull();
    await expect(canvasElement.querySelector('strong')).toHaveTextContent('126');
  },
};

/**
 * An agent at work: what it is doing now (a `status` event), its progress and a found document
 * (`data` parts a node wrote with `config.writer`), before any answer text.
 */
export const Working: Story = {
  args: {
    message: {
      id: 'msg-working',
      conversationId: 'conv-1',
      role: 'assistant',
      agentId: 'research-assistant',
      parts: [
        { type: 'data', id: 'index', data: { progress: 0.4, label: 'Indexing documents' } },
        { type: 'data', id: 'doc-1', name: 'source', data: { title: 'Spec', page: 3 } },
      ],
      status: 'streaming',
      activity: 'Searching documents…',
      createdAt: '2026-03-02T09:14:06.003Z',
      delivery: 'sent',
    },
  },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('progressbar')).toHaveAttribute('aria-valuenow', '40');
    await expect(await findSlot(canvasElement, 'message-activity')).toHaveTextContent(
      'Searching documents…',
    );
    await expect(canvas.getByText('source')).toBeVisible();
  },
};

/** The `dataPart` snippet renders data parts the app's own way (here, a source citation). */
export const CustomDataPart: Story = {
  args: {
    ...Working.args,
    message: { ...Working.args!.message!, status: 'complete', activity: undefined },
    dataPart: createRawSnippet((part: () => DataPart) => ({
      render: () =>
        `<p data-slot="custom-data">${escapeHtml(part().name ?? 'progress')}: ${escapeHtml(
          JSON.stringify(part().data),
        )}</p>`,
    })),
  },
  play: async ({ canvasElement }) => {
    const custom = canvasElement.querySelectorAll('[data-slot="custom-data"]');
    await expect(custom).toHaveLength(2);
    await expect(custom[1]).toHaveTextContent('source: {"title":"Spec","page":3}');
    await expect(canvasElement.querySelector('[data-slot="data-part"]')).toBeNull();
    await expect(canvasElement.querySelector('[data-slot="message-activity"]')).toBeNull();
  },
};

/** An Arabic answer in a right-to-left page, with a tool call (its JSON stays left to right). */
export const RightToLeft: Story = {
  name: 'Right to left',
  parameters: { dir: 'rtl' },
  args: {
    agentName: 'المساعد',
    message: {
      id: 'msg-rtl',
      conversationId: 'conv-1',
      role: 'assistant',
      agentId: 'data-analyst',
      parts: [
        {
          type: 'text',
          text: 'سأحسب ذلك **الآن**:\n\n- الخطوة الأولى: الجمع\n- الخطوة الثانية: الضرب',
        },
        {
          type: 'tool-call',
          toolCallId: 'call-1',
          name: 'calculator',
          argsText: '{"expression":"(17 + 25) * 3"}',
          state: 'completed',
          result: '126',
        },
        { type: 'text', text: 'الجواب هو **126**.' },
      ],
      status: 'complete',
      createdAt: '2026-03-02T09:14:06.003Z',
      delivery: 'sent',
    },
  },
  play: async ({ canvasElement }) => {
    // Each markdown part takes its own direction; the tool's JSON stays left to right.
    const part = canvasElement.querySelector('[data-slot="markdown"]')!;
    await waitFor(() => expect(part.textContent).toContain('سأحسب'));
    await expect(part).toHaveAttribute('dir', 'auto');
    await expect(part.matches(':dir(rtl)')).toBe(true);
    await expect(
      canvasElement.querySelector('[data-slot="tool-call-args"]')!.matches(':dir(ltr)'),
    ).toBe(true);
    // The tool's arrow points along the writing direction.
    const arrow = getComputedStyle(
      canvasElement.querySelector('[data-slot="tool-call-result-inline"]')!,
      '::before',
    ).content;
    await expect(arrow.startsWith('"←')).toBe(true);
    // The bubble starts at the inline start: the right in a right-to-left page (frame padding aside).
    const message = canvasElement.querySelector('[data-slot="message"]')!;
    const frame = message.parentElement!.getBoundingClientRect();
    const bubble = message.getBoundingClientRect();
    await expect(frame.right - bubble.right).toBeLessThan(20);
    await expect(bubble.left - frame.left).toBeGreaterThan(40);
  },
};
