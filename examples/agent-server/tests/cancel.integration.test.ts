import { describe, expect, it } from 'vitest';
import { InMemoryConversationStore } from '@svelte-langserve/server';
import { createConversation, deltaText, EventLog, serverPerTest, wait } from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const harness = serverPerTest();

async function startSlowRun(model: ScriptedChatModel, store = new InMemoryConversationStore()) {
  await harness.start({ model, store, config: { runFlushIntervalMs: 0 } });
  const socket = await harness.client();
  const log = new EventLog(socket);
  const conversationId = await createConversation(socket);
  const sent = await socket.emitWithAck('messages:send', {
    conversationId,
    clientMessageId: 'slow',
    text: 'take your time',
  });
  if (!sent.ok) throw new Error(sent.error.message);
  const run = sent.data.runs[0]!;
  await log.until(() => log.forRun(run.id).some((event) => event.type === 'text-delta'));
  return { socket, log, conversationId, run, store };
}

describe('cancelling a run', () => {
  it('aborts the model call and ends the run as cancelled, with no delta after the end', async () => {
    const tokens = Array.from({ length: 100 }, (_, index) => `c${index} `);
    const model = new ScriptedChatModel({ tokens, delayMs: 100 });
    const { socket, log, conversationId, run } = await startSlowRun(model);

    const cancelled = await socket.emitWithAck('runs:cancel', { runId: run.id });
    // The server runs in this process: the model saw the abort before the ack was sent, not
    // when its next token (up to 100 ms later) would have been consumed.
    expect(model.aborted).toBe(1);
    expect(cancelled.ok).toBe(true);
    if (!cancelled.ok) return;
    expect(cancelled.data.run).toMatchObject({ id: run.id, status: 'cancelled' });

    const yieldedAtAbort = model.yielded;
    await wait(250); // 2.5 token intervals: a model that ignored the abort would go on yielding
    expect(model.yielded).toBe(yieldedAtAbort);
    expect(model.yielded).toBeLessThan(5);

    const events = log.forRun(run.id);
    const ends = events.filter((event) => event.type === 'end');
    expect(ends).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'cancelled' });
    expect(cancelled.data.run.seq).toBe(events.at(-1)!.seq);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));

    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data.runs).toEqual([]);
    expect(joined.data.messages[1]).toMatchObject({
      status: 'cancelled',
      parts: [{ type: 'text', text: deltaText(events) }],
    });
  });

  it('answers conflict when the run already ended, and not_found for an unknown run', async () => {
    const model = new ScriptedChatModel({ tokens: ['a', 'b'], delayMs: 5 });
    const { socket, log, run } = await startSlowRun(model);
    await log.ended(run.id);
    const again = await socket.emitWithAck('runs:cancel', { runId: run.id });
    expect(again).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: 'The run has already ended (completed).',
        retryable: false,
      },
    });
    const unknown = await socket.emitWithAck('runs:cancel', { runId: 'no-such-run' });
    expect(unknown.ok === false && unknown.error.code).toBe('not_found');
    expect(log.forRun(run.id).filter((event) => event.type === 'end')).toHaveLength(1);
  });

  it('ends live runs as interrupted when the app closes, and stores that', async () => {
    const tokens = Array.from({ length: 100 }, (_, index) => `i${index} `);
    const model = new ScriptedChatModel({ tokens, delayMs: 20 });
    const { log, run, store } = await startSlowRun(model);
    const closing = harness.server.close();
    await log.ended(run.id);
    await closing;
    expect(log.forRun(run.id).at(-1)).toMatchObject({ type: 'end', status: 'interrupted' });
    expect(model.aborted).toBe(1);
    const message = await store.getMessage(run.messageId);
    expect(message?.status).toBe('interrupted');
    expect(message?.parts).toEqual([{ type: 'text', text: deltaText(log.forRun(run.id)) }]);
    expect((await store.getRun(run.id))?.status).toBe('interrupted');
  });
});
