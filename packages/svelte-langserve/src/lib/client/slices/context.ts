import type {
  AgentInfo,
  ProtocolError,
  RequestName,
  RequestPayload,
  ResponseData,
  Result,
} from '../../protocol/index.js';
import { PlainChatState, type ChatSnapshot, type ChatSnapshotState } from '../chat-state.js';
import { nextConnectionState, type ConnectionEvent } from '../connection.js';
import { chatReducer, type ChatAction } from '../reducer.js';
import type { Transport, Unsubscribe } from '../transport.js';

/** What changes a {@link ChatSnapshot}: a chat action, a connection event, or the agent list. */
export type SnapshotAction =
  | ChatAction
  | { type: 'connection'; event: ConnectionEvent }
  | { type: 'agents-loaded'; agents: AgentInfo[] };

/** The snapshot after `action`: the same object when nothing changed. Pure. */
export function snapshotReducer(snapshot: ChatSnapshot, action: SnapshotAction): ChatSnapshot {
  switch (action.type) {
    case 'connection': {
      const connection = nextConnectionState(snapshot.connection, action.event);
      return connection === snapshot.connection ? snapshot : { ...snapshot, connection };
    }
    case 'agents-loaded':
      return { ...snapshot, agents: action.agents };
    default: {
      const chat = chatReducer(snapshot.chat, action);
      return chat === snapshot.chat ? snapshot : { ...snapshot, chat };
    }
  }
}

/** Whether a failed request's error is shown (`chat.error`): always, never, or when it says so. */
export type ReportErrors = boolean | ((error: ProtocolError) => boolean);

/**
 * What every slice of a {@link ChatController} shares: the transport, the injected state and
 * the one `dispatch`. A slice is built over a context alone, so it can be tested alone.
 */
export class ChatContext {
  readonly transport: Transport;
  readonly state: ChatSnapshotState;
  #disposed = false;
  readonly #onDispose = new Set<() => void>();

  constructor(transport: Transport, state: ChatSnapshotState = new PlainChatState()) {
    this.transport = transport;
    this.state = state;
  }

  /** The latest snapshot. */
  get snapshot(): ChatSnapshot {
    return this.state.snapshot;
  }

  /** Requests can go out: connected, or connected and catching up (`replaying`). */
  get online(): boolean {
    const status = this.state.snapshot.connection.status;
    return status === 'connected' || status === 'replaying';
  }

  /** Whether {@link dispose} was called: nothing is dispatched any more. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Applies `action` to the snapshot; sets the state only when something changed. */
  dispatch(action: SnapshotAction): void {
    if (this.#disposed) return;
    const snapshot = this.state.snapshot;
    const next = snapshotReducer(snapshot, action);
    if (next !== snapshot) this.state.set(next);
  }

  /**
   * Sends a request and, when it fails, shows its error (`chat.error`) unless `report` says not
   * to. The one place a request's failure becomes the error shown.
   */
  async request<E extends RequestName>(
    event: E,
    payload: RequestPayload<E>,
    report: ReportErrors = true,
  ): Promise<Result<ResponseData<E>>> {
    const result = await this.transport.request(event, payload);
    if (!result.ok && (typeof report === 'function' ? report(result.error) : report))
      this.dispatch({ type: 'error', error: result.error });
    return result;
  }

  /** Calls `release` on {@link dispose} (e.g. to free a waiter). Returns its removal. */
  onDispose(release: () => void): Unsubscribe {
    this.#onDispose.add(release);
    return () => this.#onDispose.delete(release);
  }

  /** Stops dispatching, releases every waiter and drops the state's subscribers. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const release of [...this.#onDispose]) release();
    this.#onDispose.clear();
    this.state.dispose();
  }
}

/**
 * Defines `names` on `target` as `source`'s methods, bound to it: a composed object offers its
 * parts' actions without a forwarding method each (their types come by declaration merging).
 */
export function expose<Source extends object>(
  target: object,
  source: Source,
  names: readonly (keyof Source)[],
): void {
  for (const name of names) {
    const method = source[name] as (...args: unknown[]) => unknown;
    const value = method.bind(source);
    Object.defineProperty(target, name, { value, writable: true, configurable: true });
  }
}
