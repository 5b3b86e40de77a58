import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, fn, userEvent, waitFor } from 'storybook/test';
import type { ChatMessage } from '../src/lib/client/index.js';
import MessagePartsHarness from './support/MessagePartsHarness.svelte';

const answer: ChatMessage = {
  id: 'a1',
  conversationId: 'c1',
  role: 'assistant',
  agentId: 'helper',
  parts: [{ type: 'text', text: 'The **capital** of France is Paris.' }],
  status: 'complete',
  createdAt: '2026-03-02T09:14:06.003Z',
  delivery: 'sent',
  metadata: {
    provider: 'openai',
    model: 'gpt-4o-mini',
    timeToFirstTokenMs: 420,
    tokensPerSecond: 38.46,
    usage: { inputTokens: 12, outputTokens: 9, totalTokens: 21 },
  },
};

const question: ChatMessage = {
  id: 'q1',
  conversationId: 'c1',
  role: 'user',
  parts: [{ type: 'text', text: 'What is the capital of France?' }],
  status: 'complete',
  createdAt: '2026-03-02T09:14:05.003Z',
  delivery: 'sent',
};

/**
 * Every part of the message family (`MessageParts.*`) composed by hand under one
 * `MessageParts.Root`, whose context the parts read: no part takes the message or a callback.
 * Here the actions come from the root's props; inside a chat they come from the chat store.
 */
const meta = {
  title: 'Chat/Parts/MessageParts',
  component: MessagePartsHarness,
  parameters: { frame: 'part' },
  args: {
    message: answer,
    agentName: 'Helper',
    siblings: { index: 1, count: 3 },
    onRegenerate: fn(),
    onSelectBranch: fn(),
    onFeedback: fn(),
  },
} satisfies Meta<typeof MessagePartsHarness>;

export default meta;
type Story = StoryObj<typeof meta>;

/** An answer with its metadata, versions, Copy, Regenerate and thumbs; every part has its hooks. */
export const Answer: Story = {
  play: async ({ args, canvas, canvasElement }) => {
    await expect(canvasElement.querySelector('[data-slot="message-author"]')).toHaveTextContent(
      'Helper',
    );
    const metadata = canvasElement.querySelector('[data-slot="message-metadata"]');
    await expect(metadata).toHaveTextContent('openai · gpt-4o-mini');
    await expect(metadata).toHaveTextContent('420 ms');
    await expect(metadata).toHaveTextContent('38.5 tokens/s');
    await expect(metadata).toHaveTextContent('12 in · 9 out');
    await expect(canvas.getByText('2 of 3')).toBeVisible();
    for (const slot of ['message', 'message-header', 'message-body', 'message-text'])
      await expect(canvasElement.querySelector(`[data-slot="${slot}"]`)).toHaveAttribute(
        'data-state',
      );
    await userEvent.click(canvas.getByRole('button', { name: 'Next version' }));
    await expect(args.onSelectBranch).toHaveBeenCalledWith('a1', 'next');
    await userEvent.click(canvas.getByRole('button', { name: 'Regenerate answer' }));
    await expect(args.onRegenerate).toHaveBeenCalledWith('a1');
  },
};

/** Thumbs down opens an optional note; Send note adds it to the rating. */
export const ThumbsDownWithNote: Story = {
  play: async ({ args, canvas, canvasElement }) => {
    await userEvent.click(canvas.getByRole('button', { name: 'Bad answer' }));
    await expect(args.onFeedback).toHaveBeenCalledWith('a1', -1, undefined);
    const note = canvas.getByRole('textbox', { name: 'What went wrong? (optional)' });
    await expect(note).toHaveFocus();
    await userEvent.type(note, 'It missed the question.');
    await userEvent.click(canvas.getByRole('button', { name: 'Send note' }));
    await expect(args.onFeedback).toHaveBeenLastCalledWith('a1', -1, 'It missed the question.');
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-slot="message-feedback-comment"]')).toBeNull(),
    );
    await expect(canvasElement.querySelector('[data-slot="message-feedback"]')).toHaveAttribute(
      'data-state',
      'down',
    );
  },
};

/** A question: Edit opens the inline editor in place of the bubble; Escape gives focus back. */
export const QuestionEditing: Story = {
  args: { message: question, siblings: undefined, onEdit: fn() },
  play: async ({ args, canvas, canvasElement }) => {
    await userEvent.click(canvas.getByRole('button', { name: 'Edit message' }));
    const editor = canvas.getByRole('textbox', { name: 'Edit message' });
    await expect(editor).toHaveFocus();
    await expect(canvasElement.querySelector('[data-slot="message-body"]')).toHaveAttribute(
      'data-state',
      'editing',
    );
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(canvas.getByRole('button', { name: 'Edit message' })).toHaveFocus());
    await expect(args.onEdit).not.toHaveBeenCalled();
  },
};

/** A failed answer: the error part says why; with no actions wired, no action bar. */
export const FailedWithoutActions: Story = {
  args: {
    message: { ...answer, status: 'failed', error: 'The model timed out.', metadata: undefined },
    siblings: undefined,
    onRegenerate: undefined,
    onSelectBranch: undefined,
    onFeedback: undefined,
  },
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('alert')).toHaveTextContent('The model timed out.');
    await expect(canvasElement.querySelector('[data-slot="message-actions"]')).toBeNull();
    await expect(canvasElement.querySelector('[data-slot="message-metadata"]')).toHaveTextContent(
      'Helper',
    );
  },
};

export const Dark: Story = {
  parameters: { themeMode: 'dark' },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('button', { name: 'Good answer' })).toBeVisible();
  },
};
