import type { RunInfo } from 'svelte-langserve/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryConversationStore } from '@svelte-langserve/server';
import {
  connectClient,
  createConversation,
  startServer,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

let server: TestServer | undefined;
let socket: ClientSocket | undefined;

afterEach(async () => {
  socket?.close();
  await server?.close();
});

/** A small seeded PRNG (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe('lost acknowledgements', () => {
  it('1,000 sends with 30 % of acks lost store exactly 1,000 messages and 1,000 runs', async () => {
    const store = new InMemoryConversationStore();
    const model = new ScriptedChatModel({ tokens: ['ok'] });
    // Limits far above this test's load: it is about idempotency, not throttling.
    server = await startServer({
      model,
      store,
      config: {
        limits: {
          eventsPerSecond: 100_000,
          eventBurst: 100_000,
          concurrentRunsPerUser: 10_000,
          maxPayloadBytes: 1_000_000,
          maxMessageLength: 32_000,
        },
      },
    });
    socket = await connectClient(server.url);
    // 20 senders, each in its own conversation, as 20 busy clients would.
    const conversations = await Promise.all(
      Array.from({ length: 20 }, () => createConversation(socket as ClientSocket)),
    );
    const next = random(20261121);
    const SENDS = 1000;
    let lostAcks = 0;
    const runsByMessage = new Map<string, RunInfo[]>();

    async function deliver(conversationId: string, index: number): Promise<void> {
      const clientMessageId = `lost-ack-${index}`;
      for (;;) {
        const result = await (socket as ClientSocket).timeout(5000).emitWithAck('messages:send', {
          conversationId,
          clientMessageId,
          text: `message ${index}`,
        });
        // The server answered, but this client "never got" the answer: it must send again.
        if (next() < 0.3) {
          lostAcks += 1;
          continue;
        }
        if (!result.ok) throw new Error(result.error.message);
        const previous = runsByMessage.get(result.data.message.id);
        // A retry reports the same runs as the first delivery.
        if (previous)
          expect(result.data.runs.map((run: RunInfo) => run.id)).toEqual(
            previous.map((run) => run.id),
          );
        runsByMessage.set(result.data.message.id, result.data.runs);
        return;
      }
    }

    const queue = Array.from({ length: SENDS }, (_, index) => index);
    await Promise.all(
      conversations.map(async (conversationId) => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift())
          await deliver(conversationId, index);
      }),
    );
    await server.app.runs.shutdown();

    expect(lostAcks).toBeGreaterThan(SENDS * 0.3 * 0.8);
    const messages = (await Promise.all(conversations.map((id) => store.listMessages(id)))).flat();
    const users = messages.filter((message) => message.role === 'user');
    expect(users).toHaveLength(SENDS);
    expect(new Set(users.map((message) => message.clientMessageId)).size).toBe(SENDS);
    expect(messages.filter((message) => message.role === 'assistant')).toHaveLength(SENDS);
    expect(runsByMessage.size).toBe(SENDS);
  }, 120_000);
});
