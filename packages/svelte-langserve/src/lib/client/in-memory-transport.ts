import {
  fail,
  type RequestName,
  type RequestPayload,
  type ResponseData,
  type Result,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from '../protocol/index.js';
import { Emitter } from './emitter.js';
import type { Transport, TransportEvent, Unsubscribe } from './transport.js';

/** One recorded server→client event, played `delayMs` after the step before it. */
export type TranscriptStep = {
  [E in ServerEventName]: { delayMs?: number; event: E; payload: ServerEventPayload<E> };
}[ServerEventName];

/** What a scripted request handler can do besides answering. */
export interface InMemoryContext {
  /** Emits one server event now. */
  emit<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void;
  /** Plays a transcript after the answer has been delivered. */
  replay(steps: TranscriptStep[]): Promise<void>;
}

/** Answers one request, as a scripted server would. */
export type InMemoryHandler<E extends RequestName> = (
  payload: RequestPayload<E>,
  context: InMemoryContext,
) => Result<ResponseData<E>> | Promise<Result<ResponseData<E>>>;

/** Options for {@link InMemoryTransport}. */
export interface InMemoryTransportOptions {
  /** Scripted answers per request. A request with no handler answers `unavailable`. */
  handlers?: { [E in RequestName]?: InMemoryHandler<E> };
  /** Multiplies every transcript delay (0 plays transcripts synchronously). @default 1 */
  speed?: number;
  /** What `connect()` leads to. @default 'connected' */
  connectOutcome?: 'connected' | 'refused' | 'never';
}

/**
 * A transport with no network: requests are answered by scripted handlers and server events come
 * from recorded transcripts. It drives Storybook stories and tests.
 */
export class InMemoryTransport implements Transport {
  readonly #handlers: InMemoryTransportOptions['handlers'];
  readonly #speed: number;
  readonly #outcome: NonNullable<InMemoryTransportOptions['connectOutcome']>;
  readonly #connection = new Emitter<TransportEvent>();
  readonly #events = new Map<ServerEventName, Emitter<unknown>>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #connected = false;
  /** Every request received, in order, for assertions. */
  readonly requests: { event: RequestName; payload: unknown }[] = [];

  constructor(options: InMemoryTransportOptions = {}) {
    this.#handlers = options.handlers ?? {};
    this.#speed = options.speed ?? 1;
    this.#outcome = options.connectOutcome ?? 'connected';
  }

  /** Whether the simulated connection is open. */
  get connected(): boolean {
    return this.#connected;
  }

  connect(): void {
    if (this.#connected) return;
    this.#connection.emit({ type: 'connecting' });
    if (this.#outcome === 'connected') {
      this.#connected = true;
      this.#connection.emit({ type: 'connected', recovered: false });
    } else if (this.#outcome === 'refused') {
      this.#connection.emit({
        type: 'error',
        message: 'Connection refused by the server.',
        fatal: true,
      });
    }
  }

  disconnect(): void {
    this.#cancelTimers();
    if (!this.#connected) return;
    this.#connected = false;
    this.#connection.emit({
      type: 'disconnected',
      reason: 'io client disconnect',
      willReconnect: false,
    });
  }

  /** Simulates a dropped connection. With `willReconnect`, the status shows reconnecting. */
  drop(willReconnect = true): void {
    this.#connected = false;
    this.#connection.emit({ type: 'disconnected', reason: 'transport close', willReconnect });
  }

  /** Simulates the connection coming back after {@link drop}. */
  restore(recovered = false): void {
    this.#connected = true;
    this.#connection.emit({ type: 'connected', recovered });
  }

  async request<E extends RequestName>(
    event: E,
    payload: RequestPayload<E>,
  ): Promise<Result<ResponseData<E>>> {
    this.requests.push({ event, payload });
    if (!this.#connected) return fail('unavailable', 'Not connected to the agent server.');
    const handler = this.#handlers?.[event] as InMemoryHandler<E> | undefined;
    if (!handler) return fail('unavailable', `No scripted answer for "${event}".`);
    return handler(payload, {
      emit: (name, data) => this.emit(name, data),
      // Play after the acknowledgement, as a server that acks before streaming does.
      replay: (steps) => Promise.resolve().then(() => this.replay(steps)),
    });
  }

  on<E extends ServerEventName>(event: E, handler: ServerToClientEvents[E]): Unsubscribe {
    let emitter = this.#events.get(event);
    if (!emitter) this.#events.set(event, (emitter = new Emitter<unknown>()));
    return emitter.on(handler as (value: unknown) => void);
  }

  onConnection(handler: (event: TransportEvent) => void): Unsubscribe {
    return this.#connection.on(handler);
  }

  /** Emits one server event now. */
  emit<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): void {
    this.#events.get(event)?.emit(payload);
  }

  /** Plays transcript steps with their delays; resolves after the last one. */
  async replay(steps: TranscriptStep[]): Promise<void> {
    for (const step of steps) {
      const delay = (step.delayMs ?? 0) * this.#speed;
      if (delay > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.#timers.delete(timer);
            resolve();
          }, delay);
          this.#timers.add(timer);
        });
      }
      this.emit(step.event, step.payload as never);
    }
  }

  #cancelTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
