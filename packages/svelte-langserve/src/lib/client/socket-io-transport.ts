import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
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

/** The default transport: Socket.IO 4 over WebSocket, with automatic reconnection. */
export class SocketIoTransport implements Transport {
  readonly #socket: ProtocolSocket;
  readonly #timeoutMs: number;
  readonly #connection = new Emitter<TransportEvent>();

  constructor(options: SocketIoTransportOptions) {
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    const token = options.token;
    this.#socket = io(options.url, {
      autoConnect: false,
      transports: ['websocket'],
      auth: (send) =>
        send({
          protocolVersion: PROTOCOL_VERSION,
          ...(token ? { token: typeof token === 'function' ? token() : token } : {}),
        }),
      ...options.socketOptions,
    });
    const socket = this.#socket;
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
    // Reconnect as soon as the tab wakes or the network is back, not only when the backoff
    // timer fires (which may be many seconds away after a long sleep).
    if (typeof window !== 'undefined' && options.reconnectOnWake !== false) {
      const wake = () => {
        if (this.#closed || socket.connected) return;
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

  #closed = true;
  #detach: () => void = () => {};

  connect(): void {
    this.#closed = false;
    if (this.#socket.connected || this.#socket.active) return;
    this.#connection.emit({ type: 'connecting' });
    this.#socket.connect();
  }

  disconnect(): void {
    this.#closed = true;
    this.#detach();
    this.#socket.disconnect();
  }

  async request<E extends RequestName>(
    event: E,
    payload: RequestPayload<E>,
    options: RequestOptions = {},
  ): Promise<Result<ResponseData<E>>> {
    if (!this.#socket.connected) return fail('unavailable', 'Not connected to the agent server.');
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
    // Socket.IO's typed `on` needs a literal event name; the generic one is equivalent.
    const socket = this.#socket as unknown as {
      on(event: string, handler: (...args: unknown[]) => void): void;
      off(event: string, handler: (...args: unknown[]) => void): void;
    };
    const listener = handler as (...args: unknown[]) => void;
    socket.on(event, listener);
    return () => socket.off(event, listener);
  }

  onConnection(handler: (event: TransportEvent) => void): Unsubscribe {
    return this.#connection.on(handler);
  }
}
