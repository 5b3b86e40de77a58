import { describe, expect, it } from 'vitest';
import { ChatController, InMemoryTransport } from '../src/lib/client/index.js';
import {
  fail,
  ok,
  type Message,
  type RequestPayload,
  type Result,
} from '../src/lib/protocol/index.js';
import { agent, conversation, userMessage } from './fixtures.js';

const answer: Message = userMessage({
  id: 'a1',
  role: 'assistant',
  agentId: 'chatbot',
  runId: 'r1',
  parentId: 'm1',
  clientMessageId: undefined,
  parts: [{ type: 'text', text: 'Paris.' }],
  createdAt: '2026-01-01T00:00:02.000Z',
});

type FeedbackAnswer = Result<{ messageId: string; feedback: { value: 1 | -1 } | null }>;

/** A controller joined to a conversation with one answer; feedback answers come from `answers`. */
async function setUp(answers: Array<() => FeedbackAnswer | Promise<FeedbackAnswer>>) {
  const payloads: RequestPayload<'messages:feedback'>[] = [];
  const transport = new InMemoryTransport({
    speed: 0,
    handlers: {
      'agents:list': () => ok({ agents: [agent] }),
      'conversations:join': () =>
        ok({ conversation, messages: [userMessage(), answer], hasMore: false, runs: [] }),
      'messages:feedback': (payload) => {
        payloads.push(payload);
        const next = answers.shift();
        if (!next) throw new Error('unexpected feedback request');
        return next();
      },
    },
  });
  const controller = new ChatController({ transport, conversationId: 'c1' });
  controller.connect();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const feedbackOf = () =>
    controller.snapshot.chat.messages.find((message) => message.id === 'a1')?.feedback;
  return { controller, payloads, feedbackOf };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe('ChatController.feedback', () => {
  it('shows the rating at once, sends it, and keeps what the server stored', async () => {
    const reply = deferred<FeedbackAnswer>();
    const { controller, payloads, feedbackOf } = await setUp([() => reply.promise]);
    const pending = controller.feedback('a1', 1, '  Spot on.  ');
    expect(feedbackOf()).toEqual({ value: 1, comment: 'Spot on.' });
    expect(payloads).toEqual([
      { conversationId: 'c1', messageId: 'a1', value: 1, comment: 'Spot on.' },
    ]);
    reply.resolve(ok({ messageId: 'a1', feedback: { value: 1 } }));
    expect((await pending).ok).toBe(true);
    expect(feedbackOf()).toEqual({ value: 1 });
    expect(controller.snapshot.chat.error).toBeNull();
  });

  it('clears with null, without a comment', async () => {
    const { controller, payloads, feedbackOf } = await setUp([
      () => ok({ messageId: 'a1', feedback: { value: -1 } }),
      () => ok({ messageId: 'a1', feedback: null }),
    ]);
    await controller.feedback('a1', -1);
    expect(feedbackOf()).toEqual({ value: -1 });
    await controller.feedback('a1', null, 'ignored');
    expect(feedbackOf()).toBeUndefined();
    expect(payloads[1]).toEqual({ conversationId: 'c1', messageId: 'a1', value: null });
  });

  it('rolls back to the confirmed rating when the server refuses, and shows the error', async () => {
    const { controller, feedbackOf } = await setUp([
      () => ok({ messageId: 'a1', feedback: { value: 1 } }),
      () => fail('unavailable', 'Try again later.'),
    ]);
    await controller.feedback('a1', 1);
    const result = await controller.feedback('a1', -1);
    expect(result.ok).toBe(false);
    expect(feedbackOf()).toEqual({ value: 1 });
    expect(controller.snapshot.chat.error?.message).toBe('Try again later.');
  });

  it('lets the latest of several ratings on their way decide', async () => {
    const first = deferred<FeedbackAnswer>();
    const second = deferred<FeedbackAnswer>();
    const { controller, feedbackOf } = await setUp([() => first.promise, () => second.promise]);
    const up = controller.feedback('a1', 1);
    const cleared = controller.feedback('a1', null);
    expect(feedbackOf()).toBeUndefined();
    // The first answer arrives while the second is on its way: nothing flickers back.
    first.resolve(ok({ messageId: 'a1', feedback: { value: 1 } }));
    await up;
    expect(feedbackOf()).toBeUndefined();
    second.resolve(fail('unavailable', 'Lost.'));
    await cleared;
    // The second failed: back to what the server last confirmed (the first's thumbs up).
    expect(feedbackOf()).toEqual({ value: 1 });
  });

  it('refuses an unknown message without a request', async () => {
    const { controller, payloads } = await setUp([]);
    const result = await controller.feedback('nope', 1);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(payloads).toEqual([]);
  });
});
