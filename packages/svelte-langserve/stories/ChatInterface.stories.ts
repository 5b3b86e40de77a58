import type { Meta, StoryObj } from '@storybook/sveltekit';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import {
  answerText,
  cancelledRun,
  failedRun,
  longAnswer,
  midStream,
  REASONING_DURATION_MS,
  reasoningAnswer,
  streamingAnswer,
} from '../tests/fixtures/transcripts.js';
import { reasoningLabel } from '../src/lib/components/message/reasoning-label.js';
import { darkTokens } from '../src/lib/theme/tokens.js';
import { messageTexts, rgb, streamingCursor, themeElement, visibleText } from './support/dom.js';
import ScenarioChat from './support/ScenarioChat.svelte';
import { TOOL_ARGS, TOOL_RESULT } from './support/tool-call-transcript.js';
import {
  LONG_CONVERSATION_LENGTH,
  MID_STREAM_DELTAS,
  RTL_PROMPT,
  SCENARIO_NAMES,
  SEND_ERROR_MESSAGE,
} from './support/scenarios.js';

/**
 * The whole chat, on a scripted server that plays recorded run transcripts through an
 * `InMemoryTransport`. Every story sends its prompt on mount and shows what the server streams.
 */
const meta = {
  title: 'Chat/ChatInterface',
  component: ScenarioChat,
  parameters: { frame: 'chat' },
  argTypes: { scenario: { control: 'select', options: SCENARIO_NAMES } },
  args: { scenario: 'empty' },
} satisfies Meta<typeof ScenarioChat>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Connected, no messages yet. */
export const Empty: Story = {
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Connected')).toBeVisible();
    await expect(canvas.getByText('No messages yet. Say hello!')).toBeVisible();
    const send = canvas.getByRole('button', { name: 'Send' });
    await expect(send).toBeDisabled();
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message' }), 'Hello');
    await expect(send).toBeEnabled();
  },
};

/** The streaming answer plays in real time: cursor and Stop while it streams, then the full text. */
export const Streaming: Story = {
  args: { scenario: 'streaming' },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByRole('button', { name: 'Stop' })).toBeVisible();
    await waitFor(() => expect(streamingCursor(canvasElement)).not.toBeNull(), { timeout: 3000 });
    await waitFor(
      () =>
        expect(messageTexts(canvasElement, 'assistant')).toEqual([
          visibleText(answerText(streamingAnswer)),
        ]),
      { timeout: 8000 },
    );
    await waitFor(() => expect(streamingCursor(canvasElement)).toBeNull());
    await expect(canvas.queryByRole('button', { name: 'Stop' })).toBeNull();
    await expect(canvas.getByRole('button', { name: 'Send' })).toBeInTheDocument();
    await expect(messageTexts(canvasElement, 'user')).toEqual([streamingAnswer.prompt]);
  },
};

/** Frozen mid-answer (the run has not ended): the cursor blinks and Stop is offered. */
export const MidStream: Story = {
  args: { scenario: 'mid-stream' },
  play: async ({ canvas, canvasElement }) => {
    const partial = visibleText(answerText(midStream(streamingAnswer, MID_STREAM_DELTAS)));
    await waitFor(() => expect(messageTexts(canvasElement, 'assistant')).toEqual([partial]));
    await expect(streamingCursor(canvasElement)).not.toBeNull();
    await expect(canvas.getByRole('button', { name: 'Stop' })).toBeVisible();
  },
};

/** The model reasons first: "Thinking…" while it does, "Thought for N s" above the answer after. */
export const Reasoning: Story = {
  args: { scenario: 'reasoning' },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('Thinking…', {}, { timeout: 3000 })).toBeVisible();
    const thought = reasoningLabel({ durationMs: REASONING_DURATION_MS }, false);
    await waitFor(() => expect(canvas.getByText(thought)).toBeVisible(), {
      timeout: 8000,
    });
    // The answer streams for about 2 s after the reasoning.
    await waitFor(
      () =>
        expect(messageTexts(canvasElement, 'assistant')).toEqual([
          visibleText(answerText(reasoningAnswer)),
        ]),
      { timeout: 8000 },
    );
    await expect(canvasElement.querySelector('[data-slot="reasoning"]')).not.toHaveAttribute(
      'open',
    );
  },
};

/** Frozen while the model reasons: no answer text yet, Stop offered. */
export const MidReasoning: Story = {
  args: { scenario: 'mid-reasoning' },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('Thinking…')).toBeVisible();
    await expect(canvasElement.querySelector('[data-slot="reasoning"]')).toHaveAttribute(
      'data-status',
      'streaming',
    );
    await expect(canvas.getByRole('button', { name: 'Stop' })).toBeVisible();
  },
};

/** A several-screen answer: the list scrolls and stays pinned to the bottom. */
export const LongAnswer: Story = {
  args: { scenario: 'long-answer' },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(messageTexts(canvasElement, 'assistant')).toEqual([
        visibleText(answerText(longAnswer)),
      ]),
    );
    const list = canvasElement.querySelector<HTMLElement>('[data-slot="message-list"]');
    if (!list) throw new Error('No message list.');
    await expect(list.scrollHeight).toBeGreaterThan(list.clientHeight);
    await waitFor(() =>
      expect(list.scrollHeight - list.scrollTop - list.clientHeight).toBeLessThan(2),
    );
  },
};

/** The user stopped the answer; the server ended the run `cancelled`. */
export const Cancelled: Story = {
  args: { scenario: 'cancelled' },
  play: async ({ canvas, canvasElement }) => {
    await expect(await canvas.findByText('Stopped')).toBeVisible();
    await expect(messageTexts(canvasElement, 'assistant')).toEqual([
      visibleText(answerText(cancelledRun)),
    ]);
    await expect(streamingCursor(canvasElement)).toBeNull();
  },
};

/** A run that failed mid-answer, then a send the server refused: inline error and banner. */
export const Failed: Story = {
  name: 'Error',
  args: { scenario: 'error' },
  play: async ({ canvas, canvasElement }) => {
    const end = failedRun.steps.at(-1)?.payload;
    const runError = end && 'error' in end ? end.error : undefined;
    await expect(runError).toBeTruthy();
    await expect(await canvas.findByText(runError ?? '')).toBeVisible();
    await waitFor(() =>
      expect(canvasElement.querySelector('[data-slot="chat-error"]')?.textContent).toContain(
        SEND_ERROR_MESSAGE,
      ),
    );
    await expect(canvas.getByText('Not sent.')).toBeVisible();
  },
};

/** The connection dropped with no retry: status says so and sending is disabled. */
export const Disconnected: Story = {
  args: { scenario: 'disconnected' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Disconnected')).toBeVisible();
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message' }), 'Anyone there?');
    await expect(canvas.getByRole('button', { name: 'Send' })).toBeDisabled();
  },
};

/** The connection dropped and the transport is retrying. */
export const Reconnecting: Story = {
  args: { scenario: 'reconnecting' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Reconnecting…')).toBeVisible();
    // Typing goes on: a message sent now waits in the outbox until the connection is back.
    await userEvent.type(canvas.getByRole('textbox', { name: 'Message' }), 'Still there?');
    await userEvent.click(canvas.getByRole('button', { name: 'Send' }));
    await expect(await canvas.findByText('Waiting for the connection…')).toBeVisible();
  },
};

/** The server refused the connection. */
export const Refused: Story = {
  args: { scenario: 'refused' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('Connection refused')).toBeVisible();
  },
};

/** Mid-answer in the dark theme. */
export const Dark: Story = {
  args: { scenario: 'mid-stream' },
  parameters: { themeMode: 'dark' },
  play: async ({ canvasElement }) => {
    const theme = themeElement(canvasElement);
    await expect(theme.dataset.theme).toBe('dark');
    await expect(getComputedStyle(theme).backgroundColor).toBe(rgb(darkTokens['color-background']));
    await waitFor(() => expect(streamingCursor(canvasElement)).not.toBeNull());
  },
};

/**
 * Right to left: an Arabic question in a `dir="rtl"` page. The layout mirrors (the user's
 * bubbles sit at the inline end, now the left); each message's text takes its own direction
 * (`dir="auto"`), so the English answer still reads left to right.
 */
export const RightToLeft: Story = {
  name: 'Right to left',
  args: { scenario: 'right-to-left' },
  parameters: { dir: 'rtl' },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(messageTexts(canvasElement, 'user')).toEqual([RTL_PROMPT]));
    await waitFor(() =>
      expect(messageTexts(canvasElement, 'assistant')).toEqual([
        visibleText(answerText(streamingAnswer)),
      ]),
    );
    const list = canvasElement.querySelector<HTMLElement>('[data-slot="message-list"]')!;
    const user = canvasElement.querySelector('[data-role="user"] [data-slot="message-body"]')!;
    const answer = canvasElement.querySelector(
      '[data-role="assistant"] [data-slot="message-body"]',
    )!;
    await expect(getComputedStyle(list).direction).toBe('rtl');
    const bounds = list.getBoundingClientRect();
    // The user's bubble hugs the left edge, the answer the right.
    await expect(user.getBoundingClientRect().left - bounds.left).toBeLessThan(40);
    await expect(bounds.right - answer.getBoundingClientRect().right).toBeLessThan(40);
    const userPart = canvasElement.querySelector('[data-role="user"] [data-slot="message-text"]')!;
    const answerPart = canvasElement.querySelector(
      '[data-role="assistant"] [data-slot="markdown"]',
    )!;
    await expect(userPart.matches(':dir(rtl)')).toBe(true);
    await expect(answerPart.matches(':dir(ltr)')).toBe(true);
  },
};

/** The first tool call of the answer, once it is in the given state. */
async function toolCallIn(root: HTMLElement, state: string): Promise<HTMLElement> {
  let element: HTMLElement | null = null;
  await waitFor(() => {
    element = root.querySelector<HTMLElement>('[data-slot="tool-call"]');
    expect(element).toHaveAttribute('data-status', state);
  });
  return element!;
}

/** The agent called a tool that is still running: its name and state show, and Stop. */
export const ToolCallRunning: Story = {
  name: 'Tool call (running)',
  args: { scenario: 'tool-call-running' },
  play: async ({ canvas, canvasElement }) => {
    const call = await toolCallIn(canvasElement, 'running');
    await expect(call).toHaveAttribute('data-tool', 'calculator');
    await expect(canvas.getByText('running…')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Stop' })).toBeVisible();
  },
};

/**
 * The tool finished: its result shows inline, the answer follows. Opened, the call shows its
 * arguments and result in full.
 */
export const ToolCallDone: Story = {
  name: 'Tool call (done)',
  args: { scenario: 'tool-call' },
  play: async ({ canvas, canvasElement, userEvent }) => {
    const call = await toolCallIn(canvasElement, 'completed');
    const { expression } = JSON.parse(TOOL_ARGS) as { expression: string };
    const { result } = JSON.parse(TOOL_RESULT) as { result: string };
    await expect(await canvas.findByText(`${expression} = ${result}`)).toBeVisible();
    await expect(call.querySelector('[data-slot="tool-call-result-inline"]')).toHaveTextContent(
      TOOL_RESULT,
    );
    await userEvent.click(within(call).getAllByText('calculator')[0]!);
    await expect(call).toHaveAttribute('open');
    const args = call.querySelector('[data-slot="tool-call-args"]');
    await expect(args).toBeVisible();
    await expect(args).toHaveTextContent(expression);
    // Opening the call does not follow the end of the list: scroll back to the answer's end.
    const list = canvasElement.querySelector<HTMLElement>('[data-slot="message-list"]')!;
    list.scrollTop = list.scrollHeight;
    await waitFor(() =>
      expect(list.scrollHeight - list.scrollTop - list.clientHeight).toBeLessThan(2),
    );
    await expect(canvas.getByRole('button', { name: 'Send' })).toBeInTheDocument();
  },
};

/**
 * A conversation of 1,200 messages opened from the server. The list mounts only the messages
 * near its viewport and opens at the newest one.
 */
export const LongConversation: Story = {
  name: 'Long conversation',
  args: { scenario: 'long-conversation' },
  play: async ({ canvas, canvasElement }) => {
    let list: HTMLElement | null = null;
    await waitFor(() => {
      list = canvasElement.querySelector<HTMLElement>('[data-slot="message-list"]');
      expect(list).toHaveAttribute('data-count', String(LONG_CONVERSATION_LENGTH));
    });
    const scroller = list!;
    await expect(scroller.scrollHeight).toBeGreaterThan(scroller.clientHeight * 10);
    await waitFor(() =>
      expect(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight).toBeLessThan(2),
    );
    await expect(scroller.querySelectorAll('[data-slot="message"]').length).toBeLessThanOrEqual(60);
    await expect(
      canvas.getByText(new RegExp(`Answer ${LONG_CONVERSATION_LENGTH - 1}:`)),
    ).toBeVisible();
  },
};

/** The `compact` ThemeProvider variant (smaller type, tighter spacing), with a tool call. */
export const Compact: Story = {
  args: { scenario: 'tool-call' },
  parameters: { themeVariant: 'compact' },
  play: async ({ canvasElement }) => {
    await expect(themeElement(canvasElement)).toHaveAttribute('data-variant', 'compact');
    await toolCallIn(canvasElement, 'completed');
    const text = canvasElement.querySelector('[data-role="user"] [data-slot="message-text"]');
    await expect(getComputedStyle(text!).fontSize).toBe('13px');
  },
};
