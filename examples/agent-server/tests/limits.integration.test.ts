import { SignJWT } from 'jose';
import { PROTOCOL_VERSION, type ProtocolError } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import type { AuthConfig, LimitsConfig } from '../src/config.js';
import {
  createConversation,
  EventLog,
  serverPerTest,
  TEST_LIMITS,
  wait,
  type ClientSocket,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const limits = (overrides: Partial<LimitsConfig>): LimitsConfig => ({
  ...TEST_LIMITS,
  ...overrides,
});

const harness = serverPerTest();

async function connect(token?: string): Promise<ClientSocket> {
  return harness.client({
    auth: { protocolVersion: PROTOCOL_VERSION, ...(token ? { token } : {}) },
  });
}

function errorOf(result: { ok: boolean; error?: ProtocolError }): ProtocolError {
  if (result.ok || !result.error) throw new Error('expected a refusal');
  return result.error;
}

describe('per-socket request rate', () => {
  it('refuses requests over the bucket with limit_exceeded/rate and retryAfterMs, then recovers', async () => {
    await harness.start({
      config: { limits: limits({ eventsPerSecond: 1, eventBurst: 3 }) },
    });
    const socket = await connect();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => socket.emitWithAck('agents:list', {})),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(3);
    const refused = results.filter((result) => !result.ok).map(errorOf);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toMatchObject({ code: 'limit_exceeded', limit: 'rate', retryable: true });
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    // A refused request does not run its handler, even an invalid one (no invalid_payload).
    const invalid = await socket.emitWithAck('agents:list', { bogus: true } as never);
    expect(errorOf(invalid).code).toBe('limit_exceeded');

    await wait(refused[0]!.retryAfterMs! + 20);
    expect((await socket.emitWithAck('agents:list', {})).ok).toBe(true);

    // The bucket is per socket: another socket is not affected.
    const other = await connect();
    expect((await other.emitWithAck('agents:list', {})).ok).toBe(true);
  });
});

describe('flooding', () => {
  /** Median of `values`. */
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };

  /** Ack round trips of `count` `conversations:list` requests, one every `gapMs`. */
  async function roundTrips(socket: ClientSocket, count: number, gapMs: number) {
    const times: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const started = performance.now();
      const result = await socket.emitWithAck('conversations:list', {});
      expect(result.ok).toBe(true);
      times.push(performance.now() - started);
      await wait(gapMs);
    }
    return times;
  }

  it('a flooding socket gets limit_exceeded/rate; another client’s acks stay as fast as before', async () => {
    // The production defaults: 20 requests a second, bursts of 40.
    await harness.start({
      config: { limits: limits({ eventsPerSecond: 20, eventBurst: 40 }) },
    });
    const [flooder, neighbour] = [await connect(), await connect()];
    await createConversation(neighbour);
    const before = await roundTrips(neighbour, 15, 20);

    // The neighbour stays inside its own budget: 1 + 15 + 15 requests against a burst of 40.
    // Batches of 100 requests that read the database, as fast as the socket takes them, for as
    // long as the neighbour measures.
    let flooding = true;
    const outcomes = { ok: 0, refused: 0, other: 0 };
    const flood = (async () => {
      // Until the neighbour's measurements are done (at most 200 batches).
      for (let batch = 0; batch < 200 && flooding; batch += 1) {
        const results = await Promise.all(
          Array.from({ length: 100 }, () => flooder.emitWithAck('conversations:list', {})),
        );
        for (const result of results)
          if (result.ok) outcomes.ok += 1;
          else if (result.error.code === 'limit_exceeded' && result.error.limit === 'rate')
            outcomes.refused += 1;
          else outcomes.other += 1;
      }
    })();
    const during = await roundTrips(neighbour, 15, 20);
    flooding = false;
    await flood;

    const total = outcomes.ok + outcomes.refused + outcomes.other;
    console.info(
      `flood: ${total} requests, ${outcomes.ok} served, ${outcomes.refused} refused; ` +
        `neighbour ack median ${median(before).toFixed(2)} ms before, ${median(during).toFixed(2)} ms during`,
    );
    expect(outcomes.other).toBe(0);
    // At most the burst plus the refill while it lasted was served; the rest was refused.
    expect(outcomes.refused).toBeGreaterThan(total * 0.8);
    // "Normal": the flood (emitted from this same process) costs the neighbour a few
    // milliseconds; the bound is loose because a loaded CI machine adds noise.
    expect(median(during)).toBeLessThan(median(before) * 5 + 60);
  });
});

describe('message length', () => {
  it('refuses a text over MAX_MESSAGE_LENGTH with limit_exceeded/message_length, storing nothing', async () => {
    await harness.start({ config: { limits: limits({ maxMessageLength: 10 }) } });
    const socket = await connect();
    const conversationId = await createConversation(socket);
    const refused = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'long',
      text: 'x'.repeat(11),
    });
    expect(errorOf(refused)).toMatchObject({
      code: 'limit_exceeded',
      limit: 'message_length',
      retryable: false,
    });
    expect(errorOf(refused).message).toContain('at most 10');
    // Past the protocol's own maximum it is a schema error instead.
    const huge = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'huge',
      text: 'x'.repeat(32_001),
    });
    expect(errorOf(huge).code).toBe('invalid_payload');
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data.messages).toHaveLength(0);

    const fits = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'fits',
      text: 'x'.repeat(10),
    });
    expect(fits.ok).toBe(true);
  });
});

describe('concurrent runs per user', () => {
  const auth = (): AuthConfig => ({
    secret: SECRET,
    algorithms: ['HS256'],
    devLogin: false,
    tokenTtlSeconds: 3600,
  });
  const tokenFor = (userId: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(SECRET));

  it('refuses a send over the limit with limit_exceeded/concurrent_runs, storing nothing; retries and other users pass', async () => {
    const model = new ScriptedChatModel({ tokens: Array(400).fill('tick '), delayMs: 25 });
    await harness.start({
      model,
      config: { auth: auth(), limits: limits({ concurrentRunsPerUser: 2 }) },
    });
    const alice = await connect(await tokenFor('alice'));
    const log = new EventLog(alice);
    const conversationId = await createConversation(alice);
    const send = (clientMessageId: string) =>
      alice.emitWithAck('messages:send', { conversationId, clientMessageId, text: 'go' });

    // Two sends at once: both fit (slots are reserved while a send is stored).
    const [first, second] = await Promise.all([send('one'), send('two')]);
    if (!first.ok || !second.ok) throw new Error('expected both sends to be accepted');
    const third = await send('three');
    expect(errorOf(third)).toMatchObject({
      code: 'limit_exceeded',
      limit: 'concurrent_runs',
      retryable: true,
    });
    // Nothing was stored for the refused send.
    const joined = await alice.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data.messages.filter((message) => message.role === 'user')).toHaveLength(2);
    expect(joined.data.runs).toHaveLength(2);

    // A retry of an accepted send starts nothing new, so it is not refused.
    const retry = await send('one');
    if (!retry.ok) throw new Error(retry.error.message);
    expect(retry.data.runs.map((run) => run.id)).toEqual(first.data.runs.map((run) => run.id));

    // Another user has their own budget.
    const bob = await connect(await tokenFor('bob'));
    const bobConversation = await createConversation(bob);
    const bobSend = await bob.emitWithAck('messages:send', {
      conversationId: bobConversation,
      clientMessageId: 'b1',
      text: 'go',
    });
    expect(bobSend.ok).toBe(true);

    // Once one of alice's runs ends, she may start another.
    const runId = first.data.runs[0]!.id;
    expect((await alice.emitWithAck('runs:cancel', { runId })).ok).toBe(true);
    await log.ended(runId);
    const fourth = await send('four');
    expect(fourth.ok).toBe(true);
  });

  it('counts every agent a send names', async () => {
    const model = new ScriptedChatModel({ tokens: Array(400).fill('tick '), delayMs: 25 });
    await harness.start({
      model,
      config: { auth: auth(), limits: limits({ concurrentRunsPerUser: 2 }) },
    });
    const socket = await connect(await tokenFor('carol'));
    const agents = await socket.emitWithAck('agents:list', {});
    if (!agents.ok) throw new Error(agents.error.message);
    const agentIds = agents.data.agents.slice(0, 3).map((agent) => agent.id);
    const conversationId = await createConversation(socket);
    const refused = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'three-agents',
      text: 'go',
      agentIds,
    });
    expect(errorOf(refused)).toMatchObject({ code: 'limit_exceeded', limit: 'concurrent_runs' });
    const fits = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'two-agents',
      text: 'go',
      agentIds: agentIds.slice(0, 2),
    });
    expect(fits.ok).toBe(true);
  });

  it('counts every agent of the conversation when a send names none', async () => {
    const model = new ScriptedChatModel({ tokens: Array(400).fill('tick '), delayMs: 25 });
    await harness.start({
      model,
      config: { auth: auth(), limits: limits({ concurrentRunsPerUser: 2 }) },
    });
    const socket = await connect(await tokenFor('dave'));
    const agents = await socket.emitWithAck('agents:list', {});
    if (!agents.ok) throw new Error(agents.error.message);
    const created = await socket.emitWithAck('conversations:create', {
      agentIds: agents.data.agents.slice(0, 3).map((agent) => agent.id),
    });
    if (!created.ok) throw new Error(created.error.message);
    const refused = await socket.emitWithAck('messages:send', {
      conversationId: created.data.conversation.id,
      clientMessageId: 'all-three',
      text: 'go',
    });
    expect(errorOf(refused)).toMatchObject({ code: 'limit_exceeded', limit: 'concurrent_runs' });
  });
});

describe('payload size', () => {
  it('a Socket.IO frame over maxPayloadBytes closes that connection; the server goes on', async () => {
    await harness.start({ config: { limits: limits({ maxPayloadBytes: 2048 }) } });
    const socket = await connect();
    const conversationId = await createConversation(socket);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit(
      'messages:send',
      { conversationId, clientMessageId: 'big', text: 'x'.repeat(4000) },
      () => {
        throw new Error('an oversized frame must not be answered');
      },
    );
    expect(await disconnected).toBe('transport close');

    const other = await connect();
    expect((await other.emitWithAck('agents:list', {})).ok).toBe(true);
    // Just under the limit is fine.
    const otherConversation = await createConversation(other);
    const fits = await other.emitWithAck('messages:send', {
      conversationId: otherConversation,
      clientMessageId: 'fits',
      text: 'x'.repeat(1500),
    });
    expect(fits.ok).toBe(true);
  });

  it('an HTTP body over maxPayloadBytes gets 413 limit_exceeded/payload_size', async () => {
    const server = await harness.start({ config: { limits: limits({ maxPayloadBytes: 2048 }) } });
    const response = await fetch(`${server.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(4000) }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: ProtocolError };
    expect(body.error).toMatchObject({ code: 'limit_exceeded', limit: 'payload_size' });
  });
});
