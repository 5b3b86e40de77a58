import type { Conversation } from 'svelte-langserve/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { titleFrom } from '@svelte-langserve/server';
import {
  connectClient,
  createConversation,
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

describe('titleFrom (unit)', () => {
  it('keeps a short message, on one line', () => {
    expect(titleFrom('  What is\n the  capital of France? ')).toBe(
      'What is the capital of France?',
    );
  });

  it('cuts a long one at a word, with an ellipsis, within 60 characters', () => {
    const title = titleFrom(
      'Explain how streaming works in this project, from the model to the browser, in detail',
    );
    expect(title).toBe('Explain how streaming works in this project, from the…');
    expect(title.length).toBeLessThanOrEqual(60);
  });
});

describe('conversation titles (real server, real sockets)', () => {
  it('names a new conversation after its first message, once, and tells the room', async () => {
    server = await startServer({ model: new ScriptedChatModel({ tokens: ['ok'] }) });
    socket = await connectClient(server.url);
    const updates: Conversation[] = [];
    socket.on('conversation:updated', ({ conversation }) => updates.push(conversation));
    const conversationId = await createConversation(socket);
    const send = (text: string, id: string) =>
      (socket as ClientSocket).emitWithAck('messages:send', {
        conversationId,
        clientMessageId: id,
        text,
      });
    expect((await send('What is the capital of France?', 't1')).ok).toBe(true);
    expect((await send('And of Spain?', 't2')).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(updates.map((conversation) => conversation.title)).toEqual([
      'What is the capital of France?',
    ]);
    const list = await socket.emitWithAck('conversations:list', {});
    expect(list.ok && list.data.conversations[0]?.title).toBe('What is the capital of France?');
  });

  it('leaves a title the user chose', async () => {
    server = await startServer({ model: new ScriptedChatModel({ tokens: ['ok'] }) });
    socket = await connectClient(server.url);
    const created = await socket.emitWithAck('conversations:create', { title: 'Trip planning' });
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.data.conversation.id;
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'x',
      text: 'Where should we go?',
    });
    expect(sent.ok).toBe(true);
    const list = await socket.emitWithAck('conversations:list', {});
    expect(list.ok && list.data.conversations[0]?.title).toBe('Trip planning');
  });
});
