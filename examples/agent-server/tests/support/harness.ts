import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { FastifyInstance } from 'fastify';
import {
  PROTOCOL_VERSION,
  type Message,
  type RunEvent,
  type RunInfo,
} from 'svelte-langserve/protocol';
import { afterEach } from 'vitest';
import { buildApp, type BuildAppOptions } from '../../src/app.js';
import {
  DEFAULT_SQLITE_FILE,
  type AppConfig,
  type DatabaseConfig,
  type LimitsConfig,
} from '../../src/config.js';
import { connectClient, type ClientSocket } from './client.js';
import { freshPostgresSchema } from './postgres.js';

export { connectClient, type ClientSocket };

/** A real server on an ephemeral loopback port. */
export interface TestServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * The limits test servers get unless a test sets `config.limits`: high enough that only the
 * tests of the limits themselves (tests/limits.integration.test.ts) meet them.
 */
export const TEST_LIMITS: LimitsConfig = {
  eventsPerSecond: 100_000,
  eventBurst: 100_000,
  concurrentRunsPerUser: 10_000,
  maxPayloadBytes: 1_000_000,
  maxMessageLength: 32_000,
};

/**
 * The database test servers get: `TEST_DATABASE=postgres` runs the suite on PostgreSQL
 * (`PG_TEST_URL`, a fresh schema per server), anything else on SQLite. The vitest config runs
 * the integration tests once per dialect.
 */
export const TEST_DATABASE: 'sqlite' | 'postgres' =
  process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * Starts a real server. Unless the test passes a `store` (or `config.database`), it gets its own
 * database, removed on close: a SQLite file in a temporary folder, or (with
 * `TEST_DATABASE=postgres`) a fresh PostgreSQL schema.
 */
export async function startServer(
  options: BuildAppOptions & { model?: BaseChatModel; config?: Partial<AppConfig> } = {},
): Promise<TestServer> {
  const { model, ...rest } = options;
  // Tests that spread loadConfig(...) carry the default database (the package's data/ file):
  // that one is replaced too, so no test writes there or shares a file with another.
  const database = options.config?.database;
  const ownDatabase =
    database !== undefined &&
    !(database.dialect === 'sqlite' && database.file === path.resolve(DEFAULT_SQLITE_FILE));
  const provided = options.store !== undefined || ownDatabase;
  let databaseConfig: DatabaseConfig | undefined;
  let dropSchema: (() => Promise<void>) | undefined;
  let folder: string | undefined;
  if (!provided && TEST_DATABASE === 'postgres') {
    const fresh = await freshPostgresSchema();
    databaseConfig = fresh.database;
    dropSchema = fresh.drop;
  } else if (!provided) {
    folder = mkdtempSync(path.join(tmpdir(), 'agent-server-test-'));
    databaseConfig = { dialect: 'sqlite', file: path.join(folder, 'agent-server.sqlite') };
  }
  const app = buildApp({
    logger: false,
    ...rest,
    config: {
      runFlushIntervalMs: 16,
      demoTokenDelayMs: 1,
      shutdownGraceMs: 0,
      limits: TEST_LIMITS,
      ...options.config,
      ...(databaseConfig ? { database: databaseConfig } : {}),
    },
    ...(model
      ? { provider: { provider: 'test', model: 'scripted', demo: false, chatModel: model } }
      : {}),
  });
  if (folder) {
    const remove = folder;
    app.addHook('onClose', async () => rmSync(remove, { recursive: true, force: true }));
  }
  let dropped: Promise<void> | undefined;
  const close = async () => {
    await app.close();
    // After the app (and its pool) has closed.
    dropped ??= dropSchema?.();
    await dropped;
  };
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await close();
    throw error;
  }
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { app, url: `http://127.0.0.1:${address.port}`, close };
}

/**
 * Connects a socket that acts for user `dev:<name>`, with a token from the server's development
 * login (`POST /auth/dev-login`, on unless `NODE_ENV=production`).
 */
export async function connectAs(
  url: string,
  name: string,
): Promise<{ socket: ClientSocket; userId: string }> {
  const response = await fetch(`${url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok)
    throw new Error(`dev login failed: ${response.status} ${await response.text()}`);
  const { token, userId } = (await response.json()) as { token: string; userId: string };
  const socket = await connectClient(url, { auth: { protocolVersion: PROTOCOL_VERSION, token } });
  return { socket, userId };
}

/** Per-test servers and sockets (see serverPerTest). */
export interface ServerPerTest {
  /** Starts a server (see startServer), closed after the test unless the test closes it first. */
  start(options?: Parameters<typeof startServer>[0]): Promise<TestServer>;
  /** The server the test started last and has not closed (throws if none). */
  readonly server: TestServer;
  /** Tracks a socket so it is closed after the test; returns it. */
  track<T extends { close(): unknown }>(socket: T): T;
  /** connectClient to `server`, tracked. */
  client(options?: Parameters<typeof connectClient>[1]): Promise<ClientSocket>;
  /** Closes every socket tracked so far, now. */
  closeSockets(): void;
  /** Runs `cleanup` after the test, once its sockets and servers have closed. */
  onCleanup(cleanup: () => unknown): void;
}

/**
 * Registers an `afterEach` that closes the sockets, then the servers, a test made through the
 * returned helper, then runs its other cleanups. Call once at the top of a test file. A server's
 * `close` may also be called by the test itself (it runs once, and the server stops being
 * `server`).
 */
export function serverPerTest(): ServerPerTest {
  const servers: TestServer[] = [];
  const sockets: Array<{ close(): unknown }> = [];
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const server of [...servers]) await server.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const helper: ServerPerTest = {
    async start(options) {
      const started = await startServer(options);
      let closed: Promise<void> | undefined;
      const server: TestServer = {
        ...started,
        close: () => {
          if (!closed) {
            const index = servers.indexOf(server);
            if (index >= 0) servers.splice(index, 1);
            closed = started.close();
          }
          return closed;
        },
      };
      servers.push(server);
      return server;
    },
    get server() {
      const server = servers.at(-1);
      if (!server) throw new Error('no server: call start() first');
      return server;
    },
    track(socket) {
      sockets.push(socket);
      return socket;
    },
    async client(options) {
      return helper.track(await connectClient(helper.server.url, options));
    },
    closeSockets() {
      for (const socket of sockets.splice(0)) socket.close();
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
  return helper;
}

/** Records every `run:event` and `message:created` a socket receives, with arrival times. */
export class EventLog {
  readonly runEvents: Array<RunEvent & { receivedAt: number }> = [];
  readonly created: Message[] = [];
  readonly order: string[] = [];
  readonly #byRun = new Map<string, Array<RunEvent & { receivedAt: number }>>();
  #waiters: Array<() => void> = [];

  constructor(socket: ClientSocket) {
    socket.on('run:event', (event) => {
      const received = { ...event, receivedAt: performance.now() };
      this.runEvents.push(received);
      let list = this.#byRun.get(event.runId);
      if (!list) this.#byRun.set(event.runId, (list = []));
      list.push(received);
      this.order.push(`run:${event.type}`);
      this.#notify();
    });
    socket.on('message:created', ({ message }) => {
      this.created.push(message);
      this.order.push('message:created');
      this.#notify();
    });
  }

  /** The events of one run, in arrival order (a copy). */
  forRun(runId: string): Array<RunEvent & { receivedAt: number }> {
    return [...(this.#byRun.get(runId) ?? [])];
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
    return this.until(() => this.#byRun.get(runId)?.at(-1)?.type === 'end', timeoutMs);
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

/**
 * Sends `text` to `agentId` in a conversation, waits for the run to end and answers the run and
 * its answer as stored (re-read with a join).
 */
export async function askAgent(
  socket: ClientSocket,
  log: EventLog,
  conversationId: string,
  agentId: string,
  text: string,
): Promise<{ run: RunInfo; answer: Message }> {
  const sent = await socket.emitWithAck('messages:send', {
    conversationId,
    clientMessageId: randomUUID(),
    text,
    agentIds: [agentId],
  });
  if (!sent.ok) throw new Error(sent.error.message);
  const run = sent.data.runs[0];
  if (!run) throw new Error('the send started no run');
  await log.ended(run.id);
  const joined = await socket.emitWithAck('conversations:join', { conversationId });
  if (!joined.ok) throw new Error(joined.error.message);
  const answer = joined.data.messages.find((message) => message.id === run.messageId);
  if (!answer) throw new Error(`the answer ${run.messageId} is not stored`);
  return { run, answer };
}

/** Polls `predicate` every 5 ms until it holds, or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error('timed out waiting for a condition');
    await wait(5);
  }
}
