import type { Meta, StoryObj } from '@storybook/sveltekit';
import { createRawSnippet } from 'svelte';
import { expect, waitFor } from 'storybook/test';
import { messageText, type ChatMessage, type ChatSnapshot } from '../src/lib/client/index.js';
import MessageList from '../src/lib/components/chat/MessageList.svelte';
import { snapshotAfter } from '../tests/fixtures/scripted-server.js';
import {
  answerText,
  cancelledRun,
  failedRun,
  longAnswer,
  midStream,
  streamingAnswer,
  type RecordedTranscript,
} from '../tests/fixtures/transcripts.js';
import { messageTexts, streamingCursor, visibleText } from './support/dom.js';
import { longConversation } from './support/long-conversation.js';
import { demoAgent } from '../tests/fixtures/transcripts.js';

/** The messages a chat shows after `transcripts` ran through a real ChatController. */
const after = (...transcripts: RecordedTranscript[]) => [
  async () => ({ snapshot: await snapshotAfter(transcripts) }),
];

const meta = {
  title: 'Chat/Parts/MessageList',
  component: MessageList,
  parameters: { frame: 'chat' },
  args: { messages: [] },
  render: (args, { loaded }) => {
    const snapshot = loaded.snapshot as ChatSnapshot | undefined;
    return {
      Component: MessageList,
      props: snapshot
        ? { ...args, messages: snapshot.chat.messages, agents: snapshot.agents }
        : args,
    };
  },
} satisfies Meta<typeof MessageList>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Empty: Story = {
  play: async ({ canvas }) => {
    await expect(canvas.getByText('No messages yet. Say hello!')).toBeVisible();
  },
};

export const Streaming: Story = {
  loaders: after(midStream(streamingAnswer, 14)),
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByText(demoAgent.name)).toBeVisible();
    await expect(messageTexts(canvasElement, 'assistant')).toEqual([
      visibleText(answerText(midStream(streamingAnswer, 14))),
    ]);
    await expect(streamingCursor(canvasElement)).not.toBeNull();
  },
};

export const Conversation: Story = {
  loaders: after(streamingAnswer, cancelledRun, failedRun),
  play: async ({ canvasElement }) => {
    await expect(messageTexts(canvasElement, 'user')).toEqual([
      streamingAnswer.prompt,
      cancelledRun.prompt,
      failedRun.prompt,
    ]);
    await expect(canvasElement.querySelectorAll('[data-slot="message-error"]')).toHaveLength(1);
  },
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The `message` snippet replaces how each message renders; the list still windows them. */
export const CustomMessage: Story = {
  loaders: after(streamingAnswer, failedRun),
  args: {
    messages: [],
    message: createRawSnippet((message: () => ChatMessage) => ({
      render: () =>
        `<p data-slot="custom-message" data-role="${message().role}">${escapeHtml(
          `${message().role}: ${messageText(message()).slice(0, 40)}`,
        )}</p>`,
    })),
  },
  play: async ({ canvasElement }) => {
    const custom = [...canvasElement.querySelectorAll('[data-slot="custom-message"]')];
    await expect(custom.map((element) => element.getAttribute('data-role'))).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    await expect(custom[0]).toHaveTextContent(`user: ${streamingAnswer.prompt.slice(0, 40)}`);
    // Nothing of the default rendering is left.
    await expect(canvasElement.querySelector('[data-slot="message"]')).toBeNull();
  },
};

export const LongAnswer: Story = {
  loaders: after(longAnswer),
  play: async ({ canvasElement }) => {
    const list = canvasElement.querySelector<HTMLElement>('[data-slot="message-list"]');
    await expect(list).not.toBeNull();
    await waitFor(() =>
      expect(list!.scrollHeight - list!.scrollTop - list!.clientHeight).toBeLessThan(2),
    );
  },
};

export const Dark: Story = {
  loaders: after(streamingAnswer, midStream(cancelledRun, 5)),
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    await expect(messageTexts(canvasElement, 'assistant')).toHaveLength(2);
  },
};

/**
 * 1,500 messages, the last answer still streaming. Only the messages near the viewport are
 * mounted (spacers stand in for the rest), so it opens and scrolls like a short chat.
 */
export const LongConversation: Story = {
  name: 'Long conversation',
  render: () => ({
    Component: MessageList,
    props: { messages: longConversation(1500, { streaming: true }), agents: [demoAgent] },
  }),
  play: async ({ canvasElement }) => {
    const list = canvasElement.querySelector<HTMLElement>('[data-slot="message-list"]');
    if (!list) throw new Error('No message list.');
    const rendered = () => list.querySelectorAll('[data-slot="message"]').length;
    await expect(list).toHaveAttribute('data-count', '1500');
    // The list is the scroll container (bounded by the frame), not the page.
    await expect(list.scrollHeight).toBeGreaterThan(list.clientHeight * 10);
    await waitFor(() =>
      expect(list.scrollHeight - list.scrollTop - list.clientHeight).toBeLessThan(2),
    );
    await expect(rendered()).toBeLessThanOrEqual(60);
    await expect(streamingCursor(canvasElement)).not.toBeNull();
  },
};
