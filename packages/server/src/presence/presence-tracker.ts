import type { PresenceEvent, PresenceMember } from 'svelte-langserve/protocol';

/** How presence is paced. */
export interface PresenceTiming {
  /** A user's typing state changes in broadcasts at most once per this many ms. */
  typingThrottleMs: number;
  /** A connection's `typing: true` lapses after this many ms without a refresh. */
  typingExpiryMs: number;
  /** A room gets at most one presence event per this many ms. */
  coalesceMs: number;
}

/** Typing throttled to one broadcast per user per second, lapsing after 5 s, 4 events/s per room. */
export const DEFAULT_PRESENCE_TIMING: PresenceTiming = {
  typingThrottleMs: 1000,
  typingExpiryMs: 5000,
  coalesceMs: 250,
};

/** A connection in a conversation's room. */
export interface RoomConnection {
  socketId: string;
  userId: string;
  name?: string;
}

/** What the tracker needs from the rest of the server. */
export interface PresenceTrackerOptions {
  /** The conversation's members (user ids) in the order they became members; empty once deleted. */
  listMembers(conversationId: string): Promise<string[]>;
  /** The connections in the conversation's room now. */
  listConnections(conversationId: string): Promise<RoomConnection[]>;
  /** Sends a presence event to the conversation's room. */
  publish(event: PresenceEvent): void;
  /** Called when computing a presence event failed (the event is skipped). */
  onError?(error: unknown, conversationId: string): void;
  timing?: Partial<PresenceTiming>;
}

type Timer = ReturnType<typeof setTimeout>;

/** The presence state of one conversation with connections. */
interface RoomState {
  /** Connections that said `typing: true`, with the timer that lapses it. */
  typing: Map<string, { userId: string; timer: Timer }>;
  /** The typing state each user was last broadcast with, and when it changed in a broadcast. */
  shownTyping: Map<string, { typing: boolean; at: number }>;
  /** Display names seen in the room, kept for members who went offline. */
  names: Map<string, string>;
  lastPublishAt: number;
  /** The last event sent (JSON): an identical one is not sent again unless `force`d. */
  lastSent: string | undefined;
  timer: Timer | undefined;
  dueAt: number;
  publishing: boolean;
  /** A change arrived while publishing: publish again afterwards. */
  again: boolean;
  /** A connection joined: the next event goes out even if nothing changed for the others. */
  force: boolean;
}

/**
 * Presence of conversations' members: who has a connection in the room (online) and who is
 * typing. Online is read from the room itself when an event is built, so every way into or out
 * of the room counts; typing is kept here per connection, with a timer that lapses it.
 *
 * Events carry every member and are paced per room: at most one per `coalesceMs`, and a user's
 * typing state changes in them at most once per `typingThrottleMs` (a change inside the window
 * is shown when it ends, if it still holds). An event identical to the previous one is skipped,
 * except after a join (the joiner needs it). Framework-light: it knows rooms only through the
 * functions it is given. {@link close} cancels every timer.
 */
export class PresenceTracker {
  readonly #options: PresenceTrackerOptions;
  readonly #timing: PresenceTiming;
  readonly #rooms = new Map<string, RoomState>();
  #closed = false;

  constructor(options: PresenceTrackerOptions) {
    this.#options = options;
    this.#timing = { ...DEFAULT_PRESENCE_TIMING, ...options.timing };
  }

  /** A connection joined the room: publish (even when nothing changed for the others). */
  joined(conversationId: string): void {
    const room = this.#room(conversationId);
    room.force = true;
    this.#schedule(conversationId, room);
  }

  /** A connection left the room (or is disconnecting): drop its typing and publish. */
  left(conversationId: string, socketId: string): void {
    const room = this.#rooms.get(conversationId);
    if (!room) {
      this.changed(conversationId);
      return;
    }
    this.#stopTyping(room, socketId);
    this.#schedule(conversationId, room);
  }

  /** Membership changed (an invitation): publish. */
  changed(conversationId: string): void {
    this.#schedule(conversationId, this.#room(conversationId));
  }

  /**
   * A connection in the room says its user is typing (`true`, lapsing after `typingExpiryMs`
   * unless refreshed) or stopped (`false`).
   */
  typing(
    conversationId: string,
    connection: { socketId: string; userId: string },
    typing: boolean,
  ): void {
    const room = this.#room(conversationId);
    const previous = room.typing.get(connection.socketId);
    if (previous) clearTimeout(previous.timer);
    if (!typing) {
      if (previous) {
        room.typing.delete(connection.socketId);
        this.#schedule(conversationId, room);
      }
      return;
    }
    const timer = setTimeout(() => {
      if (room.typing.get(connection.socketId)?.timer !== timer) return;
      room.typing.delete(connection.socketId);
      this.#schedule(conversationId, room);
    }, this.#timing.typingExpiryMs);
    timer.unref?.();
    room.typing.set(connection.socketId, { userId: connection.userId, timer });
    // A refresh changes nothing others see: only the expiry moves.
    if (!previous) this.#schedule(conversationId, room);
  }

  /** The conversation was deleted: forget it (no more events for it). */
  forget(conversationId: string): void {
    const room = this.#rooms.get(conversationId);
    if (!room) return;
    this.#dispose(room);
    this.#rooms.delete(conversationId);
  }

  /** Cancels every timer; the tracker publishes nothing more. */
  close(): void {
    this.#closed = true;
    for (const room of this.#rooms.values()) this.#dispose(room);
    this.#rooms.clear();
  }

  /** How many conversations hold presence state (for tests: it is dropped when a room empties). */
  get size(): number {
    return this.#rooms.size;
  }

  #room(conversationId: string): RoomState {
    let room = this.#rooms.get(conversationId);
    if (!room) {
      room = {
        typing: new Map(),
        shownTyping: new Map(),
        names: new Map(),
        lastPublishAt: -Infinity,
        lastSent: undefined,
        timer: undefined,
        dueAt: Infinity,
        publishing: false,
        again: false,
        force: false,
      };
      this.#rooms.set(conversationId, room);
    }
    return room;
  }

  #stopTyping(room: RoomState, socketId: string): void {
    const entry = room.typing.get(socketId);
    if (!entry) return;
    clearTimeout(entry.timer);
    room.typing.delete(socketId);
  }

  /** Publishes as soon as pacing allows (or at `at`, if later). */
  #schedule(conversationId: string, room: RoomState, at = 0): void {
    if (this.#closed) return;
    if (room.publishing) {
      room.again = true;
      return;
    }
    const due = Math.max(at, Date.now(), room.lastPublishAt + this.#timing.coalesceMs);
    if (room.timer !== undefined && room.dueAt <= due) return;
    if (room.timer !== undefined) clearTimeout(room.timer);
    room.dueAt = due;
    room.timer = setTimeout(() => {
      room.timer = undefined;
      room.dueAt = Infinity;
      void this.#publish(conversationId, room);
    }, due - Date.now());
    room.timer.unref?.();
  }

  async #publish(conversationId: string, room: RoomState): Promise<void> {
    room.publishing = true;
    room.again = false;
    let retryAt = 0;
    try {
      const [members, connections] = await Promise.all([
        this.#options.listMembers(conversationId),
        this.#options.listConnections(conversationId),
      ]);
      if (this.#rooms.get(conversationId) !== room) return; // forgotten meanwhile
      if (connections.length === 0 || members.length === 0) {
        // Nobody to tell (or the conversation is gone): drop the state, unless a change (a
        // join) arrived meanwhile — then the next round sees it.
        if (!room.again) {
          this.#dispose(room);
          this.#rooms.delete(conversationId);
        }
        return;
      }
      const now = Date.now();
      const online = new Set<string>();
      const liveSockets = new Set<string>();
      for (const connection of connections) {
        online.add(connection.userId);
        liveSockets.add(connection.socketId);
        if (connection.name !== undefined) room.names.set(connection.userId, connection.name);
      }
      const typingUsers = new Set<string>();
      for (const [socketId, entry] of room.typing) {
        if (liveSockets.has(socketId)) typingUsers.add(entry.userId);
        else this.#stopTyping(room, socketId); // gone without a leave
      }
      const list: PresenceMember[] = members.map((userId) => {
        const isOnline = online.has(userId);
        const member: PresenceMember = { userId, online: isOnline, typing: false };
        const name = room.names.get(userId);
        if (name !== undefined) member.name = name;
        const shown = room.shownTyping.get(userId) ?? { typing: false, at: -Infinity };
        const actual = isOnline && typingUsers.has(userId);
        if (actual !== shown.typing) {
          const open = shown.at + this.#timing.typingThrottleMs;
          if (!isOnline || now >= open) {
            // Going offline clears typing at once; otherwise the user's window must be open.
            room.shownTyping.set(userId, { typing: actual, at: isOnline ? now : shown.at });
          } else {
            retryAt = retryAt === 0 ? open : Math.min(retryAt, open);
          }
        }
        member.typing = room.shownTyping.get(userId)?.typing ?? false;
        return member;
      });
      const event: PresenceEvent = { conversationId, members: list };
      const json = JSON.stringify(event);
      if (json !== room.lastSent || room.force) {
        room.lastSent = json;
        room.force = false;
        room.lastPublishAt = now;
        this.#options.publish(event);
      }
    } catch (error) {
      this.#options.onError?.(error, conversationId);
    } finally {
      room.publishing = false;
    }
    if (this.#rooms.get(conversationId) !== room) return;
    if (room.again) this.#schedule(conversationId, room);
    if (retryAt) this.#schedule(conversationId, room, retryAt);
  }

  #dispose(room: RoomState): void {
    if (room.timer !== undefined) clearTimeout(room.timer);
    room.timer = undefined;
    for (const entry of room.typing.values()) clearTimeout(entry.timer);
    room.typing.clear();
  }
}

/**
 * The ids of the conversations whose rooms are among `rooms` (a socket's `rooms`), given the
 * prefix every conversation room's name starts with.
 */
export function conversationIdsOfRooms(rooms: Iterable<string>, prefix: string): string[] {
  const ids: string[] = [];
  for (const room of rooms) if (room.startsWith(prefix)) ids.push(room.slice(prefix.length));
  return ids;
}
