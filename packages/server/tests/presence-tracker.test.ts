import type { PresenceEvent } from 'svelte-langserve/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  conversationIdsOfRooms,
  PresenceTracker,
  type RoomConnection,
} from '../src/presence/index.js';

let connections: RoomConnection[];
let members: string[];
let events: Array<PresenceEvent & { at: number }>;
let tracker: PresenceTracker;

const ann = { socketId: 's-ann', userId: 'ann', name: 'Ann' };
const bob = { socketId: 's-bob', userId: 'bob' };

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  connections = [ann, bob];
  members = ['ann', 'bob'];
  events = [];
  tracker = new PresenceTracker({
    listMembers: async () => members,
    listConnections: async () => connections,
    publish: (event) => events.push({ ...event, at: Date.now() }),
  });
});

afterEach(() => {
  tracker.close();
  vi.useRealTimers();
});

const typingOf = (event: PresenceEvent | undefined, userId: string) =>
  event?.members.find((member) => member.userId === userId)?.typing;

describe('PresenceTracker (fake timers)', () => {
  it('publishes every member with online and typing; a burst of changes is one event', async () => {
    tracker.joined('c1');
    tracker.joined('c1');
    tracker.changed('c1');
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([
      {
        conversationId: 'c1',
        members: [
          { userId: 'ann', name: 'Ann', online: true, typing: false },
          { userId: 'bob', online: true, typing: false },
        ],
        at: 0,
      },
    ]);
    // Within the 250 ms window: the next event waits for it to end.
    connections = [ann];
    tracker.left('c1', bob.socketId);
    await vi.advanceTimersByTimeAsync(249);
    expect(events).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(events[1]?.at).toBe(250);
    expect(events[1]?.members[1]).toEqual({ userId: 'bob', online: false, typing: false });
  });

  it('skips an event identical to the last, except after a join', async () => {
    tracker.joined('c1');
    await vi.advanceTimersByTimeAsync(0);
    tracker.changed('c1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(events).toHaveLength(1);
    tracker.joined('c1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(events).toHaveLength(2);
  });

  it("shows a user's typing changes at most once per second, the latest state winning", async () => {
    tracker.joined('c1');
    await vi.advanceTimersByTimeAsync(300);
    tracker.typing('c1', ann, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(typingOf(events.at(-1), 'ann')).toBe(true);
    const shownAt = events.at(-1)?.at as number;
    // Stop, start, stop within the window: one event, when the window ends, with `false`.
    tracker.typing('c1', ann, false);
    await vi.advanceTimersByTimeAsync(100);
    tracker.typing('c1', ann, true);
    await vi.advanceTimersByTimeAsync(100);
    tracker.typing('c1', ann, false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(events.slice(2).map((event) => [event.at - shownAt, typingOf(event, 'ann')])).toEqual([
      [1000, false],
    ]);
    // Stop then start again inside the window: nothing changed by its end, nothing is sent.
    tracker.typing('c1', ann, true);
    await vi.advanceTimersByTimeAsync(0);
    const count = events.length;
    tracker.typing('c1', ann, false);
    tracker.typing('c1', ann, true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(events).toHaveLength(count);
  });

  it('lapses typing 5 s after the last refresh; refreshes send nothing', async () => {
    tracker.joined('c1');
    await vi.advanceTimersByTimeAsync(0);
    tracker.typing('c1', ann, true);
    await vi.advanceTimersByTimeAsync(250); // the room's 250 ms window
    expect(typingOf(events.at(-1), 'ann')).toBe(true);
    const startedAt = Date.now();
    const count = events.length;
    for (let index = 0; index < 3; index += 1) {
      await vi.advanceTimersByTimeAsync(2000);
      tracker.typing('c1', ann, true);
    }
    expect(events).toHaveLength(count);
    const refreshedAt = Date.now();
    await vi.advanceTimersByTimeAsync(4999);
    expect(events).toHaveLength(count);
    await vi.advanceTimersByTimeAsync(10);
    expect((events.at(-1)?.at as number) - refreshedAt).toBeGreaterThanOrEqual(5000);
    expect((events.at(-1)?.at as number) - refreshedAt).toBeLessThanOrEqual(5002);
    expect(typingOf(events.at(-1), 'ann')).toBe(false);
    expect(refreshedAt - startedAt).toBe(6000);
  });

  it('clears typing at once when the typer leaves, and drops the state of an empty room', async () => {
    tracker.joined('c1');
    await vi.advanceTimersByTimeAsync(0);
    tracker.typing('c1', bob, true);
    await vi.advanceTimersByTimeAsync(300);
    connections = [ann];
    tracker.left('c1', bob.socketId);
    await vi.advanceTimersByTimeAsync(200); // the room's window (the last event was at 250)
    expect(events.at(-1)?.at).toBe(500);
    expect(events.at(-1)?.members[1]).toEqual({ userId: 'bob', online: false, typing: false });
    connections = [];
    tracker.left('c1', ann.socketId);
    await vi.advanceTimersByTimeAsync(300);
    expect(tracker.size).toBe(0);
  });

  it('after forget or close, nothing more is published and no timer is left', async () => {
    tracker.joined('c1');
    tracker.typing('c1', ann, true);
    tracker.forget('c1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events).toEqual([]);
    expect(tracker.size).toBe(0);
    tracker.joined('c2');
    tracker.typing('c2', ann, true);
    tracker.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events).toEqual([]);
  });

  it('skips (and reports) an event whose members could not be read', async () => {
    const errors: unknown[] = [];
    const failing = new PresenceTracker({
      listMembers: () => Promise.reject(new Error('store down')),
      listConnections: async () => connections,
      publish: (event) => events.push({ ...event, at: Date.now() }),
      onError: (error) => errors.push(error),
    });
    failing.joined('c1');
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([]);
    expect(errors).toHaveLength(1);
    failing.close();
  });

  it('finds the conversations among a socket rooms', () => {
    expect(
      conversationIdsOfRooms(['socket-1', 'conversation:a', 'conversation:b'], 'conversation:'),
    ).toEqual(['a', 'b']);
  });
});
