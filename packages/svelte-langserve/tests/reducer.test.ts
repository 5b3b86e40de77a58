import { describe, expect, it } from 'vitest';
import {
  chatReducer,
  initialChatState,
  messageText,
  type ChatAction,
  type ChatState,
} from '../src/lib/client/index.js';
import type { Message } from '../src/lib/protocol/index.js';
import { conversation, runEvents, userMessage } from './fixtures.js';

const apply = (state: ChatState, actions: ChatAction[]) => actions.reduce(chatReducer, state);
const joined: ChatState = chatReducer(initialChatState, {
  type: 'joined',
  conversation,
  messages: [],
  runs: [],
});
const asActions = (events: ReturnType<typeof runEvents>): ChatAction[] =>
  events.map((event) => ({ type: 'run-event', event }));

describe('chatReducer', () => {
  it('streams a run into one assistant message and ends it', () => {
    const events = runEvents(['Hel', 'lo', ' world']);
    const midway = apply(joined, asActions(events.slice(0, 3)));
    expect(midway.status).toBe('streaming');
    expect(messageText(midway.messages[0]!)).toBe('Hello');
    expect(midway.messages[0]!.status).toBe('streaming');

    const done = apply(midway, asActions(events.slice(3)));
    expect(done.status).toBe('ready');
    expect(done.messages).toHaveLength(1);
    expect(messageText(done.messages[0]!)).toBe('Hello world');
    expect(done.messages[0]!.status).toBe('complete');
    expect(done.runs.r1!.status).toBe('completed');
  });

  it('applies each seq once: replayed and duplicated events change nothing', () => {
    const events = runEvents(['a', 'b', 'c']);
    const once = apply(joined, asActions(events));
    const twice = apply(once, asActions(events));
    expect(twice).toBe(once);
    const interleaved = apply(
      joined,
      asActions([events[0]!, events[1]!, events[1]!, events[2]!, events[1]!, events[3]!]),
    );
    expect(messageText(interleaved.messages[0]!)).toBe('abc');
  });

  it('drops an event that skips ahead of the expected seq', () => {
    const events = runEvents(['a', 'b', 'c']);
    const state = apply(joined, asActions([events[0]!, events[2]!]));
    expect(messageText(state.messages[0]!)).toBe('');
    expect(state.runs.r1!.nextSeq).toBe(1);
  });

  it('ignores events of another conversation', () => {
    const [start] = runEvents(['x']);
    const state = chatReducer(joined, {
      type: 'run-event',
      event: { ...start!, conversationId: 'other' },
    });
    expect(state).toBe(joined);
  });

  it('keeps a failed run’s partial text and its error', () => {
    const events = runEvents(['partial'], { status: 'failed', error: 'Model unavailable' });
    const state = apply(joined, asActions(events));
    expect(state.messages[0]).toMatchObject({ status: 'failed', error: 'Model unavailable' });
    expect(messageText(state.messages[0]!)).toBe('partial');
    expect(state.status).toBe('ready');
  });

  it('marks a cancelled run’s message as cancelled', () => {
    const state = apply(joined, asActions(runEvents(['a'], { status: 'cancelled' })));
    expect(state.messages[0]!.status).toBe('cancelled');
  });

  it('shows a sent message at once, then replaces it with the server’s copy', () => {
    const local = { ...userMessage({ id: 'local:client-1' }), delivery: 'sending' as const };
    const sending = chatReducer(joined, { type: 'send', message: local });
    expect(sending.status).toBe('submitted');
    expect(sending.messages[0]!.delivery).toBe('sending');

    const sent = chatReducer(sending, {
      type: 'send-ok',
      clientMessageId: 'client-1',
      message: userMessage(),
      runs: [
        {
          id: 'r1',
          conversationId: 'c1',
          messageId: 'a1',
          agentId: 'chatbot',
          status: 'running',
          seq: -1,
        },
      ],
    });
    expect(sent.messages).toHaveLength(1);
    expect(sent.messages[0]).toMatchObject({ id: 'm1', delivery: 'sent' });
    expect(sent.status).toBe('streaming');
    expect(sent.runs.r1!.nextSeq).toBe(0);
  });

  it('does not duplicate the user message when the room event beats the ack', () => {
    const local = { ...userMessage({ id: 'local:client-1' }), delivery: 'sending' as const };
    const state = apply(joined, [
      { type: 'send', message: local },
      { type: 'message-created', message: userMessage() },
      { type: 'send-ok', clientMessageId: 'client-1', message: userMessage(), runs: [] },
    ]);
    expect(state.messages.map((message) => message.id)).toEqual(['m1']);
  });

  it('keeps its position when the run’s events overtook the ack', () => {
    const events = runEvents(['a', 'b']);
    const streamed = apply(joined, asActions(events.slice(0, 2)));
    const acked = chatReducer(streamed, {
      type: 'send-ok',
      clientMessageId: 'client-1',
      message: userMessage(),
      runs: [
        {
          id: 'r1',
          conversationId: 'c1',
          messageId: 'a1',
          agentId: 'chatbot',
          status: 'running',
          seq: -1,
        },
      ],
    });
    expect(acked.runs.r1!.nextSeq).toBe(2);
    const assistant = apply(acked, asActions(events.slice(2))).messages.find(
      (m) => m.role === 'assistant',
    );
    expect(messageText(assistant!)).toBe('ab');
  });

  it('marks a failed send and derives the error status', () => {
    const local = { ...userMessage({ id: 'local:client-1' }), delivery: 'sending' as const };
    const state = apply(joined, [
      { type: 'send', message: local },
      {
        type: 'send-failed',
        clientMessageId: 'client-1',
        error: { code: 'unavailable', message: 'Down', retryable: true },
      },
    ]);
    expect(state.messages[0]!.delivery).toBe('failed');
    expect(state.status).toBe('error');
    expect(chatReducer(state, { type: 'clear-error' }).status).toBe('ready');
  });

  it('takes a join’s messages and resumes a live run after its current seq', () => {
    const streaming = userMessage({
      id: 'a1',
      role: 'assistant',
      status: 'streaming',
      parts: [{ type: 'text', text: 'ab' }],
      runId: 'r1',
      agentId: 'chatbot',
    });
    const state = chatReducer(initialChatState, {
      type: 'joined',
      conversation,
      messages: [userMessage(), streaming],
      runs: [
        {
          id: 'r1',
          conversationId: 'c1',
          messageId: 'a1',
          agentId: 'chatbot',
          status: 'running',
          seq: 2,
        },
      ],
    });
    const events = runEvents(['a', 'b', 'c']);
    const resumed = apply(state, asActions(events));
    expect(messageText(resumed.messages[1]!)).toBe('abc');
    expect(resumed.messages[1]!.status).toBe('complete');
  });
});

describe('chatReducer: tool calls', () => {
  const base = { runId: 'r1', conversationId: 'c1' };
  const [start] = runEvents([]);
  const toolEvents = (status: 'completed' | 'cancelled'): ChatAction[] =>
    [
      start!,
      { ...base, seq: 1, type: 'text-delta', text: 'Let me compute. ' },
      { ...base, seq: 2, type: 'tool-call-start', toolCallId: 't1', name: 'calculator' },
      { ...base, seq: 3, type: 'tool-call-delta', toolCallId: 't1', argsText: '{"expression":' },
      { ...base, seq: 4, type: 'tool-call-delta', toolCallId: 't1', argsText: '"2+2"}' },
      ...(status === 'completed'
        ? ([
            {
              ...base,
              seq: 5,
              type: 'tool-call-running',
              toolCallId: 't1',
              argsText: '{"expression":"2+2"}',
            },
            { ...base, seq: 6, type: 'tool-result', toolCallId: 't1', result: '4' },
            { ...base, seq: 7, type: 'text-delta', text: 'It is 4.' },
            {
              ...base,
              seq: 8,
              type: 'end',
              status: 'completed',
              metadata: {
                usage: { inputTokens: 3, outputTokens: 5, totalTokens: 8 },
                timeToFirstTokenMs: 12,
              },
            },
          ] as const)
        : ([{ ...base, seq: 5, type: 'end', status: 'cancelled' }] as const)),
    ].map((event) => ({ type: 'run-event', event }) as ChatAction);

  it('builds text and tool-call parts in order, with streamed arguments and the result', () => {
    const state = apply(joined, toolEvents('completed'));
    const message = state.messages[0]!;
    expect(message.parts).toEqual([
      { type: 'text', text: 'Let me compute. ' },
      {
        type: 'tool-call',
        toolCallId: 't1',
        name: 'calculator',
        argsText: '{"expression":"2+2"}',
        state: 'completed',
        result: '4',
      },
      { type: 'text', text: 'It is 4.' },
    ]);
    expect(messageText(message)).toBe('Let me compute. It is 4.');
    expect(message.metadata).toEqual({
      provider: 'demo',
      model: 'demo',
      demo: true,
      usage: { inputTokens: 3, outputTokens: 5, totalTokens: 8 },
      timeToFirstTokenMs: 12,
    });
  });

  it('shows the arguments as they stream', () => {
    const state = apply(joined, toolEvents('completed').slice(0, 4));
    expect(state.messages[0]!.parts[1]).toMatchObject({
      argsText: '{"expression":',
      state: 'streaming',
    });
  });

  it('fails a tool call the run did not finish, so nothing spins forever', () => {
    const state = apply(joined, toolEvents('cancelled'));
    expect(state.messages[0]!.parts[1]).toMatchObject({
      state: 'failed',
      error: 'The run ended (cancelled) first.',
    });
  });

  it('records a failing tool’s error', () => {
    const state = apply(joined, [
      ...toolEvents('completed').slice(0, 5),
      {
        type: 'run-event',
        event: {
          ...base,
          seq: 5,
          type: 'tool-result',
          toolCallId: 't1',
          error: 'Division by zero',
        },
      },
    ]);
    expect(state.messages[0]!.parts[1]).toMatchObject({
      state: 'failed',
      error: 'Division by zero',
    });
  });
});

describe('chatReducer: message-updated', () => {
  const answer = (overrides: Partial<Message> = {}): Message =>
    userMessage({
      id: 'a1',
      role: 'assistant',
      status: 'streaming',
      parts: [{ type: 'text', text: 'Hel' }],
      runId: 'r1',
      agentId: 'chatbot',
      clientMessageId: undefined,
      createdAt: '2026-01-01T00:00:02.000Z',
      ...overrides,
    });
  // Streaming live: the start and two deltas applied ("Hello").
  const live = apply(joined, asActions(runEvents(['Hel', 'lo']).slice(0, 3)));

  it('ends the run it tracks when the message is no longer streaming', () => {
    const interrupted = answer({ status: 'interrupted' });
    const state = chatReducer(live, { type: 'message-updated', message: interrupted });
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]).toMatchObject({ id: 'a1', status: 'interrupted', delivery: 'sent' });
    expect(messageText(state.messages[0]!)).toBe('Hel');
    expect(state.runs.r1!.status).toBe('interrupted');
    expect(state.status).toBe('ready');
    // Later events of that run change nothing: the stored message is the truth.
    const rest = runEvents(['Hel', 'lo', '!']).slice(3);
    expect(apply(state, asActions(rest))).toBe(state);
  });

  it('maps each final message status to the run’s terminal status', () => {
    for (const [status, run] of [
      ['complete', 'completed'],
      ['cancelled', 'cancelled'],
      ['failed', 'failed'],
    ] as const) {
      const state = chatReducer(live, { type: 'message-updated', message: answer({ status }) });
      expect(state.runs.r1!.status).toBe(run);
    }
  });

  it('keeps the streamed parts of a message still streaming, and keeps its run live', () => {
    const state = chatReducer(live, {
      type: 'message-updated',
      message: answer({ metadata: { model: 'other' } }),
    });
    expect(messageText(state.messages[0]!)).toBe('Hello');
    expect(state.messages[0]!.metadata).toEqual({ model: 'other' });
    expect(state.runs.r1).toEqual(live.runs.r1);
    expect(state.status).toBe('streaming');
  });

  it('replaces a message whose run it does not follow', () => {
    const idle = chatReducer(joined, { type: 'message-created', message: answer() });
    const state = chatReducer(idle, {
      type: 'message-updated',
      message: answer({ status: 'interrupted', parts: [{ type: 'text', text: 'Hello' }] }),
    });
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]!.status).toBe('interrupted');
    expect(messageText(state.messages[0]!)).toBe('Hello');
  });

  it('does not change the branch selection', () => {
    const question = userMessage({ id: 'q1', clientMessageId: undefined });
    const first = answer({ id: 'a1', parentId: 'q1', status: 'complete', runId: 'r0' });
    const second = answer({
      id: 'a2',
      parentId: 'q1',
      status: 'complete',
      runId: 'r9',
      createdAt: '2026-01-01T00:00:03.000Z',
    });
    const base = chatReducer(initialChatState, {
      type: 'joined',
      conversation,
      messages: [question, first, second],
      runs: [],
    });
    const chosen = chatReducer(base, { type: 'branch-selected', messageId: 'a1' });
    expect(chosen.selection).not.toEqual({});
    const state = chatReducer(chosen, {
      type: 'message-updated',
      message: { ...second, parts: [{ type: 'text', text: 'changed' }] },
    });
    expect(state.selection).toBe(chosen.selection);
    expect(messageText(state.messages[2]!)).toBe('changed');
    // A message created, by contrast, shows itself.
    const created = chatReducer(chosen, {
      type: 'message-created',
      message: answer({ id: 'a3', parentId: 'q1', status: 'complete', runId: 'r8' }),
    });
    expect(created.selection).toEqual({});
  });

  it('ignores another conversation’s message, and one older than the page held', () => {
    expect(
      chatReducer(live, { type: 'message-updated', message: answer({ conversationId: 'other' }) }),
    ).toBe(live);
    const paged = chatReducer(initialChatState, {
      type: 'joined',
      conversation,
      messages: [answer({ status: 'complete' })],
      runs: [],
      hasMore: true,
    });
    const older = answer({ id: 'a0', runId: 'r0', createdAt: '2026-01-01T00:00:00.500Z' });
    expect(chatReducer(paged, { type: 'message-updated', message: older })).toBe(paged);
  });

  it('keeps the user’s own feedback, which a room event does not carry', () => {
    const rated = chatReducer(
      chatReducer(joined, { type: 'message-created', message: answer({ status: 'complete' }) }),
      { type: 'feedback-set', messageId: 'a1', feedback: { value: 1 } },
    );
    const state = chatReducer(rated, {
      type: 'message-updated',
      message: answer({ status: 'complete', parts: [{ type: 'text', text: 'Hello' }] }),
    });
    expect(state.messages[0]!.feedback).toEqual({ value: 1 });
    expect(messageText(state.messages[0]!)).toBe('Hello');
  });

  it('adds a newer message it did not hold, without selecting it', () => {
    const state = chatReducer(joined, {
      type: 'message-updated',
      message: answer({ status: 'interrupted' }),
    });
    expect(state.messages.map((message) => message.id)).toEqual(['a1']);
    expect(state.selection).toBe(joined.selection);
  });
});

describe('chatReducer: reasoning', () => {
  it('streams reasoning into its own part before the text, and leaves it out of the text', () => {
    const [start] = runEvents([]);
    const base = { runId: 'r1', conversationId: 'c1' };
    const state = apply(
      joined,
      asActions([
        start!,
        { ...base, seq: 1, type: 'reasoning-delta', text: 'The user ', durationMs: 0 },
        { ...base, seq: 2, type: 'reasoning-delta', text: 'says hi.', durationMs: 2100 },
        { ...base, seq: 3, type: 'text-delta', text: 'Hello!' },
      ]),
    );
    expect(state.messages[0]!.parts).toEqual([
      { type: 'reasoning', text: 'The user says hi.', durationMs: 2100 },
      { type: 'text', text: 'Hello!' },
    ]);
    expect(messageText(state.messages[0]!)).toBe('Hello!');
    expect(state.runs.r1!.nextSeq).toBe(4);
  });
});

describe('chatReducer: activity and data', () => {
  it('shows what the run is doing from its status events, and the end clears it', () => {
    const [start] = runEvents([]);
    const base = { runId: 'r1', conversationId: 'c1' };
    const searching = apply(
      joined,
      asActions([
        start!,
        { ...base, seq: 1, type: 'status', text: 'Searching documents…' },
        { ...base, seq: 2, type: 'data', id: 'p', data: { progress: 0.5, label: 'Indexing' } },
      ]),
    );
    const message = searching.messages[0]!;
    expect(message.activity).toBe('Searching documents…');
    expect(message.parts).toEqual([
      { type: 'data', id: 'p', data: { progress: 0.5, label: 'Indexing' } },
    ]);
    const cleared = apply(searching, asActions([{ ...base, seq: 3, type: 'status', text: '' }]));
    expect(cleared.messages[0]!.activity).toBeUndefined();
    const ended = apply(
      searching,
      asActions([{ ...base, seq: 3, type: 'end', status: 'completed' }]),
    );
    expect(ended.messages[0]!.activity).toBeUndefined();
    expect(ended.messages[0]!.status).toBe('complete');
  });
});
