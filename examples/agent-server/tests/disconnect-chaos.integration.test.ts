/**
 * Disconnect chaos: the library's real client (ChatController over SocketIoTransport, as a
 * browser runs it) against the real server. 200 streams of 400 tokens; every client's
 * connection is cut 5 times at random token offsets (1,000 disconnects). Every rebuilt answer
 * must be byte-identical to what the model produced.
 */
import { ChatController, SocketIoTransport, messageText } from 'svelte-langserve/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

/** Per mode: 100 streams with Socket.IO's session recovery, 100 with re-join + replay. */
const STREAMS = 100;
const TOKENS = 400;
const DROPS_PER_STREAM = 5;

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

let server: TestServer | undefined;
const controllers: ChatController[] = [];

afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.dispose();
  await server?.close();
  server = undefined;
});

const MODES = [
  { mode: 'session recovery', socketRecoveryMs: 120_000 },
  { mode: 're-join with replay', socketRecoveryMs: 0 },
];

describe.each(MODES)(
  'disconnect chaos, $mode (real client, real server)',
  ({ socketRecoveryMs }) => {
    it(`${STREAMS} streams x ${TOKENS} tokens, ${DROPS_PER_STREAM} drops each: every answer byte-identical`, async () => {
      // Every token is distinct, so a lost, repeated or reordered token changes the text.
      const tokens = Array.from({ length: TOKENS }, (_, index) => `t${index.toString(36)} `);
      const expected = tokens.join('');
      // Every cut lands in the first 60 % of the text. The model holds each stream at 70 % of
      // its tokens until that stream's five cuts have happened, so a slow reconnect on a loaded
      // machine cannot let an answer finish before its last cut.
      const allCut = new Map<string, () => void>();
      const cutsDone = new Map<string, Promise<void>>();
      const holdAt = Math.floor(TOKENS * 0.7);
      const model = new ScriptedChatModel({
        tokens,
        delayMs: 5,
        beforeToken: async (index, messages) => {
          if (index !== holdAt) return;
          const prompt = String(messages.at(-1)?.content ?? '');
          // A stream whose cuts never come is reported by the checks below, not waited on.
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([
            cutsDone.get(prompt),
            new Promise((resolve) => (timer = setTimeout(resolve, 60_000))),
          ]);
          clearTimeout(timer);
        },
      });
      server = await startServer({
        model,
        config: {
          runFlushIntervalMs: 16,
          socketRecoveryMs,
          limits: {
            eventsPerSecond: 100_000,
            eventBurst: 100_000,
            concurrentRunsPerUser: 10_000,
            maxPayloadBytes: 1_000_000,
            maxMessageLength: 32_000,
          },
        },
      });
      const app = server.app;
      const next = random(1121 + socketRecoveryMs);
      let drops = 0;
      // How each drop was healed: Socket.IO restored the session, or the client re-joined asking
      // for a replay from its last seq.
      let recovered = 0;
      let resumingJoins = 0;
      app.io.on('connection', (socket) => {
        if (socket.recovered) recovered += 1;
        socket.onAny((event: string, payload: { runs?: unknown[] }) => {
          if (event === 'conversations:join' && payload?.runs?.length) resumingJoins += 1;
        });
      });

      const streams = Array.from({ length: STREAMS }, async (_, index) => {
        const controller = new ChatController({
          transport: new SocketIoTransport({
            url: (server as TestServer).url,
            reconnectOnWake: false,
            socketOptions: {
              forceNew: true,
              reconnectionDelay: 5,
              reconnectionDelayMax: 50,
              randomizationFactor: 0.5,
            },
          }),
        });
        controllers.push(controller);
        controller.connect();
        await new Promise<void>((resolve) => {
          const stop = controller.subscribe((snapshot) => {
            if (snapshot.connection.status === 'connected') {
              stop();
              resolve();
            }
          });
        });
        // Cut at 5 random offsets within the first 60 % of the answer, in order, so the last
        // cut still lands well before the end.
        const offsets = Array.from({ length: DROPS_PER_STREAM }, () =>
          Math.floor(next() * expected.length * 0.6),
        ).sort((a, b) => a - b);
        let cut = 0;
        let conversationId = '';
        const prompt = `stream ${index}`;
        cutsDone.set(prompt, new Promise<void>((resolve) => allCut.set(prompt, resolve)));
        const stopWatching = controller.subscribe((snapshot) => {
          const answer = snapshot.chat.messages.find((message) => message.role === 'assistant');
          if (!answer || cut >= offsets.length) return;
          if (snapshot.connection.status !== 'connected') return;
          if (messageText(answer).length < (offsets[cut] as number)) return;
          cut += 1;
          drops += 1;
          if (cut === offsets.length) allCut.get(prompt)?.();
          // A network drop: the server closes this client's underlying connection; the
          // client sees "transport close" and reconnects on its own.
          void app.io
            .in(`conversation:${conversationId}`)
            .fetchSockets()
            .then((sockets) => {
              for (const socket of sockets)
                (socket as unknown as { conn: { close(): void } }).conn.close();
            });
        });
        const sending = controller.send(prompt);
        await new Promise<void>((resolve) => {
          // A stream that never ends (say, a gap the client waits on) is reported, not waited for.
          const deadline = setTimeout(() => {
            stop();
            resolve();
          }, 90_000);
          const stop = controller.subscribe((snapshot) => {
            if (snapshot.chat.conversation) conversationId = snapshot.chat.conversation.id;
            const answer = snapshot.chat.messages.find((message) => message.role === 'assistant');
            if (answer && answer.status !== 'streaming') {
              clearTimeout(deadline);
              stop();
              resolve();
            }
          });
        });
        expect((await sending).ok).toBe(true);
        stopWatching();
        const answer = controller.snapshot.chat.messages.find(
          (message) => message.role === 'assistant',
        );
        return {
          status: answer?.status,
          text: answer ? messageText(answer) : '',
          cuts: cut,
          runs: controller.snapshot.chat.runs,
          connection: controller.snapshot.connection.status,
        };
      });

      const results = await Promise.all(streams);
      const wrong = results.filter((result) => result.text !== expected);
      expect(
        wrong.map(({ text, cuts, runs, connection, status }) => ({
          length: text.length,
          cuts,
          runs,
          connection,
          status,
        })),
      ).toEqual([]);
      expect(results.every((result) => result.status === 'complete')).toBe(true);
      expect(drops).toBe(STREAMS * DROPS_PER_STREAM);
      // A drop that lands while the client is still re-joining after the previous one is healed
      // by the same re-join, so the counts are at least half the drops rather than equal.
      if (socketRecoveryMs > 0) {
        expect(recovered).toBeGreaterThan(drops / 2);
      } else {
        expect(recovered).toBe(0);
        expect(resumingJoins).toBeGreaterThan(drops / 2);
      }
      console.info(
        `${drops} drops: ${recovered} recovered sessions, ${resumingJoins} resuming re-joins`,
      );
    }, 240_000);
  },
);
