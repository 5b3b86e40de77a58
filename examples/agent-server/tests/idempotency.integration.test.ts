import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlConversationStore } from '@svelte-langserve/server';
import {
  connectClient,
  createConversation,
  deltaText,
  EventLog,
  startServer,
  TEST_DATABASE,
  wait,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { freshPostgresStore } from './support/postgres.js';
import { ScriptedChatModel } from './support/scripted-model.js';

let server: TestServer | undefined;
let socket: ClientSocket | undefined;
/** Run after the server has closed (stores the test opened itself). */
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  socket?.close();
  await server?.close();
  server = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
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

/**
 * A send stores its user message, its runs and their answers in one transaction: a failure (or
 * a kill -9) between those writes used to leave a message no run answers, and every retry of it
 * was acknowledged as a duplicate with `runs: []`. The failure here is a real one: a database
 * trigger refuses one agent's run.
 */
describe('messages:send that fails part-way', () => {
  /** A migrated store of the dialect under test, with SQL to make it refuse writes. */
  async function ownStore(): Promise<SqlConversationStore> {
    if (TEST_DATABASE === 'postgres') {
      const fresh = await freshPostgresStore();
      cleanups.push(fresh.dispose);
      return fresh.store;
    }
    const folder = mkdtempSync(path.join(tmpdir(), 'idempotency-test-'));
    const store = SqlConversationStore.open({
      dialect: 'sqlite',
      file: path.join(folder, 'db.sqlite'),
    });
    await store.migrate();
    cleanups.push(async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    });
    return store;
  }

  /** Makes the database refuse every run of `agentId` (a real constraint failure, mid-send). */
  async function refuseRunsOf(store: SqlConversationStore, agentId: string) {
    if (store.dialect === 'postgres') {
      await sql
        .raw(
          `create function refuse_runs() returns trigger language plpgsql as $$ begin
             if new.agent_id = '${agentId}' then raise exception 'disk full'; end if;
             return new;
           end $$`,
        )
        .execute(store.db);
      await sql
        .raw(
          'create trigger refuse_runs before insert on runs for each row execute function refuse_runs()',
        )
        .execute(store.db);
    } else
      await sql
        .raw(
          `create trigger refuse_runs before insert on runs when new.agent_id = '${agentId}'
           begin select raise(abort, 'disk full'); end`,
        )
        .execute(store.db);
    const drop =
      store.dialect === 'postgres'
        ? 'drop trigger refuse_runs on runs'
        : 'drop trigger refuse_runs';
    return () => sql.raw(drop).execute(store.db);
  }

  it('stores nothing when a run cannot be stored; the retry stores the message with all its runs', async () => {
    const store = await ownStore();
    const allow = await refuseRunsOf(store, 'code-assistant');
    const model = new ScriptedChatModel({ tokens: ['x'], delayMs: 5 });
    server = await startServer({ model, store });
    socket = await connectClient(server.url);
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const payload = {
      conversationId,
      clientMessageId: 'two-agents',
      text: 'Hello both',
      agentIds: ['chatbot', 'code-assistant'],
    };

    const failed = await socket.emitWithAck('messages:send', payload);
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    // Not the message, not the first agent's answer or run.
    expect(await store.listMessages(conversationId)).toEqual([]);
    expect(await store.findByClientMessageId(conversationId, 'two-agents')).toBeUndefined();

    await allow();
    const retried = await socket.emitWithAck('messages:send', payload);
    if (!retried.ok) throw new Error(`retry failed: ${retried.error.message}`);
    expect(retried.data.runs.map((run) => [run.agentId, run.status])).toEqual([
      ['chatbot', 'running'],
      ['code-assistant', 'running'],
    ]);
    for (const run of retried.data.runs) await log.ended(run.id);
    expect(model.calls).toBe(2);
    // A run's end is emitted before it is stored (docs/delivery.md): wait for the store.
    let stored = await store.listRunsByTrigger(retried.data.message.id);
    for (let tries = 0; tries < 200 && stored.some((run) => run.status === 'running'); tries++) {
      await wait(10);
      stored = await store.listRunsByTrigger(retried.data.message.id);
    }
    expect(stored.map((run) => run.status)).toEqual(['completed', 'completed']);
  });

  it('a retry of a stored message that has no run (left by a kill -9) creates its runs, once', async () => {
    const store = await ownStore();
    const model = new ScriptedChatModel({ tokens: ['answered'], delayMs: 5 });
    server = await startServer({ model, store });
    socket = await connectClient(server.url);
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    // What a server that stored the message and its runs in separate writes left when it was
    // killed between them.
    const left = await store.appendMessage({
      id: randomUUID(),
      conversationId,
      role: 'user',
      parts: [{ type: 'text', text: 'Anyone there?' }],
      status: 'complete',
      createdAt: new Date().toISOString(),
      clientMessageId: 'left-alone',
    });

    const payload = { conversationId, clientMessageId: 'left-alone', text: 'Anyone there?' };
    // Retries arriving together (a reconnecting client's outbox, twice) create one run.
    const results = await Promise.all(
      [1, 2, 3].map(() => socket!.emitWithAck('messages:send', payload)),
    );
    const acknowledged = results.map((result) => {
      if (!result.ok) throw new Error(`retry failed: ${result.error.message}`);
      return result.data;
    });
    for (const data of acknowledged) {
      expect(data.message.id).toBe(left.id);
      expect(data.runs).toHaveLength(1);
    }
    const runId = acknowledged[0]!.runs[0]!.id;
    expect(new Set(acknowledged.map((data) => data.runs[0]!.id))).toEqual(new Set([runId]));
    await log.ended(runId);
    expect(deltaText(log.forRun(runId))).toBe('answered');
    expect(model.calls).toBe(1);

    // Later retries report that run; nothing new starts.
    const later = await socket.emitWithAck('messages:send', payload);
    expect(later.ok && later.data.runs).toEqual([
      expect.objectContaining({ id: runId, status: 'completed' }),
    ]);
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    expect(
      joined.ok && joined.data.messages.map((message) => [message.role, message.status]),
    ).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(model.calls).toBe(1);
  });
});
