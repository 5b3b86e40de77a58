import { afterEach, describe, expect, it } from 'vitest';
import {
  connectClient,
  createConversation,
  EventLog,
  startServer,
  wait,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { InMemoryConversationStore, type RunRecord } from '../src/conversations/store.js';
import { ScriptedChatModel } from './support/scripted-model.js';

let server: TestServer | undefined;
let socket: ClientSocket | undefined;

afterEach(async () => {
  socket?.close();
  await server?.close();
});

describe('messages:send idempotency', () => {
  it('a repeated clientMessageId returns the same message and runs and starts nothing new', async () => {
    const model = new ScriptedChatModel({ tokens: ['one ', 'answer'], delayMs: 5 });
    server = await startServer({ model });
    socket = await connectClient(server.url);
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const payload = { conversationId, clientMessageId: 'retry-me', text: 'Hello once' };

    const first = await socket.emitWithAck('messages:send', payload);
    const second = await socket.emitWithAck('messages:send', payload);
    if (!first.ok || !second.ok) throw new Error('send failed');
    expect(second.data.message).toEqual(first.data.message);
    expect(second.data.runs.map((run) => run.id)).toEqual(first.data.runs.map((run) => run.id));
    await log.ended(first.data.runs[0]!.id);

    // After the run ended, a retry reports the run's final status.
    const third = await socket.emitWithAck('messages:send', { ...payload, text: 'different text' });
    if (!third.ok) throw new Error('send failed');
    expect(third.data.message).toEqual(first.data.message);
    expect(third.data.runs).toEqual([
      expect.objectContaining({ id: first.data.runs[0]!.id, status: 'completed' }),
    ]);

    await wait(30);
    expect(model.calls).toBe(1);
    expect(log.created).toHaveLength(1);
    expect(new Set(log.runEvents.map((event) => event.runId)).size).toBe(1);
    expect(log.runEvents.filter((event) => event.type === 'start')).toHaveLength(1);
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    expect(joined.ok && joined.data.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
    ]);
  });

  it('concurrent sends with the same clientMessageId create one message and one run', async () => {
    const model = new ScriptedChatModel({ tokens: ['x'], delayMs: 5 });
    server = await startServer({ model });
    socket = await connectClient(server.url);
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const payload = { conversationId, clientMessageId: 'burst', text: 'Same' };
    const results = await Promise.all(
      [1, 2, 3].map(() => socket!.emitWithAck('messages:send', payload)),
    );
    const ids = results.map((result) => (result.ok ? result.data.message.id : 'failed'));
    expect(new Set(ids).size).toBe(1);
    const runIds = results.map((result) =>
      result.ok ? result.data.runs.map((run) => run.id).join() : '',
    );
    expect(new Set(runIds).size).toBe(1);
    await log.ended(runIds[0]!);
    await wait(30);
    expect(model.calls).toBe(1);
    expect(log.created).toHaveLength(1);
  });

  it('the same clientMessageId in another conversation is a different message', async () => {
    const model = new ScriptedChatModel({ tokens: ['x'] });
    server = await startServer({ model });
    socket = await connectClient(server.url);
    const a = await createConversation(socket);
    const b = await createConversation(socket);
    const first = await socket.emitWithAck('messages:send', {
      conversationId: a,
      clientMessageId: 'same',
      text: 'a',
    });
    const second = await socket.emitWithAck('messages:send', {
      conversationId: b,
      clientMessageId: 'same',
      text: 'b',
    });
    if (!first.ok || !second.ok) throw new Error('send failed');
    expect(second.data.message.id).not.toBe(first.data.message.id);
    expect(second.data.message.conversationId).toBe(b);
  });
});

describe('messages:send that fails part-way', () => {
  it('ends the runs it had prepared, so none is left "running" forever', async () => {
    class FailingSecondRun extends InMemoryConversationStore {
      runsCreated = 0;
      override async createRun(run: RunRecord): Promise<RunRecord> {
        this.runsCreated += 1;
        if (this.runsCreated === 2) throw new Error('disk full');
        return super.createRun(run);
      }
    }
    const store = new FailingSecondRun();
    const model = new ScriptedChatModel({ tokens: ['x'], delayMs: 5 });
    server = await startServer({ model, store });
    socket = await connectClient(server.url);
    const conversationId = await createConversation(socket);
    const payload = {
      conversationId,
      clientMessageId: 'two-agents',
      text: 'Hello both',
      agentIds: ['chatbot', 'code-assistant'],
    };

    const failed = await socket.emitWithAck('messages:send', payload);
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });

    // The retry finds the stored message; its one prepared run has ended, not hung.
    const retried = await socket.emitWithAck('messages:send', payload);
    if (!retried.ok) throw new Error('retry failed');
    expect(retried.data.runs).toEqual([expect.objectContaining({ status: 'interrupted' })]);
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    expect(joined.ok && joined.data.runs).toEqual([]);
    expect(model.calls).toBe(0);
  });
});
