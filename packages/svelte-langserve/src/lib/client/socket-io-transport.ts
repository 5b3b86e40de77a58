import type { ManagerOptions, Socket, SocketOptions, io as connectIo } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  fail,
  type ClientToServerEvents,
  type RequestName,
  type RequestPayload,
  type ResponseData,
  type Result,
  type ServerEventName,
  type ServerToClientEvents,
} from '../protocol/index.js';
import type { RequestOptions, Transport, TransportEvent, Unsubscribe } from './transport.js';
import { Emitter } from './emitter.js';

/** Options for {@link SocketIoTransport}. */
export interface SocketIoTransportOptions {
  /** The agent server's URL, e.g. `http://localhost:8000`. */
  url: string;
  /** A bearer token sent in the handshake, or a function that returns the current one. */
  token?: string | (() => string | undefined);
  /** Default acknowledgement timeout in ms. @default 10000 */
  requestTimeoutMs?: number;
  /** Extra Socket.IO options (merged over the defaults). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /**
   * Reconnect at once when the page becomes visible again or the browser goes back online.
   * @default true
   */
  reconnectOnWake?: boolean;
}

type ProtocolSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Listener = (...args: unknown[]) => void;
/** Socket.IO's typed `on`/`off` need literal event names; the generic ones are equivalent. */
type LooseSocket = {
  on(event: string, listener: Listener): void;
  off(event: string, listener: Listener): void;
};

/**
 * The default transport: Socket.IO 4 over WebSocket, with automatic reconnection.
 *
 * socket.io-client (about 13 KB gzip) is a lazy chunk, downloaded by the first `connect()`, so
 * a page renders before it arrives (ADR 0019). Until the socket exists, requests resolve to a
 * retryable `unavailable` error (as they do while disconnected) and listeners are kept for it.
 */
export class SocketIoTransport implements Transport {
  readonly #options: SocketIoTransportOptions;
  readonly #timeoutMs: number;
  readonly #connection = new Emitter<TransportEvent>();
  /** Server-event listeners by event, attached to the socket once it exists. */
  readonly #listeners = new Map<string, Set<Listener>>();
  #socket: ProtocolSocket | undefined;
  #loading = false;
  #closed = true;
  #detach: () => void = () => {};

  constructor(options: SocketIoTransportOptions) {
    this.#options = options;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    // Reconnect as soon as the tab wakes or the network is back, not only when the backoff
    // timer fires (which may be many seconds away after a long sleep).
    if (typeof window !== 'undefined' && options.reconnectOnWake !== false) {
      const wake = () => {
        const socket = this.#socket;
        if (this.#closed || !socket || socket.connected) return;
        if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
        // Drops the pending backoff and opens a fresh connection now.
        socket.disconnect().connect();
        this.#connection.emit({ type: 'connecting' });
      };
      window.addEventListener('online', wake);
      document.addEventListener('visibilitychange', wake);
      this.#detach = () => {
        window.removeEventListener('online', wake);
        document.removeEventListener('visibilitychange', wake);
      };
    }
  }

  /** Creates the socket with the loaded client and attaches every listener given so far. */
  #create(io: typeof connectIo): ProtocolSocket {
    const options = this.#options;
    const token = options.token;
    const socket: ProtocolSocket = io(options.url, {
      autoConnect: false,
      transports: ['websocket'],
      auth: (send) =>
        send({
          protocolVersion: PROTOCOL_VERSION,
          ...(token ? { token: typeof token === 'function' ? token() : token } : {}),
        }),
      ...options.socketOptions,
    });
    socket.on('connect', () =>
      this.#connection.emit({ type: 'connected', recovered: socket.recovered }),
    );
    socket.on('disconnect', (reason) =>
      this.#connection.emit({ type: 'disconnected', reason, willReconnect: socket.active }),
    );
    socket.on('connect_error', (error) =>
      this.#connection.emit({ type: 'error', message: error.message, fatal: !socket.active }),
    );
    socket.io.on('reconnect_attempt', () => this.#connection.emit({ type: 'connecting' }));
    const loose = socket as unknown as LooseSocket;
    for (const [event, listeners] of this.#listeners)
      for (const listener of listeners) loose.on(event, listener);
    return socket;
  }

  connect(): void {
    this.#closed = false;
    const socket = this.#socket;
    if (socket) {
      if (socket.connected || socket.active) return;
      this.#connection.emit({ type: 'connecting' });
      socket.connect();
      return;
    }
    if (this.#loading) return;
    this.#loading = true;
    this.#connection.emit({ type: 'connecting' });
    import('socket.io-client').then(
      ({ io }) => {
        this.#loading = false;
        this.#socket ??= this.#create(io);
        // disconnect() while it loaded: the socket waits for the next connect().
        if (!this.#closed) this.#socket.connect();
      },
      (error: unknown) => {
        this.#loading = false;
        const reason = error instanceof Error ? error.message : String(error);
        this.#connection.emit({
          type: 'error',
          message: `Could not load socket.io-client: ${reason}`,
          fatal: true,
        });
      },
    );
  }

  disconnect(): void {
    this.#closed = true;
    this.#detach();
    this.#socket?.disconnect();
  }

  async request<E extends RequestName>(
    event: E,
    payload: RequestPayload<E>,
    options: RequestOptions = {},
  ): Promise<Result<ResponseData<E>>> {
    if (!this.#socket?.connected) return fail('unavailable', 'Not connected to the agent server.');
    try {
      // The typed emit cannot be expressed over a generic event name; the map guarantees it.
      const socket = this.#socket.timeout(options.timeoutMs ?? this.#timeoutMs) as unknown as {
        emitWithAck(event: E, payload: RequestPayload<E>): Promise<Result<ResponseData<E>>>;
      };
      return await socket.emitWithAck(event, payload);
    } catch {
      return fail('unavailable', `No answer to "${event}" in time.`);
    }
  }

  on<E extends ServerEventName>(event: E, handler: ServerToClientEvents[E]): Unsubscribe {
    const listener = handler as Listener;
    let listeners = this.#listeners.get(event);
    if (!listeners) this.#listeners.set(event, (listeners = new Set()));
    listeners.add(listener);
    (this.#socket as unknown as LooseSocket | undefined)?.on(event, listener);
    return () => {
      listeners.delete(listener);
      (this.#socket as unknown as LooseSocket | undefined)?.off(event, listener);
    };
  }

  onConnection(handler: (event: TransportEvent) => void): Unsubscribe {
    return this.#connection.on(handler);
  }
}
