import { io as connect } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type PresenceEvent,
  type PresenceMember,
  type Result,
} from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectAs,
  EventLog,
  serverPerTest,
  wait,
  waitFor,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const harness = serverPerTest();

async function start(): Promise<TestServer> {
  return harness.start({
    model: new ScriptedChatModel({ tokens: ['Hello', ' to', ' you', ' both'], delayMs: 5 }),
  });
}

/** A real user (dev login token) with a log of the presence events its socket receives. */
async function user(server: TestServer, name: string) {
  const { socket, userId } = await connectAs(server.url, name);
  harness.track(socket);
  const presence: PresenceEvent[] = [];
  const arrivals: number[] = [];
  socket.on('presence', (event) => {
    presence.push(event);
    arrivals.push(performance.now());
  });
  return { socket, userId, presence, arrivals, log: new EventLog(socket) };
}

function data<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

/** One member's entry in the latest presence event. */
const latest = (events: PresenceEvent[], userId: string): PresenceMember | undefined =>
  events.at(-1)?.members.find((member) => member.userId === userId);

/** A and B, members of A's conversation, both joined; both have seen both online. */
async function sharedConversation() {
  const server = await start();
  const ann = await user(server, 'ann');
  const bob = await user(server, 'bob');
  const { conversation } = data(await ann.socket.emitWithAck('conversations:create', {}));
  const conversationId = conversation.id;
  expect(
    data(
      await ann.socket.emitWithAck('conversations:invite', { conversationId, userId: bob.userId }),
    ),
  ).toEqual({ conversationId, userId: bob.userId });
  data(await ann.socket.emitWithAck('conversations:join', { conversationId }));
  data(await bob.socket.emitWithAck('conversations:join', { conversationId }));
  const bothOnline = (events: PresenceEvent[]) =>
    latest(events, ann.userId)?.online === true && latest(events, bob.userId)?.online === true;
  await waitFor(() => bothOnline(ann.presence) && bothOnline(bob.presence));
  return { server, ann, bob, conversationId };
}

describe('shared conversations: invitations and presence (real sockets, two dev-login users)', () => {
  it('an invited member joins; both see both online, with names, in membership order', async () => {
    const { ann, bob, conversationId } = await sharedConversation();
    for (const events of [ann.presence, bob.presence]) {
      expect(events.at(-1)).toEqual({
        conversationId,
        members: [
          { userId: ann.userId, name: 'ann', online: true, typing: false },
          { userId: bob.userId, name: 'bob', online: true, typing: false },
        ],
      });
    }
    // Inviting a member again changes nothing; the owner stays owner (may still delete).
    data(
      await bob.socket.emitWithAck('conversations:invite', { conversationId, userId: ann.userId }),
    );
    const list = data(await bob.socket.emitWithAck('conversations:list', {}));
    expect(list.conversations.map((c) => c.id)).toEqual([conversationId]);
  });

  it("each member sees the other's messages as they arrive, and the agent's stream live", async () => {
    const { ann, bob, conversationId } = await sharedConversation();
    const sent = data(
      await ann.socket.emitWithAck('messages:send', {
        conversationId,
        clientMessageId: 'from-ann',
        text: 'Hi both',
      }),
    );
    const runId = sent.runs[0]?.id as string;
    await bob.log.ended(runId);
    expect(bob.log.created.map((message) => message.clientMessageId)).toEqual(['from-ann']);
    expect(bob.log.created[0]?.authorId).toBe(ann.userId);
    const stream = bob.log.forRun(runId);
    expect(stream.map((event) => event.seq)).toEqual(stream.map((_, index) => index));
    expect(stream[0]?.type).toBe('start');
    expect(stream.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    expect(stream.map((event) => (event.type === 'text-delta' ? event.text : '')).join('')).toBe(
      'Hello to you both',
    );
    // Bob answers; Ann receives his message too.
    data(
      await bob.socket.emitWithAck('messages:send', {
        conversationId,
        clientMessageId: 'from-bob',
        text: 'Hi Ann',
      }),
    );
    await ann.log.until(() => ann.log.created.some((m) => m.clientMessageId === 'from-bob'));
  });

  it('typing reaches the other member, and stops on request', async () => {
    const { ann, bob, conversationId } = await sharedConversation();
    expect(
      await ann.socket.emitWithAck('presence:typing', { conversationId, typing: true }),
    ).toEqual({ ok: true, data: {} });
    await waitFor(() => latest(bob.presence, ann.userId)?.typing === true);
    // The typer's own connections hear it too (one list for everyone).
    await waitFor(() => latest(ann.presence, ann.userId)?.typing === true);
    data(await ann.socket.emitWithAck('presence:typing', { conversationId, typing: false }));
    // The stop falls inside Ann's one-second window: it shows when the window ends.
    await waitFor(() => latest(bob.presence, ann.userId)?.typing === false, 2500);
    expect(latest(bob.presence, bob.userId)).toMatchObject({ online: true, typing: false });
  });

  it('typing lapses about 5 s after the last refresh', { timeout: 15_000 }, async () => {
    const { ann, bob, conversationId } = await sharedConversation();
    data(await ann.socket.emitWithAck('presence:typing', { conversationId, typing: true }));
    await waitFor(() => latest(bob.presence, ann.userId)?.typing === true);
    const since = performance.now();
    await wait(2000);
    data(await ann.socket.emitWithAck('presence:typing', { conversationId, typing: true })); // refresh
    const refreshedAt = performance.now();
    await waitFor(() => latest(bob.presence, ann.userId)?.typing === false, 8000);
    const lapsedAfter = performance.now() - refreshedAt;
    expect(lapsedAfter).toBeGreaterThanOrEqual(4900);
    expect(lapsedAfter).toBeLessThan(6500);
    expect(performance.now() - since).toBeGreaterThan(6900); // the refresh held it
  });

  it('typing spam is throttled: one broadcast per user per second at most', async () => {
    const { ann, bob, conversationId } = await sharedConversation();
    const before = bob.presence.length;
    const startedAt = performance.now();
    // 2 s of a client gone wild: typing toggled every 20 ms (100 requests).
    for (let index = 0; index < 100; index += 1) {
      data(
        await ann.socket.emitWithAck('presence:typing', {
          conversationId,
          typing: index % 2 === 0,
        }),
      );
      await wait(20);
    }
    const spent = performance.now() - startedAt;
    data(await ann.socket.emitWithAck('presence:typing', { conversationId, typing: false }));
    await waitFor(() => latest(bob.presence, ann.userId)?.typing === false, 2500);
    await wait(1200); // anything still pending has gone out
    const broadcasts = bob.presence.length - before;
    expect(broadcasts).toBeGreaterThanOrEqual(2); // it did show typing, then the stop
    expect(broadcasts).toBeLessThanOrEqual(Math.ceil(spent / 1000) + 2);
    // Every broadcast changed Ann's typing state, and they came about a second apart or more.
    const states = bob.presence.slice(before).map((event) => latest([event], ann.userId)?.typing);
    expect(states.every((state, index) => index === 0 || state !== states[index - 1])).toBe(true);
    const times = bob.arrivals.slice(before);
    for (let index = 1; index < times.length; index += 1)
      expect((times[index] as number) - (times[index - 1] as number)).toBeGreaterThan(900);
  });

  it('a member who disconnects (or leaves) shows offline and not typing; others stay', async () => {
    const { server, ann, bob, conversationId } = await sharedConversation();
    data(await bob.socket.emitWithAck('presence:typing', { conversationId, typing: true }));
    await waitFor(() => latest(ann.presence, bob.userId)?.typing === true);
    bob.socket.disconnect();
    await waitFor(() => latest(ann.presence, bob.userId)?.online === false);
    expect(latest(ann.presence, bob.userId)).toEqual({
      userId: bob.userId,
      name: 'bob',
      online: false,
      typing: false,
    });
    expect(latest(ann.presence, ann.userId)).toMatchObject({ online: true });

    // Bob comes back on a new connection, then leaves the room: offline again.
    const again = await user(server, 'bob');
    data(await again.socket.emitWithAck('conversations:join', { conversationId }));
    await waitFor(() => latest(ann.presence, bob.userId)?.online === true);
    await waitFor(() => latest(again.presence, bob.userId)?.online === true);
    data(await again.socket.emitWithAck('conversations:leave', { conversationId }));
    await waitFor(() => latest(ann.presence, bob.userId)?.online === false);
    // Once out of the room, typing is refused (join first) and nothing is broadcast.
    const count = ann.presence.length;
    const typing = await again.socket.emitWithAck('presence:typing', {
      conversationId,
      typing: true,
    });
    expect(!typing.ok && typing.error.code).toBe('conflict');
    await wait(400);
    expect(ann.presence.length).toBe(count);
  });

  it('after a short drop the session is new (no recovery): online again once it re-joins', async () => {
    const { server, ann, bob, conversationId } = await sharedConversation();
    const login = await fetch(`${server.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bob' }),
    });
    const { token, userId } = (await login.json()) as { token: string; userId: string };
    // A second connection of Bob's that reconnects by itself.
    const tab: ClientSocket = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      // Long enough for the others to see the drop (a shorter one may go unnoticed).
      reconnectionDelay: 700,
      reconnectionDelayMax: 700,
      randomizationFactor: 0,
      auth: { protocolVersion: PROTOCOL_VERSION, token },
    });
    harness.track(tab);
    await new Promise<void>((resolve) => tab.once('connect', () => resolve()));
    data(await tab.emitWithAck('conversations:join', { conversationId }));
    // Bob's first connection goes away: only the second one keeps him online.
    const first = bob.socket;
    first.disconnect();
    await wait(400);
    expect(latest(ann.presence, userId)?.online).toBe(true);
    tab.io.engine.close(); // a network drop, not a disconnect() by the client
    await waitFor(() => latest(ann.presence, userId)?.online === false);
    await new Promise<void>((resolve) => tab.once('connect', () => resolve()));
    // ADR 0021: nothing of the old session comes back, rooms included, until the client joins.
    expect(tab.recovered).not.toBe(true);
    await wait(400);
    expect(latest(ann.presence, userId)?.online).toBe(false);
    data(await tab.emitWithAck('conversations:join', { conversationId }));
    await waitFor(() => latest(ann.presence, userId)?.online === true);
  });

  it('a new member appears offline as soon as invited', async () => {
    const { ann, bob, conversationId } = await sharedConversation();
    data(
      await bob.socket.emitWithAck('conversations:invite', { conversationId, userId: 'dev:cy' }),
    );
    await waitFor(() => latest(ann.presence, 'dev:cy') !== undefined);
    expect(latest(ann.presence, 'dev:cy')).toEqual({
      userId: 'dev:cy',
      online: false,
      typing: false,
    });
  });

  it('a non-member can neither invite, type nor see presence', async () => {
    const { server, ann, bob, conversationId } = await sharedConversation();
    const eve = await user(server, 'eve');
    const join = await eve.socket.emitWithAck('conversations:join', { conversationId });
    const invite = await eve.socket.emitWithAck('conversations:invite', {
      conversationId,
      userId: eve.userId,
    });
    const typing = await eve.socket.emitWithAck('presence:typing', {
      conversationId,
      typing: true,
    });
    const missing = await eve.socket.emitWithAck('presence:typing', {
      conversationId: 'no-such-conversation',
      typing: true,
    });
    for (const result of [join, invite, typing, missing]) {
      expect(result).toEqual({
        ok: false,
        error: { code: 'not_found', message: 'No such conversation.', retryable: false },
      });
    }
    // Members' activity does not reach her, and she was not added.
    data(await ann.socket.emitWithAck('presence:typing', { conversationId, typing: true }));
    await waitFor(() => latest(bob.presence, ann.userId)?.typing === true);
    await wait(300);
    expect(eve.presence).toEqual([]);
    expect(eve.log.created).toEqual([]);
    expect(latest(bob.presence, eve.userId)).toBeUndefined();
    expect(data(await eve.socket.emitWithAck('conversations:list', {})).conversations).toEqual([]);
  });

  it('deleting the conversation forgets its presence', async () => {
    const { ann, bob, conversationId } = await sharedConversation();
    data(await bob.socket.emitWithAck('presence:typing', { conversationId, typing: true }));
    await waitFor(() => latest(ann.presence, bob.userId)?.typing === true);
    data(await ann.socket.emitWithAck('conversations:delete', { conversationId }));
    const count = bob.presence.length;
    await wait(400);
    expect(bob.presence.length).toBe(count);
  });
});
