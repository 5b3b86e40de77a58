/**
 * Session hijack (issue 11, ADR 0021): Alice's connection drops while her answer streams; an
 * attacker then connects with her Socket.IO session id (`pid`, where the server handed one out)
 * and her latest packet offset, plus another user's valid token, no token, an expired token or
 * a token forged in Alice's name. Written against the wire, not a Socket.IO client: every text
 * frame the server writes to the attacker is counted, so a packet written before the handshake
 * is refused counts too. The attacker must receive none of Alice's. Alice herself comes back as
 * a new session, re-joins with her last `seq`, and gets every later event exactly once.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { PROTOCOL_VERSION, type RunEvent } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { deltaText, serverPerTest, TEST_LIMITS, wait, waitFor } from './support/harness.js';
import { RawSocket } from './support/raw-socket.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const TOKENS = Array.from({ length: 300 }, (_, index) => `w${index} `);
const harness = serverPerTest();

async function sign(
  sub: string,
  options: { ttlSeconds?: number; secret?: string } = {},
): Promise<string> {
  return new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 600))
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

function data<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

/** The run events among a raw socket's packets, with the offset a broadcast carried, if any. */
function runEvents(socket: RawSocket): Array<{ event: RunEvent; offset?: string }> {
  return socket.packets.flatMap((packet) =>
    packet.kind === 'event' && packet.name === 'run:event'
      ? [
          {
            event: packet.args[0] as RunEvent,
            ...(typeof packet.args[1] === 'string' ? { offset: packet.args[1] } : {}),
          },
        ]
      : [],
  );
}

const ATTACKERS = [
  { attacker: "another user's valid token", valid: true, token: () => sign('mallory') },
  { attacker: 'no token', valid: false, token: async () => undefined },
  {
    attacker: 'an expired token',
    valid: false,
    token: () => sign('mallory', { ttlSeconds: -30 }),
  },
  {
    attacker: "a token forged in Alice's name",
    valid: false,
    token: () => sign('alice', { secret: `x${SECRET}` }),
  },
] as const;

describe('a dropped session cannot be taken over (production mode, real sockets, raw frames)', () => {
  it.each(ATTACKERS)(
    "$attacker plus Alice's session id and offset: zero of her packets on the wire",
    async ({ token, valid }) => {
      const model = new ScriptedChatModel({ tokens: TOKENS, delayMs: 8 });
      const server = await harness.start({
        model,
        config: {
          ...loadConfig({
            NODE_ENV: 'production',
            JWT_SECRET: SECRET,
            CORS_ORIGINS: 'http://localhost:5173',
          }),
          limits: TEST_LIMITS,
        },
      });
      const alice = harness.track(
        new RawSocket(server.url, {
          protocolVersion: PROTOCOL_VERSION,
          token: await sign('alice'),
        }),
      );
      const connect = await alice.connected;
      const { conversation } = data(
        await alice.request<Ack<{ conversation: { id: string } }>>('conversations:create', {}),
      );
      data(await alice.request('conversations:join', { conversationId: conversation.id }));
      const sent = data(
        await alice.request<Ack<{ runs: Array<{ id: string }> }>>('messages:send', {
          conversationId: conversation.id,
          clientMessageId: randomUUID(),
          text: 'tell me a long story',
        }),
      );
      const runId = sent.runs[0]!.id;
      await waitFor(() => runEvents(alice).length >= 10, 5000);
      // Alice's network drops mid-answer. What an attacker could have seen of her session: the
      // session id from her CONNECT packet and the offset of her latest broadcast packet.
      alice.drop();
      await waitFor(() => server.app.io.of('/').sockets.size === 0);
      // The answer goes on streaming while Alice is away: packets she missed pile up.
      await wait(250);
      const seen = runEvents(alice);
      const lastSeq = seen.at(-1)!.event.seq;
      const offset = [...seen].reverse().find((entry) => entry.offset)?.offset;

      const stolen = await token();
      const attacker = harness.track(
        new RawSocket(server.url, {
          protocolVersion: PROTOCOL_VERSION,
          ...(stolen === undefined ? {} : { token: stolen }),
          pid: typeof connect.pid === 'string' ? connect.pid : randomUUID(),
          offset: offset ?? '0-0',
        }),
      );
      const outcome = await attacker.connected.then(
        () => 'connected' as const,
        () => 'refused' as const,
      );
      // Long enough for live events to reach a socket wrongly put in Alice's room.
      await wait(300);
      const leaked = attacker.frames.filter(
        (frame) => frame.includes(runId) || frame.includes(conversation.id),
      );
      expect(leaked).toEqual([]);
      expect(runEvents(attacker)).toEqual([]);
      expect(outcome).toBe(valid ? 'connected' : 'refused');
      if (outcome === 'connected') {
        // A valid token connects as its own user, in no room of Alice's.
        const [socket] = await server.app.io.fetchSockets();
        expect(socket?.data.userId).toBe('mallory');
        expect([...(socket?.rooms ?? [])].filter((room) => room !== socket?.id)).toEqual([]);
      }
      attacker.close();
      // ADR 0021: the server offers no session to recover.
      expect(connect.pid).toBeUndefined();

      // Alice is back: a new session that re-joins with the last seq she applied.
      const back = harness.track(
        new RawSocket(server.url, {
          protocolVersion: PROTOCOL_VERSION,
          token: await sign('alice'),
          ...(typeof connect.pid === 'string' ? { pid: connect.pid, offset: offset ?? '0-0' } : {}),
        }),
      );
      await back.connected;
      data(
        await back.request('conversations:join', {
          conversationId: conversation.id,
          runs: [{ runId, seq: lastSeq }],
        }),
      );
      await waitFor(() => runEvents(back).some(({ event }) => event.type === 'end'), 15_000);
      const resumed = runEvents(back).map(({ event }) => event);
      expect(resumed.map((event) => event.seq)).toEqual(
        resumed.map((_, index) => lastSeq + 1 + index),
      );
      expect(deltaText([...seen.map(({ event }) => event), ...resumed])).toBe(TOKENS.join(''));
    },
    30_000,
  );

  it('refused handshakes write nothing but the Engine.IO open packet and the refusal', async () => {
    const server = await harness.start({
      config: {
        ...loadConfig({
          NODE_ENV: 'production',
          JWT_SECRET: SECRET,
          CORS_ORIGINS: 'http://localhost:5173',
        }),
        limits: TEST_LIMITS,
      },
    });
    for (const token of [undefined, await sign('x', { ttlSeconds: -30 }), 'not.a.jwt']) {
      const socket = harness.track(
        new RawSocket(server.url, {
          protocolVersion: PROTOCOL_VERSION,
          ...(token === undefined ? {} : { token }),
        }),
      );
      await expect(socket.connected).rejects.toThrow(/Handshake refused/);
      await wait(50);
      expect(socket.frames.map((frame) => frame.slice(0, 2))).toEqual(['0{', '44']);
    }
  });
});
