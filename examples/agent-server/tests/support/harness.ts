import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { FastifyInstance } from 'fastify';
import { io as connect, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type Message,
  type RunEvent,
  type ServerToClientEvents,
} from 'svelte-langserve/protocol';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real server on an ephemeral loopback port. */
export interface TestServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  options: BuildAppOptions & { model?: BaseChatModel; config?: Partial<AppConfig> } = {},
): Promise<TestServer> {
  const { model, ...rest } = options;
  const app = buildApp({
    logger: false,
    ...rest,
    config: { runFlushIntervalMs: 16, demoTokenDelayMs: 1, ...options.config },
    ...(model
      ? { provider: { provider: 'test', model: 'scripted', demo: false, chatModel: model } }
      : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** Connects a real socket.io-client; resolves once connected. */
export async function connectClient(
  url: string,
  options: { auth?: Record<string, unknown>; extraHeaders?: Record<string, string> } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.auth ?? { protocolVersion: PROTOCOL_VERSION },
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
}

/** Records every `run:event` and `message:created` a socket receives, with arrival times. */
export class EventLog {
  readonly runEvents: Array<RunEvent & { receivedAt: number }> = [];
  readonly created: Message[] = [];
  readonly order: string[] = [];
  #waiters: Array<() => void> = [];

  constructor(socket: ClientSocket) {
    socket.on('run:event', (event) => {
      this.runEvents.push({ ...event, receivedAt: performance.now() });
      this.order.push(`run:${event.type}`);
      this.#notify();
    });
    socket.on('message:created', ({ message }) => {
      this.created.push(message);
      this.order.push('message:created');
      this.#notify();
    });
  }

  forRun(runId: string): Array<RunEvent & { receivedAt: number }> {
    return this.runEvents.filter((event) => event.runId === runId);
  }

  /** Resolves when `predicate` holds (checked on every event), or rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for events')), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          this.#waiters = this.#waiters.filter((waiter) => waiter !== check);
          resolve();
        }
      };
      this.#waiters.push(check);
    });
  }

  /** Resolves when run `runId` has ended. */
  ended(runId: string, timeoutMs?: number): Promise<void> {
    return this.until(() => this.forRun(runId).some((event) => event.type === 'end'), timeoutMs);
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** The text of a run's deltas, concatenated. */
export function deltaText(events: RunEvent[]): string {
  return events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
}

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a conversation on `socket` and returns its id. */
export async function createConversation(socket: ClientSocket): Promise<string> {
  const result = await socket.emitWithAck('conversations:create', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.data.conversation.id;
}

/** Polls `predicate` every 5 ms until it holds, or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error('timed out waiting for a condition');
    await wait(5);
  }
}
