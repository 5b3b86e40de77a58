/**
 * A bench child process (started by `run.ts` with `node --import tsx`): measures its OWN CPU,
 * so the orchestrator's clients never count.
 *
 * - `server`: the real server (`createServer` + `listen` on 127.0.0.1:0, the default SQLite
 *   storage in a temporary file) with one agent, `createGraphAgent` over the bench graph
 *   (`graph.ts`). Its runs stream on a thread of the store's checkpointer (LangGraph's
 *   `SqliteSaver` in the same file). Windows are opened and closed over IPC.
 * - `baseline`: the same graph compiled with the checkpointer of a store of its own
 *   (`createStore({ dialect: 'sqlite' })` on a temporary file), drained in-process by for-await
 *   loops, each stream on a fresh thread with the server's thread stream modes.
 * - `floor`: the same graph without a checkpointer, drained the same way (run stream modes).
 *
 * All answer `direct-ttft`: the model's own time to first token when called directly; the
 * baselines answer `graph-ttft`: their graph's. The server answers `heap` (`run.ts` and `soak.ts`
 * start it with `--expose-gc`): its heap after a full collection, what it holds, and optionally
 * a heap snapshot.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import v8 from 'node:v8';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HumanMessage } from '@langchain/core/messages';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { FastifyInstance } from 'fastify';
import { Socket as ServerSocket } from 'socket.io';
import {
  RUN_STREAM_MODES,
  THREAD_STREAM_MODES,
  type AgentStreamItem,
} from '../src/agents/agent.js';
import { createServer, createStore, type DatabaseConfig } from '../src/index.js';
import { Run } from '../src/runs/run.js';
import { buildBenchGraph, createBenchAgent } from './graph.js';
import type { ChildMessage, HeapReport, ParentMessage, WindowReport } from './ipc.js';
import { BenchChatModel, promptFor } from './scripted-model.js';
import { DEFAULT_RUN_FLUSH_INTERVAL_MS } from '../src/config.js';

const mode = process.argv[2];
if (mode !== 'server' && mode !== 'baseline' && mode !== 'floor')
  throw new Error(`unknown mode ${mode}`);
const delayMs = Number(process.env.BENCH_TOKEN_DELAY_MS ?? 5);
const flushIntervalMs = Number(
  process.env.BENCH_FLUSH_INTERVAL_MS ?? DEFAULT_RUN_FLUSH_INTERVAL_MS,
);

const send = (message: ChildMessage) => process.send?.(message);

const model = new BenchChatModel({ delayMs });

/** Temporary folders this child made (removed when it is told to exit). */
const temporaryFolders: string[] = [];

/** A SQLite file in a fresh temporary folder (the server's default storage is a SQLite file). */
function temporarySqlite(): DatabaseConfig {
  const folder = mkdtempSync(path.join(tmpdir(), `bench-${mode}-`));
  temporaryFolders.push(folder);
  return { dialect: 'sqlite', file: path.join(folder, 'bench.sqlite') };
}

/** An open measurement window. */
function openWindow(): () => WindowReport {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const startedAt = performance.now();
  const generated = { ...model.generated };
  return () => {
    const usage = process.cpuUsage(cpu);
    return {
      cpuUserUs: usage.user,
      cpuSystemUs: usage.system,
      elu: performance.eventLoopUtilization(elu).utilization,
      wallMs: performance.now() - startedAt,
      heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
      calls: model.generated.calls - generated.calls,
      tokens: model.generated.tokens - generated.tokens,
      chars: model.generated.chars - generated.chars,
    };
  };
}

/** The model called directly (`model.stream`), `samples` times in a row. */
async function directTtft(samples: number, tokens: number): Promise<number[]> {
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const prompt = new HumanMessage(promptFor(`direct${sample}`, tokens));
    const startedAt = performance.now();
    const stream = await model.stream([prompt]);
    let first = true;
    for await (const chunk of stream) {
      if (first && chunk.content) {
        times.push(performance.now() - startedAt);
        first = false;
      }
    }
  }
  return times;
}

/**
 * The graph a baseline child drains and how: `baseline` compiles it with the checkpointer of its
 * own SQLite store and runs every stream on a fresh thread with the server's thread stream modes
 * (the server's per-stream work minus the server); `floor` runs it stateless.
 */
interface Drainer {
  graph: ReturnType<typeof buildBenchGraph>;
  streamMode: typeof RUN_STREAM_MODES | typeof THREAD_STREAM_MODES;
  /** The `configurable` of one stream (a fresh thread with a checkpointer). */
  configurable: () => Record<string, unknown> | undefined;
}

let drainer: Drainer | null = null;

/**
 * Streams the graph once for `seed`: the text of its `messages` items, the time from
 * `graph.stream()` to the first one, and how many checkpoints it reported.
 */
async function drainOne(seed: string, tokens: number) {
  if (!drainer) throw new Error(`the ${mode} child drains no graph`);
  const startedAt = performance.now();
  const controller = new AbortController();
  const input = {
    messages: [new HumanMessage({ content: promptFor(seed, tokens), id: randomUUID() })],
  };
  const configurable = drainer.configurable();
  const stream = await drainer.graph.stream(input, {
    streamMode: drainer.streamMode,
    signal: controller.signal,
    ...(configurable ? { configurable } : {}),
  });
  let text = '';
  let firstChunkMs = Number.NaN;
  let checkpoints = 0;
  for await (const item of stream as AsyncIterable<AgentStreamItem>) {
    if (item[0] === 'checkpoints') {
      checkpoints += 1;
      continue;
    }
    if (item[0] !== 'messages') continue;
    const content = item[1][0].content;
    if (typeof content === 'string' && content.length > 0) {
      if (text.length === 0) firstChunkMs = performance.now() - startedAt;
      text += content;
    }
  }
  return { text, firstChunkMs, checkpoints };
}

/** The graph streamed `samples` times in a row: ms from `graph.stream()` to the first chunk. */
async function graphTtft(samples: number, tokens: number): Promise<number[]> {
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample += 1)
    times.push((await drainOne(`graph${sample}`, tokens)).firstChunkMs);
  return times;
}

/** Drains `streams` graph streams, started `staggerMs` apart, in one window. */
async function baseline(round: string, streams: number, tokens: number, staggerMs: number) {
  const texts: Record<string, string> = {};
  const firstChunkMs: Record<string, number> = {};
  let checkpoints = 0;
  const close = openWindow();
  const drain = async (seed: string) => {
    const result = await drainOne(seed, tokens);
    texts[seed] = result.text;
    firstChunkMs[seed] = result.firstChunkMs;
    checkpoints += result.checkpoints;
  };
  const runs: Promise<void>[] = [];
  for (let index = 0; index < streams; index += 1) {
    const seed = `${round}s${index}`;
    runs.push(
      new Promise<void>((resolve) => setTimeout(resolve, index * staggerMs)).then(() =>
        drain(seed),
      ),
    );
  }
  await Promise.all(runs);
  return { report: close(), texts, firstChunkMs, checkpoints };
}

/** The server app, once listening (server mode). */
let serverApp: FastifyInstance | null = null;

/**
 * The heap after a full collection (needs `--expose-gc`), what the server holds (runs, sockets,
 * rooms), and optionally live objects per class (slow: a heap walk per class) and a snapshot.
 */
function heapAfterGc(options: { snapshot?: string; countObjects?: boolean }): HeapReport {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('the child was not started with --expose-gc');
  const startedAt = performance.now();
  // Twice: the first collection can leave objects that only the second one finds dead
  // (finalizers, weak references cleared by the first).
  collect();
  collect();
  const gcMs = performance.now() - startedAt;
  const memory = process.memoryUsage();
  const count = (constructor: abstract new (...args: never[]) => unknown) =>
    v8.queryObjects(constructor as never, { format: 'count' }) as number;
  const mb = (bytes: number) => bytes / 2 ** 20;
  const countedAt = performance.now();
  const objects = options.countObjects
    ? { Run: count(Run), 'socket.io Socket': count(ServerSocket) }
    : undefined;
  const countMs = performance.now() - countedAt;
  const held = serverApp
    ? {
        endedRuns: serverApp.runs.endedRunCount,
        sockets: serverApp.io.of('/').sockets.size,
        rooms: serverApp.io.of('/').adapter.rooms.size,
      }
    : { endedRuns: 0, sockets: 0, rooms: 0 };
  return {
    heapUsedMb: mb(memory.heapUsed),
    heapTotalMb: mb(memory.heapTotal),
    rssMb: mb(memory.rss),
    externalMb: mb(memory.external),
    gcMs,
    held,
    ...(objects ? { objects, countMs } : {}),
    ...(options.snapshot ? { snapshot: v8.writeHeapSnapshot(options.snapshot) } : {}),
  };
}

let closeWindow: (() => WindowReport) | null = null;

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case 'begin':
      closeWindow = openWindow();
      send({ type: 'begun' });
      return;
    case 'end':
      if (!closeWindow) throw new Error('no window open');
      send({ type: 'window', report: closeWindow() });
      closeWindow = null;
      return;
    case 'direct-ttft':
      send({ type: 'ttft', ms: await directTtft(message.samples, message.tokens) });
      return;
    case 'graph-ttft':
      send({ type: 'ttft', ms: await graphTtft(message.samples, message.tokens) });
      return;
    case 'baseline': {
      const result = await baseline(
        message.round,
        message.streams,
        message.tokens,
        message.staggerMs,
      );
      send({ type: 'baseline-done', ...result });
      return;
    }
    case 'heap':
      send({ type: 'heap', heap: heapAfterGc(message) });
      return;
    case 'exit':
      await closeApp();
      for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
      process.exit(0);
      return;
  }
}

let closeApp = async (): Promise<void> => {};

process.on('message', (message: ParentMessage) => {
  handle(message).catch((error: unknown) =>
    send({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
  );
});
// The orchestrator went away: nothing left to measure.
process.on('disconnect', () => process.exit(0));

if (mode === 'server') {
  const app = createServer({
    agents: [createBenchAgent(model)],
    config: {
      runFlushIntervalMs: flushIntervalMs,
      // The real default storage (a SQLite file, its checkpointer in the same file), in a
      // temporary folder.
      database: process.env.BENCH_DATABASE === 'memory' ? { dialect: 'memory' } : temporarySqlite(),
      // One client process opens every stream: per-socket and per-user limits would throttle
      // the load being measured.
      limits: {
        eventsPerSecond: 1_000_000,
        eventBurst: 1_000_000,
        concurrentRunsPerUser: 1_000_000,
        maxPayloadBytes: 1_000_000,
        maxMessageLength: 32_000,
      },
    },
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  serverApp = app;
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  closeApp = () => app.close();
  send({
    type: 'ready',
    url: `http://127.0.0.1:${address.port}`,
    flushIntervalMs: app.serverConfig.runFlushIntervalMs,
  });
} else if (mode === 'baseline') {
  // A store of its own, opened as the server opens its own (migrations, then the checkpointer
  // in the same SQLite file).
  const managed = createStore(
    process.env.BENCH_DATABASE === 'memory' ? { dialect: 'memory' } : temporarySqlite(),
  );
  await managed.open();
  const checkpointer: BaseCheckpointSaver = managed.checkpointer();
  drainer = {
    graph: buildBenchGraph(model, checkpointer),
    streamMode: THREAD_STREAM_MODES,
    configurable: () => ({ thread_id: randomUUID() }),
  };
  closeApp = () => managed.close();
  send({ type: 'ready' });
} else {
  drainer = {
    graph: buildBenchGraph(model),
    streamMode: RUN_STREAM_MODES,
    configurable: () => undefined,
  };
  send({ type: 'ready' });
}
