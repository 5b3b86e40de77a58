import type { AgentInfo } from '../protocol/index.js';
import { initialConnectionState, type ConnectionState } from './connection.js';
import { Emitter } from './emitter.js';
import { initialChatState, type ChatState } from './reducer.js';
import type { Unsubscribe } from './transport.js';

/** Everything a chat UI reads, as one immutable snapshot. */
export interface ChatSnapshot {
  chat: ChatState;
  connection: ConnectionState;
  agents: AgentInfo[];
}

/** The snapshot before anything happens. */
export const initialChatSnapshot: ChatSnapshot = Object.freeze({
  chat: initialChatState,
  connection: initialConnectionState,
  agents: [],
});

/**
 * Where a {@link ChatController} keeps what it shows (as vercel/ai's `AbstractChat` takes a
 * `ChatState`). The controller reads {@link snapshot} to decide and calls {@link set} with every
 * new one; a framework binding injects its own to make the fields reactive. Implementations keep
 * `snapshot` current at once (however they batch what they render) and notify subscribers.
 */
export interface ChatSnapshotState {
  /** The latest snapshot, as set last. */
  readonly snapshot: ChatSnapshot;
  /** Takes a new snapshot (never called after {@link dispose}). */
  set(snapshot: ChatSnapshot): void;
  /** Calls `listener` with every new snapshot. Returns its dispose. */
  subscribe(listener: (snapshot: ChatSnapshot) => void): Unsubscribe;
  /** Drops every subscriber; nothing is set afterwards. */
  dispose(): void;
}

/**
 * The default {@link ChatSnapshotState}: a plain snapshot and its subscribers, for framework-free
 * use. Subclass it (calling `super.set`) to mirror snapshots into a framework's reactivity.
 */
export class PlainChatState implements ChatSnapshotState {
  #snapshot: ChatSnapshot;
  readonly #listeners = new Emitter<ChatSnapshot>();

  /** Starts from `snapshot` (default: the empty {@link initialChatSnapshot}). */
  constructor(snapshot: ChatSnapshot = initialChatSnapshot) {
    this.#snapshot = snapshot;
  }

  get snapshot(): ChatSnapshot {
    return this.#snapshot;
  }

  set(snapshot: ChatSnapshot): void {
    this.#snapshot = snapshot;
    this.#listeners.emit(snapshot);
  }

  subscribe(listener: (snapshot: ChatSnapshot) => void): Unsubscribe {
    return this.#listeners.on(listener);
  }

  dispose(): void {
    this.#listeners.clear();
  }
}
