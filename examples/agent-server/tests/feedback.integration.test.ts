/**
 * `messages:feedback` over Socket.IO: members rate answers (and only answers), the rating is
 * stored per user and comes back with the caller's join and history pages, and nobody else
 * can rate, or learn anything about, a conversation they are not a member of.
 */
import type { Message, RunInfo } from 'svelte-langserve/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAs,
  EventLog,
  startServer,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

let server: TestServer;
let alice: { socket: ClientSocket; userId: string };
let bob: { socket: ClientSocket; userId: string };
let carol: { socket: ClientSocket; userId: string };
let conversationId: string;
/** Alice's two questions and their answers, oldest first. */
let questions: string[];
let answers: string[];

async function data<T>(result: { ok: true; data: T } | { ok: false; error: { message: string } }) {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

beforeAll(async () => {
  server = await startServer({ model: new ScriptedChatModel({ tokens: ['An', ' answer.'] }) });
  alice = await connectAs(server.url, 'alice');
  bob = await connectAs(server.url, 'bob');
  carol = await connectAs(server.url, 'carol');
  const log = new EventLog(alice.socket);
  ({
    conversation: { id: conversationId },
  } = await data(await alice.socket.emitWithAck('conversations:create', { title: 'Rated' })));
  questions = [];
  answers = [];
  for (const text of ['First question?', 'Second question?']) {
    const sent = await data(
      await alice.socket.emitWithAck('messages:send', {
        conversationId,
        clientMessageId: text,
        text,
      }),
    );
    const run = sent.runs[0] as RunInfo;
    await log.ended(run.id);
    questions.push(sent.message.id);
    answers.push(run.messageId);
  }
  await data(
    await alice.socket.emitWithAck('conversations:invite', { conversationId, userId: bob.userId }),
  );
});

afterAll(async () => {
  for (const user of [alice, bob, carol]) user?.socket.close();
  await server?.close();
});

const rate = (
  socket: ClientSocket,
  messageId: string,
  value: 1 | -1 | null,
  comment?: string,
  conversation = conversationId,
) =>
  socket.emitWithAck('messages:feedback', {
    conversationId: conversation,
    messageId,
    value,
    ...(comment !== undefined ? { comment } : {}),
  });

async function joinedMessages(socket: ClientSocket, limit?: number): Promise<Message[]> {
  const joined = await data(
    await socket.emitWithAck('conversations:join', {
      conversationId,
      ...(limit ? { limit } : {}),
    }),
  );
  return joined.messages;
}

describe('messages:feedback', () => {
  it('stores a member’s rating with its comment and answers it; sending it again is the same', async () => {
    const first = await rate(alice.socket, answers[1]!, 1, '  Clear and short.  ');
    expect(first).toEqual({
      ok: true,
      data: { messageId: answers[1], feedback: { value: 1, comment: 'Clear and short.' } },
    });
    expect(await rate(alice.socket, answers[1]!, 1, 'Clear and short.')).toEqual(first);
    const answer = (await joinedMessages(alice.socket)).find((m) => m.id === answers[1]);
    expect(answer?.feedback).toEqual({ value: 1, comment: 'Clear and short.' });
  });

  it('replaces a rating (thumbs down instead of up, the old comment dropped)', async () => {
    await data(await rate(alice.socket, answers[0]!, 1, 'ok'));
    expect(await rate(alice.socket, answers[0]!, -1)).toEqual({
      ok: true,
      data: { messageId: answers[0], feedback: { value: -1 } },
    });
    const answer = (await joinedMessages(alice.socket)).find((m) => m.id === answers[0]);
    expect(answer?.feedback).toEqual({ value: -1 });
  });

  it('gives each member only their own feedback, on join and on history pages', async () => {
    // Bob, a member, sees none of alice's ratings.
    const seenByBob = await joinedMessages(bob.socket);
    expect(seenByBob.some((message) => message.feedback)).toBe(false);
    await data(await rate(bob.socket, answers[0]!, 1));
    // Alice's page of the latest message only; the older answer comes with the history page.
    const latest = await joinedMessages(alice.socket, 1);
    expect(latest.map((message) => message.id)).toEqual([answers[1]]);
    expect(latest[0]!.feedback).toEqual({ value: 1, comment: 'Clear and short.' });
    const older = await data(
      await alice.socket.emitWithAck('messages:history', {
        conversationId,
        before: answers[1]!,
      }),
    );
    const first = older.messages.find((message) => message.id === answers[0]);
    expect(first?.feedback).toEqual({ value: -1 });
    expect(older.messages.find((m) => m.id === questions[0])?.feedback).toBeUndefined();
    const bobsView = (await joinedMessages(bob.socket)).find((m) => m.id === answers[0]);
    expect(bobsView?.feedback).toEqual({ value: 1 });
  });

  it('refuses to rate a user message, with a typed error, and stores nothing', async () => {
    const result = await rate(alice.socket, questions[0]!, 1);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(result.ok ? undefined : result.error.message).toBe('Only an answer can be rated.');
    const question = (await joinedMessages(alice.socket)).find((m) => m.id === questions[0]);
    expect(question?.feedback).toBeUndefined();
  });

  it('answers a non-member not_found, naming nothing of the conversation', async () => {
    const before = await joinedMessages(alice.socket);
    for (const [messageId, conversation] of [
      [answers[1]!, conversationId],
      [answers[1]!, 'no-such-conversation'],
    ] as const) {
      const result = await rate(carol.socket, messageId, -1, 'mine now', conversation);
      expect(result).toEqual({
        ok: false,
        error: { code: 'not_found', message: 'No such conversation.', retryable: false },
      });
    }
    // Carol's own conversation does not hold alice's answer either.
    const own = await data(await carol.socket.emitWithAck('conversations:create', {}));
    const result = await rate(carol.socket, answers[1]!, -1, undefined, own.conversation.id);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(JSON.stringify(result)).not.toContain('question');
    expect(await joinedMessages(alice.socket)).toEqual(before);
  });

  it('validates the payload: values other than 1, -1 and null, a comment without a value', async () => {
    for (const payload of [
      { conversationId, messageId: answers[0], value: 0 },
      { conversationId, messageId: answers[0], value: null, comment: 'why' },
      { conversationId, messageId: answers[0], value: 1, comment: 'x'.repeat(2001) },
    ])
      expect(await alice.socket.emitWithAck('messages:feedback', payload as never)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
  });

  it('clears with null: the rating is gone, and clearing again answers null too', async () => {
    expect(await rate(carol.socket, answers[0]!, null)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await joinedMessages(alice.socket)).find((m) => m.id === answers[0])?.feedback).toEqual(
      { value: -1 },
    );
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect(await rate(alice.socket, answers[0]!, null)).toEqual({
        ok: true,
        data: { messageId: answers[0], feedback: null },
      });
    const answer = (await joinedMessages(alice.socket)).find((m) => m.id === answers[0]);
    expect(answer).toBeDefined();
    expect(answer?.feedback).toBeUndefined();
  });
});
