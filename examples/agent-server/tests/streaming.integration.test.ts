import type { Message, RunInfo } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { composeDemoAnswer } from '../src/providers/demo-answers.js';
import {
  createConversation,
  deltaText,
  EventLog,
  serverPerTest,
  type ClientSocket,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const harness = serverPerTest();
const client = () => harness.client();

async function send(socket: ClientSocket, conversationId: string, text: string, id = 'c1') {
  const result = await socket.emitWithAck('messages:send', {
    conversationId,
    clientMessageId: id,
    text,
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

describe('streaming a run over Socket.IO', () => {
  it('delivers tokens incrementally: start, several deltas, one end, seq 0..n', async () => {
    const tokens = Array.from({ length: 12 }, (_, index) => `t${index} `);
    const model = new ScriptedChatModel({ tokens, delayMs: 25 });
    await harness.start({ model, config: { runFlushIntervalMs: 10 } });
    const socket = await client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const { runs } = await send(socket, conversationId, 'Hello');
    expect(runs).toHaveLength(1);
    const run = runs[0] as RunInfo;
    expect(run).toMatchObject({ status: 'running', seq: -1, agentId: 'chatbot', conversationId });
    await log.ended(run.id);

    const events = log.forRun(run.id);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    expect(events[0]).toMatchObject({
      type: 'start',
      seq: 0,
      messageId: run.messageId,
      attempt: 1,
    });
    expect(events.filter((event) => event.type === 'end')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    const deltas = events.filter((event) => event.type === 'text-delta');
    expect(deltas.length).toBeGreaterThanOrEqual(6);
    expect(deltaText(deltas)).toBe(tokens.join(''));
    // Incremental: the first text arrived long before the run ended.
    expect(events.at(-1)!.receivedAt - deltas[0]!.receivedAt).toBeGreaterThan(150);
    expect(model.calls).toBe(1);
  });

  it('sends the first delta at once and coalesces later ones to one per flush interval', async () => {
    const tokens = Array.from({ length: 60 }, (_, index) => `w${index} `);
    const model = new ScriptedChatModel({ tokens, delayMs: 5 });
    await harness.start({ model, config: { runFlushIntervalMs: 250 } });
    const socket = await client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const { runs } = await send(socket, conversationId, 'Coalesce please');
    const runId = runs[0]!.id;
    await log.ended(runId);

    const events = log.forRun(runId);
    const deltas = events.filter((event) => event.type === 'text-delta');
    expect(deltas[0]!.type === 'text-delta' && deltas[0]!.text).toBe('w0 ');
    // The first delta did not wait for the flush interval.
    expect(deltas[0]!.receivedAt - events[0]!.receivedAt).toBeLessThan(200);
    // 60 tokens over 300+ ms with a 250 ms interval: the first, one or two timed flushes, the last.
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.length).toBeLessThanOrEqual(5);
    // Every delta but the final flush (forced by the end) waits a full interval after the last.
    for (let index = 1; index < deltas.length - 1; index += 1) {
      expect(deltas[index]!.receivedAt - deltas[index - 1]!.receivedAt).toBeGreaterThanOrEqual(200);
    }
    expect(deltaText(deltas)).toBe(tokens.join(''));
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
  });

  it('turns a burst of tokens from a fast model into far fewer deltas with the exact text', async () => {
    const tokens = Array.from({ length: 400 }, (_, index) =>
      index % 7 === 0 ? '\n' : `x${index} `,
    );
    const model = new ScriptedChatModel({ tokens, delayMs: 0 });
    await harness.start({ model, config: { runFlushIntervalMs: 16 } });
    const socket = await client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const { runs } = await send(socket, conversationId, 'fast');
    await log.ended(runs[0]!.id);
    const deltas = log.forRun(runs[0]!.id).filter((event) => event.type === 'text-delta');
    expect(deltas.length).toBeLessThan(tokens.length / 4);
    expect(deltaText(deltas)).toBe(tokens.join(''));
  });

  it('acknowledges the send before message:created and before the run starts', async () => {
    const model = new ScriptedChatModel({ tokens: ['a', 'b'], delayMs: 0 });
    await harness.start({ model });
    const socket = await client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    // The raw callback runs synchronously when the ack packet is decoded (no promise delay).
    const { runs, message } = await new Promise<{ runs: RunInfo[]; message: Message }>(
      (resolve, reject) =>
        socket.emit(
          'messages:send',
          { conversationId, clientMessageId: 'c1', text: 'order' },
          (result) => {
            log.order.push('ack');
            if (result.ok) resolve(result.data);
            else reject(new Error(result.error.message));
          },
        ),
    );
    await log.ended(runs[0]!.id);
    expect(log.order.slice(0, 3)).toEqual(['ack', 'message:created', 'run:start']);
    expect(log.created).toEqual([message]);
    expect(message).toMatchObject({ role: 'user', status: 'complete', clientMessageId: 'c1' });
  });

  it('a join mid-run returns text consistent with the run seq, and the rest follows', async () => {
    const tokens = Array.from({ length: 40 }, (_, index) => `p${index} `);
    const model = new ScriptedChatModel({ tokens, delayMs: 10 });
    await harness.start({ model, config: { runFlushIntervalMs: 16 } });
    const sender = await client();
    const senderLog = new EventLog(sender);
    const conversationId = await createConversation(sender);
    const { runs } = await send(sender, conversationId, 'join me');
    const runId = runs[0]!.id;
    await senderLog.until(() => senderLog.forRun(runId).length >= 5);

    const late = await client();
    const lateLog = new EventLog(late);
    const joined = await late.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    const info = joined.data.runs.find((run) => run.id === runId);
    expect(info).toBeDefined();
    expect(info!.status).toBe('running');
    const assistant = joined.data.messages.find((message) => message.runId === runId);
    expect(assistant?.status).toBe('streaming');
    await senderLog.ended(runId);
    await lateLog.ended(runId);

    const all = senderLog.forRun(runId);
    const upToSnapshot = all.filter((event) => event.seq <= info!.seq);
    expect(assistant!.parts[0]).toEqual({ type: 'text', text: deltaText(upToSnapshot) });
    // The late joiner receives exactly the events after the snapshot's seq.
    expect(lateLog.forRun(runId).map((event) => event.seq)).toEqual(
      all.filter((event) => event.seq > info!.seq).map((event) => event.seq),
    );
    expect(deltaText(upToSnapshot) + deltaText(lateLog.forRun(runId))).toBe(tokens.join(''));

    const after = await late.emitWithAck('conversations:join', { conversationId });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.data.runs).toEqual([]);
    expect(after.data.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(after.data.messages[1]!.parts).toEqual([{ type: 'text', text: tokens.join('') }]);
  });

  it('sends the conversation history to the model', async () => {
    const model = new ScriptedChatModel({ tokens: ['ok'], delayMs: 0 });
    await harness.start({ model });
    const socket = await client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const first = await send(socket, conversationId, 'first question', 'm1');
    await log.ended(first.runs[0]!.id);
    const second = await send(socket, conversationId, 'second question', 'm2');
    await log.ended(second.runs[0]!.id);
    expect(model.lastInput.map((message) => [message.getType(), message.content])).toEqual([
      ['system', expect.stringContaining('helpful assistant')],
      ['human', 'first question'],
      ['ai', 'ok'],
      ['human', 'second question'],
    ]);
  });

  it('ends a run as failed with a user-safe error and keeps the partial text', async () => {
    const secret = Object.assign(new Error('upstream said: key sk-SECRET is invalid'), {
      status: 401,
    });
    const model = new ScriptedChatModel({
      tokens: ['partial ', 'never'],
      failWith: secret,
      failAfter: 1,
    });
    await harness.start({ model });
    const socket = await client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const { runs } = await send(socket, conversationId, 'fail');
    await log.ended(runs[0]!.id);
    const events = log.forRun(runs[0]!.id);
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', status: 'failed' });
    expect(end.type === 'end' && end.error).toBe(
      'The model provider refused the request: check the API key.',
    );
    expect(JSON.stringify(events)).not.toContain('sk-SECRET');
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data.messages[1]).toMatchObject({
      status: 'failed',
      error: 'The model provider refused the request: check the API key.',
      parts: [{ type: 'text', text: 'partial ' }],
    });
  });

  it('streams the offline demo model by default, labelled as demo', async () => {
    await harness.start({ config: { demoTokenDelayMs: 1 } });
    const socket = await client();
    const log = new EventLog(socket);
    const agents = await socket.emitWithAck('agents:list', {});
    expect(agents.ok && agents.data.agents[0]).toEqual(
      expect.objectContaining({ id: 'chatbot', provider: 'demo', model: 'demo', demo: true }),
    );
    const conversationId = await createConversation(socket);
    const { runs } = await send(socket, conversationId, 'What is the demo?');
    await log.ended(runs[0]!.id);
    const events = log.forRun(runs[0]!.id);
    expect(events[0]).toMatchObject({
      type: 'start',
      metadata: { provider: 'demo', model: 'demo', demo: true },
    });
    expect(deltaText(events)).toBe(composeDemoAnswer('What is the demo?'));
    expect(events.filter((event) => event.type === 'text-delta').length).toBeGreaterThan(3);
  });
});
