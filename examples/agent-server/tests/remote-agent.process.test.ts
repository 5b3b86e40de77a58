import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunInfo } from 'svelte-langserve/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  deltaText,
  EventLog,
  startServer,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const TOKENS = Array.from({ length: 12 }, (_, index) => `word${index} `);

describe('a remote LangServe agent behind the gateway (two servers, the second its own process)', () => {
  let first: TestServer;
  let model: ScriptedChatModel;
  let second: ServerProcess;
  let folder: string;
  let socket: ClientSocket;

  beforeAll(async () => {
    model = new ScriptedChatModel({ tokens: TOKENS, delayMs: 40 });
    first = await startServer({ model });
    // The first server's dev login mints the token the second sends (from an env variable).
    const login = await fetch(`${first.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gateway' }),
    });
    const { token } = (await login.json()) as { token: string };
    folder = mkdtempSync(path.join(tmpdir(), 'remote-agent-test-'));
    const configFile = path.join(folder, 'agents.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        agents: {
          'remote-chatbot': {
            provider: 'remote',
            url: `${first.url}/agents/chatbot/`,
            headers: { Authorization: 'Bearer ${REMOTE_TOKEN}' },
            name: 'Remote chatbot',
          },
        },
      }),
    );
    second = await startServerProcess({
      AGENTS_CONFIG: configFile,
      REMOTE_TOKEN: token,
      RUN_FLUSH_INTERVAL_MS: '0',
      MODEL_MAX_ATTEMPTS: '1',
    });
    socket = await connectClient(second.url);
  }, 60_000);

  afterAll(async () => {
    socket?.close();
    await second?.dispose();
    await first?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function send(text: string, clientMessageId: string) {
    const created = await socket.emitWithAck('conversations:create', {
      agentIds: ['remote-chatbot'],
    });
    if (!created.ok) throw new Error(created.error.message);
    const sent = await socket.emitWithAck('messages:send', {
      conversationId: created.data.conversation.id,
      clientMessageId,
      text,
    });
    if (!sent.ok) throw new Error(sent.error.message);
    return sent.data.runs[0] as RunInfo;
  }

  it('lists the remote agent, ready from its schema endpoint', async () => {
    await expect
      .poll(
        async () => {
          const result = await socket.emitWithAck('agents:list', {});
          if (!result.ok) throw new Error(result.error.message);
          return result.data.agents.find((agent) => agent.id === 'remote-chatbot');
        },
        { timeout: 10_000 },
      )
      .toMatchObject({
        name: 'Remote chatbot',
        provider: 'remote',
        health: { status: 'ready' },
      });
  });

  it('streams the remote answer over Socket.IO token by token', async () => {
    const log = new EventLog(socket);
    const run = await send('Hello over there', 'remote-1');
    await log.ended(run.id, 20_000);
    const events = log.forRun(run.id);
    expect(events.filter((event) => event.type === 'text-delta').length).toBeGreaterThanOrEqual(3);
    expect(deltaText(events)).toBe(TOKENS.join(''));
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    // The first server's model saw the conversation.
    expect(model.lastInput.at(-1)?.content).toBe('Hello over there');
  }, 30_000);

  it('cancelling the run aborts the remote call', async () => {
    const log = new EventLog(socket);
    const abortedBefore = model.aborted;
    const run = await send('Please go on and on', 'remote-2');
    await log.until(() => log.forRun(run.id).some((event) => event.type === 'text-delta'), 20_000);
    const cancelled = await socket.emitWithAck('runs:cancel', { runId: run.id });
    expect(cancelled.ok).toBe(true);
    await log.ended(run.id, 10_000);
    expect(log.forRun(run.id).at(-1)).toMatchObject({ type: 'end', status: 'cancelled' });
    // The first server's run was aborted: its model saw the abort before the last token.
    await expect.poll(() => model.aborted, { timeout: 10_000 }).toBeGreaterThan(abortedBefore);
    expect(model.yielded % TOKENS.length).not.toBe(0);
  }, 30_000);
});
