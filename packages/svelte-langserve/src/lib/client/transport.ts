import type {
  RequestName,
  RequestPayload,
  ResponseData,
  Result,
  ServerEventName,
  ServerToClientEvents,
} from '../protocol/index.js';

/** Removes a listener or stops a subscription. Calling it twice is harmless. */
export type Unsubscribe = () => void;

/** What a transport reports about its connection. */
export type TransportEvent =
  | { type: 'connecting' }
  /** `recovered`: Socket.IO restored the session and replayed missed packets. */
  | { type: 'connected'; recovered: boolean }
  | { type: 'disconnected'; reason: string; willReconnect: boolean }
  /** `fatal`: the server refused the connection; the transport will not retry by itself. */
  | { type: 'error'; message: string; fatal: boolean };

/** Options for one request. */
export interface RequestOptions {
  /** How long to wait for the acknowledgement. Default: the transport's own (10 s). */
  timeoutMs?: number;
}

/**
 * How the client talks to a server. `SocketIoTransport` is the default; `InMemoryTransport`
 * drives Storybook and tests. Implement it to speak the protocol over anything else.
 */
export interface Transport {
  /** Opens the connection (no-op when already open or opening). */
  connect(): void;
  /** Closes the connection; no automatic reconnect follows. */
  disconnect(): void;
  /**
   * Sends a request and resolves with its acknowledgement. Never rejects: a timeout or a closed
   * connection resolves to a retryable `unavailable` error.
   */
  request<E extends RequestName>(
    event: E,
    payload: RequestPayload<E>,
    options?: RequestOptions,
  ): Promise<Result<ResponseData<E>>>;
  /** Listens to a server event. */
  on<E extends ServerEventName>(event: E, handler: ServerToClientEvents[E]): Unsubscribe;
  /** Listens to connection changes. */
  onConnection(handler: (event: TransportEvent) => void): Unsubscribe;
}
