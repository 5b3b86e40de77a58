/**
 * Two server processes share one PostgreSQL database (as instances behind a load balancer do).
 * One is killed (SIGKILL) while it streams an answer: the other, within the lease, ends that
 * answer as interrupted and tells the clients in its room (`message:updated`), so nobody waits
 * on it forever.
 */
import type { Message, RunInfo } from 'svelte-langserve/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { ORPHANED_RUN_ERROR } from '@svelte-langserve/server';
import { connectAs, EventLog } from './support/harness.js';
import { freshPostgresSchema } from './support/postgres.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const LEASE_MS = 1500;
const HEARTBEAT_MS = 200;

describe('server instances on one PostgreSQL database', () => {
  const processes: ServerProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  afterAll(async () => {
    await Promise.all(processes.map((server) => server.dispose()));
    for (const cleanup of cleanups) await cleanup();
  });

  it('a killed instance’s answer ends interrupted, announced to the clients of the one alive', async () => {
    const database = await freshPostgresSchema();
    cleanups.push(database.drop);
    const env = {
      DATABASE_URL: database.url,
      INSTANCE_LEASE_MS: String(LEASE_MS),
      INSTANCE_HEARTBEAT_MS: String(HEARTBEAT_MS),
      // Dev tokens from one instance are accepted by the other: they share the secret.
      JWT_SECRET: 'a shared secret of at least thirty-two characters',
      DEMO_TOKEN_DELAY_MS: '40',
    };
    const [doomed, survivor] = await Promise.all([
      startServerProcess(env),
      startServerProcess(env),
    ]);
    processes.push(doomed, survivor);

    const { socket: writer } = await connectAs(doomed.url, 'ann');
    const writerLog = new EventLog(writer);
    const created = await writer.emitWithAck('conversations:create', { title: 'two instances' });
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.data.conversation.id;
    const sent = await writer.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'long',
      text: 'Explain streaming in detail',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const run = sent.data.runs[0] as RunInfo;
    await writerLog.until(
      () => writerLog.forRun(run.id).some((event) => event.type === 'text-delta'),
      15_000,
    );

    // The same user, on the other instance: the answer is stored as streaming there.
    const { socket: reader } = await connectAs(survivor.url, 'ann');
    const updates: Message[] = [];
    reader.on('message:updated', ({ message }) => updates.push(message));
    const joined = await reader.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    const answer = joined.data.messages.find((message) => message.runId === run.id);
    expect(answer?.status).toBe('streaming');

    // Alive instances are left alone: a few heartbeats later the answer still streams.
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3));
    expect(updates).toEqual([]);

    const killedAt = performance.now();
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const deadline = killedAt + LEASE_MS + HEARTBEAT_MS * 2 + 5_000;
    while (updates.length === 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const endedAfterMs = Math.round(performance.now() - killedAt);
    expect(updates.map((message) => [message.id, message.status, message.error])).toEqual([
      [answer?.id, 'interrupted', ORPHANED_RUN_ERROR],
    ]);
    // Not before the lease ran out.
    expect(endedAfterMs).toBeGreaterThanOrEqual(LEASE_MS - HEARTBEAT_MS);
    console.info(`orphaned answer ended ${endedAfterMs} ms after the kill (lease ${LEASE_MS} ms)`);

    // And it is stored so: a fresh join agrees.
    const again = await reader.emitWithAck('conversations:join', { conversationId });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.data.messages.find((message) => message.id === answer?.id)).toMatchObject({
      status: 'interrupted',
      error: ORPHANED_RUN_ERROR,
    });
    writer.close();
    reader.close();
  }, 60_000);
});
