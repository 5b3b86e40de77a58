import type { AgentInfo, RunEndEvent, RunInfo } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../src/config.js';
import { composeDemoAnswer, tokenize } from '../src/providers/demo-answers.js';
import {
  createConversation,
  deltaText,
  EventLog,
  serverPerTest,
  type ClientSocket,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const harness = serverPerTest();

async function client(): Promise<{ socket: ClientSocket; log: EventLog; conversationId: string }> {
  const socket = await harness.client();
  const log = new EventLog(socket);
  return { socket, log, conversationId: await createConversation(socket) };
}

let sent = 0;
async function send(
  socket: ClientSocket,
  conversationId: string,
  extra: { text?: string; agentIds?: string[]; settings?: Record<string, number> } = {},
) {
  sent += 1;
  return socket.emitWithAck('messages:send', {
    conversationId,
    clientMessageId: `m${sent}`,
    text: extra.text ?? 'Hello',
    ...(extra.agentIds ? { agentIds: extra.agentIds } : {}),
    ...(extra.settings ? { settings: extra.settings } : {}),
  });
}

async function sendOk(...args: Parameters<typeof send>): Promise<RunInfo[]> {
  const result = await send(...args);
  if (!result.ok) throw new Error(result.error.message);
  return result.data.runs;
}

const endOf = (log: EventLog, runId: string) =>
  log.forRun(runId).find((event) => event.type === 'end') as RunEndEvent & { receivedAt: number };

const providerError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, headers });

const FAST_RETRY = { retryBaseDelayMs: 10, modelMaxAttempts: 3 } satisfies Partial<AppConfig>;

describe('retries before the first token', () => {
  it('retries a 429 after the Retry-After it asked for, then streams', async () => {
    const model = new ScriptedChatModel({
      tokens: ['Hel', 'lo'],
      failWith: providerError(429, { 'retry-after-ms': '150' }),
      failCalls: 1,
    });
    await harness.start({ model, config: FAST_RETRY });
    const { socket, log, conversationId } = await client();
    const sentAt = performance.now();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.ended(run.id);
    const events = log.forRun(run.id);
    expect(model.calls).toBe(2);
    expect(endOf(log, run.id)).toMatchObject({ status: 'completed', metadata: { attempts: 2 } });
    expect(deltaText(events)).toBe('Hello');
    // The one start event, then the second attempt's text: nothing of the failed attempt shows.
    expect(events.filter((event) => event.type === 'start')).toHaveLength(1);
    const firstDelta = events.find((event) => event.type === 'text-delta');
    expect((firstDelta?.receivedAt ?? 0) - sentAt).toBeGreaterThanOrEqual(150);
  });

  it('retries 5xx and connection resets with backoff, up to the attempt limit', async () => {
    for (const error of [
      providerError(503),
      providerError(500),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ]) {
      const model = new ScriptedChatModel({ tokens: ['ok'], failWith: error, failCalls: 2 });
      const server = await harness.start({ model, config: FAST_RETRY });
      const { socket, log, conversationId } = await client();
      const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
      await log.ended(run.id);
      expect(model.calls).toBe(3);
      expect(endOf(log, run.id)).toMatchObject({ status: 'completed', metadata: { attempts: 3 } });
      await server.close();
    }
  });

  it('gives up after the last attempt with a safe message, and the agent turns degraded', async () => {
    const model = new ScriptedChatModel({ tokens: ['ok'], failWith: providerError(429) });
    await harness.start({ model, config: { ...FAST_RETRY, modelMaxAttempts: 2 } });
    const { socket, log, conversationId } = await client();
    const health = async () => {
      const result = await socket.emitWithAck('agents:list', {});
      if (!result.ok) throw new Error(result.error.message);
      return (result.data.agents[0] as AgentInfo).health;
    };
    for (let index = 0; index < 2; index += 1) {
      expect((await health()).status).toBe('ready');
      const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
      await log.ended(run.id);
      expect(endOf(log, run.id)).toMatchObject({
        status: 'failed',
        error: 'The model provider is rate limiting requests. Try again shortly.',
        metadata: { attempts: 2 },
      });
    }
    expect(model.calls).toBe(4);
    expect(await health()).toEqual({
      status: 'degraded',
      reason:
        'The last 2 runs failed: The model provider is rate limiting requests. Try again shortly.',
    });
    // One completed run makes it ready again.
    model.failWith = undefined;
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.ended(run.id);
    expect(endOf(log, run.id).status).toBe('completed');
    expect(await health()).toEqual({ status: 'ready' });
  });

  it('does not retry what another attempt cannot fix (401, 400)', async () => {
    const model = new ScriptedChatModel({ tokens: ['ok'], failWith: providerError(401) });
    await harness.start({ model, config: FAST_RETRY });
    const { socket, log, conversationId } = await client();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.ended(run.id);
    expect(model.calls).toBe(1);
    expect(endOf(log, run.id)).toMatchObject({
      status: 'failed',
      error: 'The model provider refused the request: check the API key.',
    });
  });

  it('never retries after output: the run fails and keeps the partial text', async () => {
    const model = new ScriptedChatModel({
      tokens: ['Par', 'tial', ' never'],
      failWith: providerError(503),
      failAfter: 2,
    });
    await harness.start({ model, config: FAST_RETRY });
    const { socket, log, conversationId } = await client();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.ended(run.id);
    expect(model.calls).toBe(1);
    expect(endOf(log, run.id)).toMatchObject({ status: 'failed', metadata: { attempts: 1 } });
    expect(deltaText(log.forRun(run.id))).toBe('Partial');
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    const stored = joined.data.messages.find((message) => message.runId === run.id);
    expect(stored).toMatchObject({
      status: 'failed',
      parts: [{ type: 'text', text: 'Partial' }],
      error: 'The model provider had an error. Try again shortly.',
    });
  });
});

describe('timeouts', () => {
  it('abandons a silent model before its first token and retries it', async () => {
    const model = new ScriptedChatModel({
      tokens: ['late', ' but fine'],
      stallAt: 0,
      stallCalls: 1,
    });
    await harness.start({ model, config: { ...FAST_RETRY, modelIdleTimeoutMs: 150 } });
    const { socket, log, conversationId } = await client();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.ended(run.id);
    expect(model.calls).toBe(2);
    expect(model.aborted).toBeGreaterThanOrEqual(1);
    expect(endOf(log, run.id)).toMatchObject({ status: 'completed', metadata: { attempts: 2 } });
    expect(deltaText(log.forRun(run.id))).toBe('late but fine');
  });

  it('fails a model that goes silent after its first tokens', async () => {
    const model = new ScriptedChatModel({ tokens: ['one', ' two', ' three'], stallAt: 2 });
    await harness.start({ model, config: { ...FAST_RETRY, modelIdleTimeoutMs: 150 } });
    const { socket, log, conversationId } = await client();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.ended(run.id);
    expect(model.calls).toBe(1);
    expect(endOf(log, run.id)).toMatchObject({
      status: 'failed',
      error: 'The model provider stopped responding.',
    });
    expect(deltaText(log.forRun(run.id))).toBe('one two');
  });

  it('ends a run that outlives its timeout as failed, within the timeout plus a margin', async () => {
    // A model that keeps streaming (never idle) but would take 10 s.
    const model = new ScriptedChatModel({
      tokens: Array.from({ length: 500 }, () => 'x'),
      delayMs: 20,
    });
    await harness.start({ model, config: { runTimeoutMs: 400 } });
    const { socket, log, conversationId } = await client();
    const sentAt = performance.now();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.ended(run.id, 3000);
    const end = endOf(log, run.id);
    expect(end).toMatchObject({
      status: 'failed',
      error: 'The agent did not finish within 0.4 s and was stopped.',
    });
    expect(end.receivedAt - sentAt).toBeGreaterThanOrEqual(400);
    expect(end.receivedAt - sentAt).toBeLessThan(400 + 500);
    await model.waitForAbort();
    // Nothing after the terminal event.
    const count = log.forRun(run.id).length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log.forRun(run.id)).toHaveLength(count);
    expect(log.forRun(run.id).at(-1)?.type).toBe('end');
  });
});

describe('runtime settings, metadata and several agents (demo model)', () => {
  it('checks settings against what each agent accepts, naming the setting and the agent', async () => {
    await harness.start({ config: { ...loadConfig({}), demoTokenDelayMs: 0 } });
    const { socket, conversationId } = await client();
    const temperature = await send(socket, conversationId, { settings: { temperature: 0.5 } });
    expect(temperature).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_payload',
        message: 'Chatbot does not accept the temperature setting.',
      },
    });
    const tooMany = await send(socket, conversationId, { settings: { maxTokens: 5000 } });
    expect(tooMany).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_payload',
        message: 'maxTokens must be a whole number from 1 to 4096 for Chatbot (got 5000).',
      },
    });
    const unknown = await send(socket, conversationId, { settings: { seed: 1 } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // Nothing was stored for the refused sends.
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    expect(joined.ok && joined.data.messages).toEqual([]);
  });

  it('applies maxTokens and records settings, usage, time to first token and tokens/s', async () => {
    await harness.start({ config: { demoTokenDelayMs: 2 } });
    const { socket, log, conversationId } = await client();
    const list = await socket.emitWithAck('agents:list', {});
    expect(list.ok && list.data.agents[0]?.settings).toEqual({
      maxTokens: { min: 1, max: 4096, integer: true },
    });
    const [run] = (await sendOk(socket, conversationId, {
      text: 'Show me a table',
      settings: { maxTokens: 6 },
    })) as [RunInfo];
    await log.ended(run.id);
    const expected = tokenize(composeDemoAnswer('Show me a table')).slice(0, 6).join('');
    expect(deltaText(log.forRun(run.id))).toBe(expected);
    const end = endOf(log, run.id);
    expect(end.status).toBe('completed');
    expect(end.metadata).toMatchObject({
      settings: { maxTokens: 6 },
      attempts: 1,
      usage: { outputTokens: 6 },
    });
    expect(end.metadata?.usage?.inputTokens).toBeGreaterThan(0);
    expect(end.metadata?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(end.metadata?.tokensPerSecond).toBeGreaterThan(0);
    // The stored message carries the same facts after a reload.
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    const stored = joined.data.messages.find((message) => message.runId === run.id);
    expect(stored?.metadata).toEqual({
      provider: 'demo',
      model: 'demo',
      demo: true,
      ...end.metadata,
    });
  });

  it('runs two agents on one message in parallel: interleaved streams that never mix', async () => {
    await harness.start({ config: { demoTokenDelayMs: 3, runFlushIntervalMs: 0 } });
    const { socket, log, conversationId } = await client();
    const text = 'Tell me about streaming';
    const runs = await sendOk(socket, conversationId, {
      text,
      agentIds: ['chatbot', 'creative-writer'],
    });
    expect(runs.map((run) => run.agentId)).toEqual(['chatbot', 'creative-writer']);
    await Promise.all(runs.map((run) => log.ended(run.id)));
    const [a, b] = runs as [RunInfo, RunInfo];
    for (const run of runs) {
      const events = log.forRun(run.id);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
      expect(events.every((event) => event.conversationId === conversationId)).toBe(true);
      expect(deltaText(events)).toBe(composeDemoAnswer(text));
      expect(endOf(log, run.id).status).toBe('completed');
    }
    // Interleaved: the order of arrival switches between the two runs many times.
    const order = log.runEvents
      .filter((event) => event.type === 'text-delta')
      .map((event) => event.runId);
    const switches = order.filter((id, index) => index > 0 && id !== order[index - 1]).length;
    expect(switches).toBeGreaterThan(5);
    expect(new Set(order)).toEqual(new Set([a.id, b.id]));
  });

  it('refuses a send to an agent whose provider is not configured, and lists why', async () => {
    const config = loadConfig({ AGENT_PROVIDER: 'anthropic' });
    await harness.start({ config });
    const { socket, conversationId } = await client();
    const list = await socket.emitWithAck('agents:list', {});
    expect(list.ok && list.data.agents[0]).toMatchObject({
      provider: 'anthropic',
      health: { status: 'unconfigured', reason: 'Set ANTHROPIC_API_KEY.' },
      settings: { temperature: { min: 0, max: 1 } },
    });
    expect(await send(socket, conversationId)).toMatchObject({
      ok: false,
      error: {
        code: 'unavailable',
        message: 'Chatbot is not configured: Set ANTHROPIC_API_KEY.',
      },
    });
  });
});

describe('shutdown', () => {
  it('lets running runs finish within the grace period before closing', async () => {
    const model = new ScriptedChatModel({ tokens: ['a', 'b', 'c', 'd'], delayMs: 60 });
    const server = await harness.start({ model, config: { shutdownGraceMs: 5000 } });
    const { socket, log, conversationId } = await client();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.until(() => log.forRun(run.id).some((event) => event.type === 'text-delta'));
    await server.close();
    expect(endOf(log, run.id)).toMatchObject({ status: 'completed' });
    expect(deltaText(log.forRun(run.id))).toBe('abcd');
  });

  it('interrupts the runs still going when the grace period ends', async () => {
    const model = new ScriptedChatModel({
      tokens: Array.from({ length: 100 }, () => 'z'),
      delayMs: 20,
    });
    const server = await harness.start({ model, config: { shutdownGraceMs: 150 } });
    const { socket, log, conversationId } = await client();
    const [run] = (await sendOk(socket, conversationId)) as [RunInfo];
    await log.until(() => log.forRun(run.id).some((event) => event.type === 'text-delta'));
    const closing = performance.now();
    await server.close();
    expect(performance.now() - closing).toBeLessThan(1000);
    expect(endOf(log, run.id)).toMatchObject({ status: 'interrupted' });
  });
});
