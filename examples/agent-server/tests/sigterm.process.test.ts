import type { RunInfo } from 'svelte-langserve/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, createConversation, deltaText, EventLog } from './support/harness.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const processes: ServerProcess[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((server) => server.dispose()));
});

async function startProcess(env: Record<string, string>) {
  const server = await startServerProcess(env);
  processes.push(server);
  return server;
}

async function startRun(url: string) {
  const socket = await connectClient(url);
  const log = new EventLog(socket);
  const conversationId = await createConversation(socket);
  const result = await socket.emitWithAck('messages:send', {
    conversationId,
    clientMessageId: 'sigterm',
    text: 'Explain streaming in detail',
  });
  if (!result.ok) throw new Error(result.error.message);
  const run = result.data.runs[0] as RunInfo;
  await log.until(() => log.forRun(run.id).some((event) => event.type === 'text-delta'), 10_000);
  return { socket, log, run };
}

describe('SIGTERM (the real server process)', () => {
  it('lets a running answer finish within the grace period, then exits 0', async () => {
    const { child, url, exited } = await startProcess({
      DEMO_TOKEN_DELAY_MS: '5',
      SHUTDOWN_GRACE_MS: '20000',
    });
    const { socket, log, run } = await startRun(url);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const events = log.forRun(run.id);
    expect(events.filter((event) => event.type === 'end')).toEqual([
      expect.objectContaining({ status: 'completed' }),
    ]);
    expect(deltaText(events).length).toBeGreaterThan(100);
    socket.close();
  }, 30_000);

  it('marks answers still running at the end of the grace period interrupted, then exits 0', async () => {
    const { child, url, exited } = await startProcess({
      DEMO_TOKEN_DELAY_MS: '200',
      SHUTDOWN_GRACE_MS: '300',
    });
    const { socket, log, run } = await startRun(url);
    const signalledAt = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(5000);
    expect(log.forRun(run.id).filter((event) => event.type === 'end')).toEqual([
      expect.objectContaining({ status: 'interrupted' }),
    ]);
    socket.close();
  }, 30_000);
});
