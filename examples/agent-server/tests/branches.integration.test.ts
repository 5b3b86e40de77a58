import type { BaseMessage } from '@langchain/core/messages';
import type { Message, RunInfo, RunStartEvent } from 'svelte-langserve/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectClient,
  createConversation,
  EventLog,
  startServer,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

let server: TestServer | undefined;
let socket: ClientSocket | undefined;

afterEach(async () => {
  socket?.close();
  await server?.close();
});

/** The model echoes nothing useful; what matters is the history it is given. */
const seen = (model: ScriptedChatModel) =>
  model.lastInput
    .filter((message: BaseMessage) => message.getType() !== 'system')
    .map((message: BaseMessage) => `${message.getType()}:${String(message.content)}`);

async function setUp() {
  const model = new ScriptedChatModel({ tokens: ['answer'] });
  server = await startServer({ model });
  socket = await connectClient(server.url);
  const log = new EventLog(socket);
  const conversationId = await createConversation(socket);
  let sent = 0;
  const send = async (text: string, parentId?: string | null) => {
    sent += 1;
    const result = await (socket as ClientSocket).emitWithAck('messages:send', {
      conversationId,
      clientMessageId: `b${sent}`,
      text,
      ...(parentId !== undefined ? { parentId } : {}),
    });
    if (!result.ok) throw new Error(result.error.message);
    const run = result.data.runs[0] as RunInfo;
    await log.ended(run.id);
    return { message: result.data.message, run };
  };
  const regenerate = async (messageId: string) => {
    const result = await (socket as ClientSocket).emitWithAck('messages:regenerate', {
      conversationId,
      messageId,
    });
    if (!result.ok) throw new Error(result.error.message);
    const run = result.data.runs[0] as RunInfo;
    await log.ended(run.id);
    return run;
  };
  const join = async (): Promise<Message[]> => {
    const result = await (socket as ClientSocket).emitWithAck('conversations:join', {
      conversationId,
    });
    if (!result.ok) throw new Error(result.error.message);
    return result.data.messages;
  };
  return { model, log, conversationId, send, regenerate, join };
}

describe('branches (real server, real sockets, SQLite)', () => {
  it('regenerate keeps the old answer as a sibling; the tree survives a reload', async () => {
    const { model, log, send, regenerate, join } = await setUp();
    const first = await send('first question');
    const second = await regenerate(first.run.messageId);
    expect(second.messageId).not.toBe(first.run.messageId);
    // The new answer replies to the same question, and says so in its start event.
    const start = log
      .forRun(second.id)
      .find((event): event is RunStartEvent & { receivedAt: number } => event.type === 'start');
    expect(start?.parentId).toBe(first.message.id);
    // The model was asked the same question again, without the first answer.
    expect(seen(model)).toEqual(['human:first question']);

    const messages = await join();
    const answers = messages.filter((message) => message.parentId === first.message.id);
    expect(answers.map((message) => message.id)).toEqual([first.run.messageId, second.messageId]);
    expect(answers.every((message) => message.role === 'assistant')).toBe(true);
  });

  it('a new message continues the branch it names; edits start a sibling branch', async () => {
    const { model, send, regenerate, join } = await setUp();
    const first = await send('first question');
    const regenerated = await regenerate(first.run.messageId);
    // Continue after the regenerated answer (the branch the user is looking at).
    const followUp = await send('follow-up', regenerated.messageId);
    expect(followUp.message.parentId).toBe(regenerated.messageId);
    expect(seen(model)).toEqual(['human:first question', 'ai:answer', 'human:follow-up']);
    // Edit the follow-up: a sibling of it (same parent), answered on its own branch.
    const edited = await send('follow-up, edited', regenerated.messageId);
    expect(edited.message.parentId).toBe(followUp.message.parentId);
    expect(seen(model)).toEqual(['human:first question', 'ai:answer', 'human:follow-up, edited']);
    // Edit the first question: a new root.
    const root = await send('a different first question', null);
    expect(root.message.parentId).toBeUndefined();
    expect(seen(model)).toEqual(['human:a different first question']);
    // Without a parent, a message follows the conversation's latest message.
    const latest = await send('and then');
    expect(latest.message.parentId).toBe(root.run.messageId);

    const messages = await join();
    const byId = new Map(messages.map((message) => [message.id, message]));
    expect(byId.get(edited.message.id)?.parentId).toBe(regenerated.messageId);
    expect(byId.get(regenerated.messageId)?.parentId).toBe(first.message.id);
  });

  it('refuses bad targets with typed errors and stores nothing', async () => {
    const { send, join, conversationId } = await setUp();
    const first = await send('question');
    const client = socket as ClientSocket;
    const userMessage = await client.emitWithAck('messages:regenerate', {
      conversationId,
      messageId: first.message.id,
    });
    expect(userMessage).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const unknown = await client.emitWithAck('messages:regenerate', {
      conversationId,
      messageId: 'no-such-message',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const badParent = await client.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'bad-parent',
      text: 'x',
      parentId: 'no-such-message',
    });
    expect(badParent).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await join()).toHaveLength(2);
  });
});
