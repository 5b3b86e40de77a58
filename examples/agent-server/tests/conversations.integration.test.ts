import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Conversation, Message, Result } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { SqlConversationStore } from '@svelte-langserve/server';
import {
  connectAs,
  EventLog,
  serverPerTest,
  startServer,
  wait,
  waitFor,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const harness = serverPerTest();

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  return harness.start({
    model: new ScriptedChatModel({ tokens: ['ok'] }),
    ...options,
  });
}

async function user(server: TestServer, name: string) {
  const { socket, userId } = await connectAs(server.url, name);
  harness.track(socket);
  return { socket, userId };
}

function data<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

async function create(socket: ClientSocket, title?: string): Promise<Conversation> {
  return data(await socket.emitWithAck('conversations:create', title ? { title } : {}))
    .conversation;
}

/** Sends a message and waits until its run has ended (so the next one is strictly later). */
async function sendAndFinish(
  socket: ClientSocket,
  log: EventLog,
  conversationId: string,
  text: string,
) {
  const sent = data(
    await socket.emitWithAck('messages:send', { conversationId, clientMessageId: text, text }),
  );
  for (const run of sent.runs) await log.ended(run.id);
  return sent;
}

const texts = (messages: Message[]) =>
  messages.map((message) => (message.parts[0]?.type === 'text' ? message.parts[0].text : ''));

describe('conversations over real sockets (SQLite file per server)', () => {
  it('creates with the caller as owner; list pages newest first; activity moves one to the top', async () => {
    const server = await start();
    const { socket, userId } = await user(server, 'ann');
    const made: Conversation[] = [];
    for (let index = 0; index < 5; index += 1) {
      made.push(await create(socket, `c${index}`));
      await wait(2); // distinct updatedAt
    }
    expect(made[0]?.ownerId).toBe(userId);

    const first = data(await socket.emitWithAck('conversations:list', { limit: 2 }));
    const second = data(
      await socket.emitWithAck('conversations:list', {
        limit: 2,
        cursor: first.nextCursor as string,
      }),
    );
    const third = data(
      await socket.emitWithAck('conversations:list', {
        limit: 2,
        cursor: second.nextCursor as string,
      }),
    );
    expect(
      [first, second, third].flatMap((page) => page.conversations.map((c) => c.title)),
    ).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
    expect(third.nextCursor).toBeNull();

    const log = new EventLog(socket);
    await sendAndFinish(socket, log, (made[0] as Conversation).id, 'wake up');
    const after = data(await socket.emitWithAck('conversations:list', {}));
    expect(after.conversations.map((c) => c.title)).toEqual(['c0', 'c4', 'c3', 'c2', 'c1']);
    expect(after.nextCursor).toBeNull();

    const bad = await socket.emitWithAck('conversations:list', { cursor: 'garbage' });
    expect(!bad.ok && bad.error.code).toBe('invalid_payload');
  });

  it('renames and changes agents; the room hears conversation:updated; unknown agents are refused', async () => {
    const server = await start();
    const { socket } = await user(server, 'ann');
    const { socket: other } = await user(server, 'ann'); // same user, second tab
    const conversation = await create(socket);
    data(await other.emitWithAck('conversations:join', { conversationId: conversation.id }));
    const heard: Conversation[] = [];
    other.on('conversation:updated', (event) => heard.push(event.conversation));

    const updated = data(
      await socket.emitWithAck('conversations:update', {
        conversationId: conversation.id,
        title: 'Renamed',
        agentIds: ['chatbot', 'data-analyst'],
      }),
    ).conversation;
    expect(updated).toMatchObject({
      id: conversation.id,
      title: 'Renamed',
      agentIds: ['chatbot', 'data-analyst'],
    });
    expect(updated.updatedAt >= conversation.updatedAt).toBe(true);
    await waitFor(() => heard.length === 1);
    expect(heard[0]).toEqual(updated);

    const unknown = await socket.emitWithAck('conversations:update', {
      conversationId: conversation.id,
      agentIds: ['nobody'],
    });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    const joined = data(
      await socket.emitWithAck('conversations:join', { conversationId: conversation.id }),
    );
    expect(joined.conversation).toEqual(updated);
  });

  it('deletes: the room hears conversation:deleted, its sockets leave it, and it is gone', async () => {
    const server = await start({
      model: new ScriptedChatModel({ tokens: ['slow '], delayMs: 5000 }),
    });
    const { socket } = await user(server, 'ann');
    const { socket: other } = await user(server, 'ann');
    const log = new EventLog(other);
    const conversation = await create(socket);
    data(await other.emitWithAck('conversations:join', { conversationId: conversation.id }));
    // A live run is cancelled by the delete.
    const sent = data(
      await socket.emitWithAck('messages:send', {
        conversationId: conversation.id,
        clientMessageId: 'x',
        text: 'long answer please',
      }),
    );
    const deleted: string[] = [];
    other.on('conversation:deleted', (event) => deleted.push(event.conversationId));

    expect(
      data(await socket.emitWithAck('conversations:delete', { conversationId: conversation.id })),
    ).toEqual({ conversationId: conversation.id });
    await waitFor(() => deleted.length === 1);
    await log.ended(sent.runs[0]!.id);
    expect(log.forRun(sent.runs[0]!.id).at(-1)).toMatchObject({ type: 'end', status: 'cancelled' });
    await waitFor(
      () => !server.app.io.sockets.adapter.rooms.has(`conversation:${conversation.id}`),
    );

    for (const request of [
      socket.emitWithAck('conversations:join', { conversationId: conversation.id }),
      socket.emitWithAck('conversations:delete', { conversationId: conversation.id }),
      socket.emitWithAck('messages:send', {
        conversationId: conversation.id,
        clientMessageId: 'y',
        text: 'hi',
      }),
    ]) {
      const result = await request;
      expect(!result.ok && result.error.code).toBe('not_found');
    }
    expect(data(await socket.emitWithAck('conversations:list', {})).conversations).toEqual([]);
  });

  it('leave: the socket stops hearing the room but may join again', async () => {
    const server = await start();
    const { socket } = await user(server, 'ann');
    const { socket: other } = await user(server, 'ann');
    const conversation = await create(socket);
    data(await other.emitWithAck('conversations:join', { conversationId: conversation.id }));
    const otherLog = new EventLog(other);
    expect(
      data(await other.emitWithAck('conversations:leave', { conversationId: conversation.id })),
    ).toEqual({ conversationId: conversation.id });

    await sendAndFinish(socket, new EventLog(socket), conversation.id, 'are you there?');
    await wait(50);
    expect(otherLog.created).toEqual([]);
    expect(otherLog.runEvents).toEqual([]);

    const rejoined = data(
      await other.emitWithAck('conversations:join', { conversationId: conversation.id }),
    );
    expect(texts(rejoined.messages)).toEqual(['are you there?', 'ok']);
  });

  it('join returns the latest page; messages:history pages backwards to the first message', async () => {
    const server = await start();
    const { socket, userId } = await user(server, 'ann');
    const log = new EventLog(socket);
    const conversation = await create(socket);
    for (const text of ['q1', 'q2', 'q3']) await sendAndFinish(socket, log, conversation.id, text);
    // Six messages: q1 ok q2 ok q3 ok

    const joined = data(
      await socket.emitWithAck('conversations:join', { conversationId: conversation.id, limit: 2 }),
    );
    expect(texts(joined.messages)).toEqual(['q3', 'ok']);
    expect(joined.hasMore).toBe(true);
    expect(joined.messages[0]).toMatchObject({ role: 'user', authorId: userId });

    const older = data(
      await socket.emitWithAck('messages:history', {
        conversationId: conversation.id,
        before: joined.messages[0]!.id,
        limit: 3,
      }),
    );
    expect(texts(older.messages)).toEqual(['ok', 'q2', 'ok']);
    expect(older.hasMore).toBe(true);
    const oldest = data(
      await socket.emitWithAck('messages:history', {
        conversationId: conversation.id,
        before: older.messages[0]!.id,
      }),
    );
    expect(texts(oldest.messages)).toEqual(['q1']);
    expect(oldest.hasMore).toBe(false);

    const everything = data(
      await socket.emitWithAck('conversations:join', { conversationId: conversation.id }),
    );
    expect(everything.messages).toHaveLength(6);
    expect(everything.hasMore).toBe(false);

    const unknown = await socket.emitWithAck('messages:history', {
      conversationId: conversation.id,
      before: 'no-such-message',
    });
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
  });

  it('refuses another user everything about a conversation with not_found, and lists none of it', async () => {
    const server = await start({
      model: new ScriptedChatModel({ tokens: ['slow '], delayMs: 5000 }),
    });
    const { socket: ann } = await user(server, 'ann');
    const { socket: bob } = await user(server, 'bob');
    const anonymous = await harness.client();
    const conversation = await create(ann, 'private');
    const sent = data(
      await ann.emitWithAck('messages:send', {
        conversationId: conversation.id,
        clientMessageId: 'secret',
        text: 'secret',
      }),
    );
    const bobLog = new EventLog(bob);
    const conversationId = conversation.id;

    for (const intruder of [bob, anonymous]) {
      const results: Array<Result<unknown>> = [
        await intruder.emitWithAck('conversations:join', { conversationId }),
        await intruder.emitWithAck('conversations:update', { conversationId, title: 'mine now' }),
        await intruder.emitWithAck('conversations:delete', { conversationId }),
        await intruder.emitWithAck('conversations:leave', { conversationId }),
        await intruder.emitWithAck('messages:history', { conversationId, before: sent.message.id }),
        await intruder.emitWithAck('messages:send', {
          conversationId,
          clientMessageId: 'secret',
          text: 'x',
        }),
        await intruder.emitWithAck('runs:cancel', { runId: sent.runs[0]!.id }),
      ];
      for (const result of results) {
        expect(result.ok).toBe(false);
        // The same answer as for a conversation that does not exist: ids cannot be probed.
        expect(!result.ok && result.error.code).toBe('not_found');
      }
      expect(data(await intruder.emitWithAck('conversations:list', {})).conversations).toEqual([]);
    }
    const missing = await bob.emitWithAck('conversations:join', {
      conversationId: 'does-not-exist',
    });
    expect(!missing.ok && missing.error).toMatchObject({
      code: 'not_found',
      message: 'No such conversation.',
    });

    await wait(50);
    expect(bobLog.runEvents).toEqual([]);
    const still = data(await ann.emitWithAck('conversations:join', { conversationId }));
    expect(still.conversation.title).toBe('private');
    expect(texts(still.messages)[0]).toBe('secret');
    data(await ann.emitWithAck('runs:cancel', { runId: sent.runs[0]!.id }));
  });

  it('a member who is not the owner may use the conversation but not delete it (forbidden)', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'conversations-test-'));
    const store = SqlConversationStore.open({
      dialect: 'sqlite',
      file: path.join(folder, 'db.sqlite'),
    });
    await store.migrate();
    harness.onCleanup(async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    });
    const server = await start({ store });
    const { socket: ann } = await user(server, 'ann');
    const { socket: bob, userId: bobId } = await user(server, 'bob');
    const conversation = await create(ann);
    await store.addMember({
      conversationId: conversation.id,
      userId: bobId,
      role: 'member',
      joinedAt: new Date().toISOString(),
    });

    data(await bob.emitWithAck('conversations:join', { conversationId: conversation.id }));
    data(
      await bob.emitWithAck('conversations:update', {
        conversationId: conversation.id,
        title: 'Shared',
      }),
    );
    const bobLog = new EventLog(bob);
    const sent = await sendAndFinish(bob, bobLog, conversation.id, 'from bob');
    expect(sent.message.authorId).toBe(bobId);
    expect(
      data(await bob.emitWithAck('conversations:list', {})).conversations.map((c) => c.id),
    ).toEqual([conversation.id]);
    const refused = await bob.emitWithAck('conversations:delete', {
      conversationId: conversation.id,
    });
    expect(!refused.ok && refused.error.code).toBe('forbidden');
    expect(await store.getConversation(conversation.id)).toMatchObject({ title: 'Shared' });
  });

  it('keeps conversations across a restart on the same SQLite file', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'conversations-restart-'));
    harness.onCleanup(() => rmSync(folder, { recursive: true, force: true }));
    const database = {
      dialect: 'sqlite' as const,
      file: path.join(folder, 'nested', 'agent-server.sqlite'),
    };
    const first = await startServer({
      model: new ScriptedChatModel({ tokens: ['remembered'] }),
      config: { database },
    });
    const { socket } = await connectAs(first.url, 'ann');
    const conversation = await create(socket, 'durable');
    await sendAndFinish(socket, new EventLog(socket), conversation.id, 'remember me');
    socket.close();
    await first.close();

    const second = await start({ config: { database } });
    const { socket: again } = await user(second, 'ann');
    const listed = data(await again.emitWithAck('conversations:list', {}));
    expect(listed.conversations.map((c) => c.title)).toEqual(['durable']);
    const joined = data(
      await again.emitWithAck('conversations:join', { conversationId: conversation.id }),
    );
    expect(texts(joined.messages)).toEqual(['remember me', 'remembered']);
    expect(joined.messages[1]).toMatchObject({ status: 'complete', role: 'assistant' });
  });
});
