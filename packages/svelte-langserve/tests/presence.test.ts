import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryTransport, PresenceTracker, tokenSubject } from '../src/lib/client/index.js';
import { memberInitials, memberName, typingText } from '../src/lib/components/presence/format.js';
import { ok, type PresenceMember, type RequestPayload } from '../src/lib/protocol/index.js';

const alice: PresenceMember = { userId: 'dev:alice', name: 'Alice', online: true, typing: false };
const bob: PresenceMember = { userId: 'dev:bob', name: 'Bob', online: true, typing: true };

function setup(initial: string | null = 'c1') {
  const sent: RequestPayload<'presence:typing'>[] = [];
  const invited: RequestPayload<'conversations:invite'>[] = [];
  const transport = new InMemoryTransport({
    speed: 0,
    handlers: {
      'presence:typing': (payload) => (sent.push(payload), ok({})),
      'conversations:invite': (payload) => (invited.push(payload), ok(payload)),
    },
  });
  transport.connect();
  const state: { conversationId: string | undefined } = { conversationId: initial ?? undefined };
  const tracker = new PresenceTracker({
    transport,
    conversationId: () => state.conversationId,
    userId: () => 'dev:alice',
  });
  return { transport, tracker, sent, invited, state };
}

describe('PresenceTracker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps the latest members per conversation and shows the current one', () => {
    const { transport, tracker, state } = setup();
    const changes = vi.fn();
    const dispose = tracker.subscribe(changes);
    expect(tracker.members).toEqual([]);
    transport.emit('presence', { conversationId: 'c1', members: [alice, bob] });
    transport.emit('presence', { conversationId: 'c2', members: [alice] });
    expect(changes).toHaveBeenCalledTimes(2);
    expect(tracker.members).toEqual([alice, bob]);
    expect(tracker.typingMembers).toEqual([bob]);
    expect(tracker.otherMembers).toEqual([bob]);
    state.conversationId = 'c2';
    expect(tracker.members).toEqual([alice]);
    expect(tracker.typingMembers).toEqual([]);
    dispose();
    transport.emit('presence', { conversationId: 'c2', members: [] });
    expect(changes).toHaveBeenCalledTimes(2);
  });

  it('never reports the user as typing to themselves', () => {
    const { transport, tracker } = setup();
    transport.emit('presence', {
      conversationId: 'c1',
      members: [{ ...alice, typing: true }, bob],
    });
    expect(tracker.typingMembers.map((member) => member.userId)).toEqual(['dev:bob']);
  });

  it('sends typing true at once, again at most every 2.5 s, and false after 3 s idle', async () => {
    const { tracker, sent } = setup();
    tracker.typing();
    expect(sent).toEqual([{ conversationId: 'c1', typing: true }]);
    for (let index = 0; index < 10; index += 1) {
      await vi.advanceTimersByTimeAsync(500);
      tracker.typing();
    }
    // 5 s of input: true at 0, 2.5 and 5 s.
    expect(sent.filter((payload) => payload.typing)).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(2999);
    expect(sent.at(-1)).toEqual({ conversationId: 'c1', typing: true });
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.at(-1)).toEqual({ conversationId: 'c1', typing: false });
    const count = sent.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(count);
  });

  it('sends false at once on stopTyping (a send), and nothing when not typing', async () => {
    const { tracker, sent } = setup();
    tracker.stopTyping();
    expect(sent).toEqual([]);
    tracker.typing();
    tracker.stopTyping();
    expect(sent).toEqual([
      { conversationId: 'c1', typing: true },
      { conversationId: 'c1', typing: false },
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(2);
    // Typing again right after a send starts afresh.
    tracker.typing();
    expect(sent).toHaveLength(3);
  });

  it('stops typing in the old conversation when another is shown', () => {
    const { tracker, sent, state } = setup();
    tracker.typing();
    state.conversationId = 'c2';
    tracker.typing();
    expect(sent).toEqual([
      { conversationId: 'c1', typing: true },
      { conversationId: 'c1', typing: false },
      { conversationId: 'c2', typing: true },
    ]);
  });

  it('sends nothing without a conversation, and nothing after dispose', async () => {
    const { tracker, sent, state, transport } = setup(null);
    tracker.typing();
    expect(sent).toEqual([]);
    state.conversationId = 'c1';
    tracker.typing();
    tracker.dispose();
    await vi.advanceTimersByTimeAsync(5000);
    tracker.typing();
    expect(sent).toEqual([{ conversationId: 'c1', typing: true }]);
    transport.emit('presence', { conversationId: 'c1', members: [alice] });
    expect(tracker.members).toEqual([]);
  });

  it('invites to the shown conversation, and refuses without one', async () => {
    const { tracker, invited, state } = setup();
    await expect(tracker.invite('dev:bob')).resolves.toEqual(
      ok({ conversationId: 'c1', userId: 'dev:bob' }),
    );
    expect(invited).toEqual([{ conversationId: 'c1', userId: 'dev:bob' }]);
    state.conversationId = undefined;
    const result = await tracker.invite('dev:carol');
    expect(result.ok).toBe(false);
    expect(invited).toHaveLength(1);
  });
});

describe('tokenSubject', () => {
  const jwt = (payload: object) =>
    `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.signature`;
  it('reads the sub claim of a JWT, and nothing else', () => {
    expect(tokenSubject(jwt({ sub: 'dev:zoë', name: 'Zoë' }))).toBe('dev:zoë');
    expect(tokenSubject(jwt({ name: 'x' }))).toBeUndefined();
    expect(tokenSubject('not-a-jwt')).toBeUndefined();
    expect(tokenSubject('a.%%%.b')).toBeUndefined();
    expect(tokenSubject(undefined)).toBeUndefined();
  });
});

describe('presence formatting', () => {
  it('names members by name, else by user id without its prefix', () => {
    expect(memberName(alice)).toBe('Alice');
    expect(memberName({ userId: 'dev:bob' })).toBe('bob');
    expect(memberName({ userId: 'anonymous', name: '  ' })).toBe('anonymous');
    expect(memberInitials({ userId: 'x', name: 'Ada Lovelace' })).toBe('AL');
    expect(memberInitials({ userId: 'dev:bob' })).toBe('B');
  });
  it('says who is typing', () => {
    const named = (name: string) => ({ userId: name, name });
    expect(typingText([])).toBe('');
    expect(typingText([named('Alice')])).toBe('Alice is typing…');
    expect(typingText([named('Alice'), named('Bob')])).toBe('Alice and Bob are typing…');
    expect(typingText(['A', 'B', 'C'].map(named))).toBe('A, B and C are typing…');
    expect(typingText(['A', 'B', 'C', 'D'].map(named))).toBe('A, B and 2 others are typing…');
  });
});
