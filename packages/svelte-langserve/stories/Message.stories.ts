import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect } from 'storybook/test';
import type { ChatMessage, ChatSnapshot } from '../src/lib/client/index.js';
import Message from '../src/lib/components/chat/Message.svelte';
import { snapshotAfter } from '../tests/fixtures/scripted-server.js';
import {
  answerText,
  cancelledRun,
  failedRun,
  midStream,
  streamingAnswer,
  type RecordedTranscript,
} from '../tests/fixtures/transcripts.js';
import { messageTexts, streamingCursor, visibleText } from './support/dom.js';

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
type Story = StoryObj<typeof meta>;

export const User: Story = {
  loaders: messageFrom(streamingAnswer, 'user'),
  play: async ({ canvas }) => {
    await expect(canvas.getByText(streamingAnswer.prompt)).toBeVisible();
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
    await expect(canvas.getByRole('alert')).toHaveTextContent('did not answer within 30 s');
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
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByText('→ 126')).toBeVisible();
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
