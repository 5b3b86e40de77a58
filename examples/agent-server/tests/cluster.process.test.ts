/**
 * Two server processes connected by Redis (the Socket.IO Redis Streams adapter) over one
 * PostgreSQL database, as instances behind a load balancer run (ADR 0018). A client on one
 * instance sees and controls an answer that streams on the other: the room's events reach it,
 * a join mid-stream shows the answer so far and its live run, missed events are replayed from
 * the instance that holds the run, and a cancel reaches it.
 */
import { randomBytes } from 'node:crypto';
import { ChatController, SocketIoTransport, messageText } from 'svelte-langserve/client';
import type { RunInfo } from 'svelte-langserve/protocol';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, deltaText, EventLog, type ClientSocket } from './support/harness.js';
import { freshPostgresSchema } from './support/postgres.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const REDIS_URL = process.env.REDIS_TEST_URL || 'redis://127.0.0.1:6379';

/**
 * Throws (never skips) unless Redis at {@link REDIS_URL} answers and accepts a stream write,
 * saying how to start it.
 */
async function requireRedis(): Promise<void> {
  const client = createClient({
    url: REDIS_URL,
    socket: { connectTimeout: 3000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const key = `test-probe-${randomBytes(4).toString('hex')}`;
    await client.xAdd(key, '*', { probe: '1' });
    await client.del(key);
  } catch (error) {
    throw new Error(
      `Redis at ${REDIS_URL} is not usable: ${(error as Error).message}. Start it ` +
        `(redis-server --daemonize yes --save "" --appendonly no), or set REDIS_TEST_URL.`,
      { cause: error },
    );
  } finally {
    if (client.isOpen) await client.quit();
  }
}

// Two processes, a Redis stream and a PostgreSQL schema on a shared 2-CPU CI machine: each test
// gets a minute (its own waits are shorter and say what they wait for).
describe('two instances connected by Redis', { timeout: 60_000 }, () => {
  let holder: ServerProcess;
  let other: ServerProcess;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    await requireRedis();
    const database = await freshPostgresSchema();
    cleanups.push(database.drop);
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      // A stream of this test's own: other servers on the same Redis stay out of it.
      REDIS_STREAM: `test-${randomBytes(6).toString('hex')}`,
      DEMO_TOKEN_DELAY_MS: '15',
      RUN_FLUSH_INTERVAL_MS: '0',
    };
    [holder, other] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    // The adapters find each other by heartbeat.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([holder?.dispose(), other?.dispose()]);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startAnswer(text: string) {
    const writer = await connectClient(holder.url);
    cleanups.push(() => void writer.close());
    const log = new EventLog(writer);
    const created = await writer.emitWithAck('conversations:create', { title: text });
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.data.conversation.id;
    return { writer, log, conversationId };
  }

  async function send(writer: ClientSocket, conversationId: string, text: string) {
    const sent = await writer.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: text,
      text,
    });
    if (!sent.ok) throw new Error(sent.error.message);
    return sent.data.runs[0] as RunInfo;
  }

  function controllerOn(url: string, conversationId: string) {
    const controller = new ChatController({
      conversationId,
      transport: new SocketIoTransport({
        url,
        reconnectOnWake: false,
        socketOptions: { forceNew: true },
      }),
    });
    cleanups.push(() => controller.dispose());
    controller.connect();
    return controller;
  }

  const until = (controller: ChatController, predicate: () => boolean, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      if (predicate()) return resolve();
      const timer = setTimeout(() => {
        stop();
        reject(new Error('timed out'));
      }, timeoutMs);
      const stop = controller.subscribe(() => {
        if (!predicate()) return;
        clearTimeout(timer);
        stop();
        resolve();
      });
    });

  it('a member on the other instance sees the message and every token of the answer', async () => {
    const { writer, log, conversationId } = await startAnswer('Explain streaming');
    const reader = await connectClient(other.url);
    cleanups.push(() => void reader.close());
    const readerLog = new EventLog(reader);
    const joined = await reader.emitWithAck('conversations:join', { conversationId });
    expect(joined.ok).toBe(true);
    const run = await send(writer, conversationId, 'Explain streaming in detail');
    await log.ended(run.id, 20_000);
    await readerLog.ended(run.id, 20_000);
    expect(readerLog.created.map((message) => message.role)).toContain('user');
    const seqs = readerLog.forRun(run.id).map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index));
    expect(deltaText(readerLog.forRun(run.id))).toBe(deltaText(log.forRun(run.id)));
    expect(deltaText(log.forRun(run.id)).length).toBeGreaterThan(100);
  });

  it('a client that opens the conversation mid-stream on the other instance ends with the same text', async () => {
    const { writer, log, conversationId } = await startAnswer('Compare the options');
    const run = await send(writer, conversationId, 'Compare the options');
    await log.until(() => log.forRun(run.id).filter((e) => e.type === 'text-delta').length >= 5);
    // Opened on the other instance: the answer so far, and its run as live.
    const controller = controllerOn(other.url, conversationId);
    await until(controller, () =>
      controller.snapshot.chat.messages.some((message) => message.runId === run.id),
    );
    const seen = controller.snapshot.chat.messages.find((message) => message.runId === run.id);
    expect(seen?.status).toBe('streaming');
    expect(messageText(seen!).length).toBeGreaterThan(0);
    await log.ended(run.id, 20_000);
    await until(controller, () =>
      controller.snapshot.chat.messages.some(
        (message) => message.runId === run.id && message.status !== 'streaming',
      ),
    );
    const final = controller.snapshot.chat.messages.find((message) => message.runId === run.id)!;
    expect(final.status).toBe('complete');
    expect(messageText(final)).toBe(deltaText(log.forRun(run.id)));
  });

  it('a re-join on the other instance gets the missed events from the instance holding the run', async () => {
    const { writer, log, conversationId } = await startAnswer('Summarise');
    const run = await send(writer, conversationId, 'Summarise the protocol');
    await log.until(() => log.forRun(run.id).filter((e) => e.type === 'text-delta').length >= 6);
    const reader = await connectClient(other.url);
    cleanups.push(() => void reader.close());
    const replayed = new EventLog(reader);
    // As a client that applied events up to seq 2 and reconnected elsewhere.
    const joined = await reader.emitWithAck('conversations:join', {
      conversationId,
      runs: [{ runId: run.id, seq: 2 }],
    });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data.unreplayable ?? []).toEqual([]);
    // Through the Redis stream, the replay and the newest live events may arrive in either
    // order (the client applies them by seq): compare by seq.
    // The join's answer lists the run as the holder reported it (asked before the replay):
    // the replay covers at least up to that seq.
    const reported = joined.data.runs.find((live) => live.id === run.id);
    expect(reported?.seq).toBeGreaterThanOrEqual(6);
    const upTo = reported!.seq;
    const received = () => new Set(replayed.forRun(run.id).map((event) => event.seq));
    await replayed.until(() => {
      const seqs = received();
      for (let seq = 3; seq <= upTo; seq += 1) if (!seqs.has(seq)) return false;
      return true;
    }, 10_000);
    const bySeq = new Map(replayed.forRun(run.id).map((event) => [event.seq, event]));
    expect(Math.min(...bySeq.keys())).toBe(3);
    let last = 3;
    while (bySeq.has(last + 1)) last += 1;
    expect(last).toBeGreaterThanOrEqual(upTo);
    const strip = ({ receivedAt: _receivedAt, ...event }: { receivedAt: number }) => event;
    // The re-joined client can be ahead of the holder's own socket by a live event or two.
    await log.until(() => log.forRun(run.id).length > last, 10_000);
    const holderEvents = log.forRun(run.id);
    for (let seq = 3; seq <= last; seq += 1)
      expect(strip(bySeq.get(seq)!)).toEqual(strip(holderEvents[seq]!));
  });

  it('a cancel on the other instance stops the run where it runs', async () => {
    const { writer, log, conversationId } = await startAnswer('Long one');
    const run = await send(writer, conversationId, 'Explain streaming in detail');
    await log.until(() => log.forRun(run.id).some((e) => e.type === 'text-delta'));
    const canceller = await connectClient(other.url);
    cleanups.push(() => void canceller.close());
    const cancelled = await canceller.emitWithAck('runs:cancel', { runId: run.id });
    expect(cancelled).toMatchObject({ ok: true, data: { run: { id: run.id } } });
    await log.ended(run.id, 10_000);
    expect(log.forRun(run.id).at(-1)).toMatchObject({ type: 'end', status: 'cancelled' });
  });
});
