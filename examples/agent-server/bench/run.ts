/**
 * `pnpm bench`: the agent server's streaming benchmark. See docs/benchmarks.md.
 *
 * Spawns two child processes set up the same way (`node --import tsx bench/child.ts`): a
 * `server` (buildApp + listen) and a `baseline` (the same LangGraph graph drained in-process).
 * Each measures its own CPU over a window opened and closed over IPC; the socket.io clients
 * live here, in the parent, so their CPU never counts.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from 'svelte-langserve/protocol';
import type { ClientSocket } from '../tests/support/client.js';
import { Child, wait } from './child-process.js';
import { envNumber } from './env.js';
import type { WindowReport } from './ipc.js';
import { expectedText, promptFor } from './scripted-model.js';
import { median, percentile, round } from './stats.js';

/** The workload (overridable by environment variables, for experiments). */
const settings = {
  streams: envNumber('BENCH_STREAMS', 100),
  tokensPerStream: envNumber('BENCH_TOKENS', 300),
  tokenDelayMs: envNumber('BENCH_TOKEN_DELAY_MS', 5),
  /** Stream i starts i × staggerMs after the first (server and baseline alike). */
  staggerMs: envNumber('BENCH_STAGGER_MS', 1),
  rounds: envNumber('BENCH_ROUNDS', 3),
  flushIntervalMs: envNumber('BENCH_FLUSH_INTERVAL_MS', 16),
  latencySamples: envNumber('BENCH_LATENCY_SAMPLES', 60),
  latencyTokens: 10,
  warmupLatencySamples: 10,
};

const TARGETS = { cpuRatio: 1.5, cpuRatioStretch: 1.15, addedFirstTokenP50Ms: 5 };
const ROUND_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Clients

/** One stream as a client sees it. */
interface StreamState {
  seed: string;
  tokens: number;
  conversationId: string;
  sentAt: number;
  firstDeltaAt: number | null;
  text: string;
  deltas: number;
  lastSeq: number;
  seqErrors: number;
  status: string | null;
  ended: Promise<void>;
  end: () => void;
}

const streamsByConversation = new Map<string, StreamState>();

async function connectClient(url: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { protocolVersion: PROTOCOL_VERSION },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('run:event', (event) => {
    const state = streamsByConversation.get(event.conversationId);
    if (!state) return;
    if (event.seq !== state.lastSeq + 1) state.seqErrors += 1;
    state.lastSeq = event.seq;
    if (event.type === 'text-delta') {
      if (state.firstDeltaAt === null) state.firstDeltaAt = performance.now();
      state.text += event.text;
      state.deltas += 1;
    } else if (event.type === 'end') {
      state.status = event.status;
      state.end();
    }
  });
  return socket;
}

/** Creates and joins a fresh conversation for stream `seed` (outside any measurement). */
async function prepareStream(socket: ClientSocket, seed: string, tokens: number) {
  const created = await socket.emitWithAck('conversations:create', { title: seed });
  if (!created.ok) throw new Error(`conversations:create: ${created.error.message}`);
  const conversationId = created.data.conversation.id;
  const joined = await socket.emitWithAck('conversations:join', { conversationId });
  if (!joined.ok) throw new Error(`conversations:join: ${joined.error.message}`);
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const state: StreamState = {
    seed,
    tokens,
    conversationId,
    sentAt: 0,
    firstDeltaAt: null,
    text: '',
    deltas: 0,
    lastSeq: -1,
    seqErrors: 0,
    status: null,
    ended,
    end,
  };
  streamsByConversation.set(conversationId, state);
  return state;
}

/** Sends the stream's prompt; resolves when the client has its `end` event. */
async function sendAndFinish(socket: ClientSocket, state: StreamState): Promise<void> {
  state.sentAt = performance.now();
  const ack = await socket.emitWithAck('messages:send', {
    conversationId: state.conversationId,
    clientMessageId: randomUUID(),
    text: promptFor(state.seed, state.tokens),
  });
  if (!ack.ok) throw new Error(`messages:send: ${ack.error.message}`);
  await state.ended;
  streamsByConversation.delete(state.conversationId);
}

const withTimeout = <T>(promise: Promise<T>, what: string): Promise<T> =>
  Promise.race([
    promise,
    wait(ROUND_TIMEOUT_MS).then(() => {
      throw new Error(`${what} timed out`);
    }),
  ]);

// ---------------------------------------------------------------------------------------------
// Delivery accounting (every stream of every phase counts)

const delivery = {
  streams: 0,
  exact: 0,
  notCompleted: 0,
  seqErrors: 0,
  deliveredChars: 0,
  expectedChars: 0,
  generatedChars: 0,
  generatedTokens: 0,
  failures: [] as string[],
};

function account(states: StreamState[], report: Pick<WindowReport, 'chars' | 'tokens'>): void {
  delivery.generatedChars += report.chars;
  delivery.generatedTokens += report.tokens;
  for (const state of states) {
    const expected = expectedText(state.seed, state.tokens);
    delivery.streams += 1;
    delivery.deliveredChars += state.text.length;
    delivery.expectedChars += expected.length;
    delivery.seqErrors += state.seqErrors;
    if (state.status !== 'completed') delivery.notCompleted += 1;
    if (state.text === expected) delivery.exact += 1;
    else if (delivery.failures.length < 5)
      delivery.failures.push(
        `${state.seed}: got ${state.text.length} chars, expected ${expected.length} (status ${state.status})`,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

interface LoadRound {
  round: string;
  server: WindowReport & { cpuUsPerToken: number; tokensPerSecond: number; deltas: number };
  baseline: WindowReport & { cpuUsPerToken: number; tokensPerSecond: number };
  /** Per stream, client: ms from `messages:send` to the first `text-delta`. */
  serverFirstDeltaMs: number[];
  /** Per stream, baseline: ms from `graph.stream()` to the first message chunk. */
  baselineFirstChunkMs: number[];
  /** The server's heap after a full collection, after the round (outside the windows). */
  serverHeapAfterGcMb: number;
  /** Ended runs the server held then (kept for replay). */
  serverEndedRunsHeld: number;
}

const cpuUsPerToken = (report: WindowReport) =>
  (report.cpuUserUs + report.cpuSystemUs) / Math.max(1, report.tokens);
const tokensPerSecond = (report: WindowReport) => report.tokens / (report.wallMs / 1000);

async function serverRound(server: Child, clients: ClientSocket[], round: string) {
  const streams = await Promise.all(
    clients.map(async (socket, index) => ({
      socket,
      state: await prepareStream(socket, `${round}s${index}`, settings.tokensPerStream),
    })),
  );
  const states = streams.map((stream) => stream.state);
  await server.request({ type: 'begin' }, 'begun');
  await withTimeout(
    Promise.all(
      streams.map(({ socket, state }, index) =>
        wait(index * settings.staggerMs).then(() => sendAndFinish(socket, state)),
      ),
    ),
    `server round ${round}`,
  );
  const { report } = await server.request({ type: 'end' }, 'window');
  account(states, report);
  return {
    report,
    firstDeltaMs: states.map((state) => (state.firstDeltaAt ?? Number.NaN) - state.sentAt),
    deltas: states.reduce((sum, state) => sum + state.deltas, 0),
  };
}

async function baselineRound(baseline: Child, round: string) {
  const result = await baseline.request(
    {
      type: 'baseline',
      round,
      streams: settings.streams,
      tokens: settings.tokensPerStream,
      staggerMs: settings.staggerMs,
    },
    'baseline-done',
  );
  // The baseline's own check: the graph yielded exactly what the model generated.
  for (let index = 0; index < settings.streams; index += 1) {
    const seed = `${round}s${index}`;
    if (result.texts[seed] !== expectedText(seed, settings.tokensPerStream))
      throw new Error(`baseline stream ${seed} did not drain the expected text`);
  }
  return result;
}

async function loadRound(server: Child, baseline: Child, clients: ClientSocket[], round: string) {
  const s = await serverRound(server, clients, `${round}srv`);
  const b = await baselineRound(baseline, `${round}base`);
  // Outside every window: the server's heap after a full collection (what it retains).
  const { heap } = await server.request({ type: 'heap' }, 'heap');
  const result: LoadRound = {
    round,
    server: {
      ...s.report,
      cpuUsPerToken: cpuUsPerToken(s.report),
      tokensPerSecond: tokensPerSecond(s.report),
      deltas: s.deltas,
    },
    baseline: {
      ...b.report,
      cpuUsPerToken: cpuUsPerToken(b.report),
      tokensPerSecond: tokensPerSecond(b.report),
    },
    serverFirstDeltaMs: s.firstDeltaMs,
    baselineFirstChunkMs: Object.values(b.firstChunkMs),
    serverHeapAfterGcMb: heap.heapUsedMb,
    serverEndedRunsHeld: heap.held.endedRuns,
  };
  console.log(
    `  ${round.padEnd(8)} server ${result.server.cpuUsPerToken.toFixed(1)} µs/token ` +
      `(ELU ${(result.server.elu * 100).toFixed(0)} %, ${Math.round(result.server.tokensPerSecond)} tokens/s, ` +
      `heap ${Math.round(result.server.heapUsedMb)} MB, after GC ${Math.round(heap.heapUsedMb)} MB ` +
      `with ${heap.held.endedRuns} ended runs held)` +
      ` | baseline ${result.baseline.cpuUsPerToken.toFixed(1)} µs/token ` +
      `(ELU ${(result.baseline.elu * 100).toFixed(0)} %, ${Math.round(result.baseline.tokensPerSecond)} tokens/s)` +
      ` | ratio ${(result.server.cpuUsPerToken / result.baseline.cpuUsPerToken).toFixed(2)}×`,
  );
  return result;
}

/** One stream at a time on an idle server: client-measured send → first delta. */
async function isolatedLatency(server: Child, client: ClientSocket, samples: number, tag: string) {
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const state = await prepareStream(client, `${tag}${sample}`, settings.latencyTokens);
    await server.request({ type: 'begin' }, 'begun');
    await withTimeout(sendAndFinish(client, state), 'latency sample');
    const { report } = await server.request({ type: 'end' }, 'window');
    account([state], report);
    times.push((state.firstDeltaAt ?? Number.NaN) - state.sentAt);
  }
  return times;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const startedAt = performance.now();
  const cpus = os.cpus();
  console.log(
    `agent-server bench: ${settings.streams} streams × ${settings.tokensPerStream} tokens, ` +
      `1 token / ${settings.tokenDelayMs} ms, flush ${settings.flushIntervalMs} ms, ` +
      `${settings.rounds} rounds + warm-up (${os.availableParallelism()} CPUs, ${cpus[0]?.model ?? '?'})`,
  );
  const loadAtStart = os.loadavg()[0] ?? 0;
  if (loadAtStart > os.availableParallelism() / 2)
    console.warn(
      `warning: load average ${loadAtStart.toFixed(1)} on ${os.availableParallelism()} CPUs — ` +
        'other processes are busy; CPU and latency figures will be noisy',
    );
  const env = {
    BENCH_TOKEN_DELAY_MS: String(settings.tokenDelayMs),
    BENCH_FLUSH_INTERVAL_MS: String(settings.flushIntervalMs),
  };
  // --expose-gc: the heap after GC is read between rounds, outside the measurement windows.
  const server = new Child('server', { env, execArgv: ['--expose-gc'] });
  const baseline = new Child('baseline', { env });
  const clients: ClientSocket[] = [];
  try {
    const [ready] = await Promise.all([server.next('ready'), baseline.next('ready')]);
    if (!ready.url) throw new Error('the server child reported no url');
    for (let index = 0; index < settings.streams; index += 1)
      clients.push(await connectClient(ready.url));
    const [first] = clients;
    if (!first) throw new Error('no clients');

    // 1. First-token latency on an idle server, and the model's own, called directly.
    console.log('first-token latency (one stream at a time, idle server)…');
    await server.request(
      {
        type: 'direct-ttft',
        samples: settings.warmupLatencySamples,
        tokens: settings.latencyTokens,
      },
      'ttft',
    );
    await isolatedLatency(server, first, settings.warmupLatencySamples, 'warm');
    const direct = await server.request(
      { type: 'direct-ttft', samples: settings.latencySamples, tokens: settings.latencyTokens },
      'ttft',
    );
    const pipeline = await isolatedLatency(server, first, settings.latencySamples, 'lat');
    const directP50 = median(direct.ms);
    const added = pipeline.map((ms) => ms - directP50);

    // 2. CPU per token under load, server vs baseline, alternating; the warm-up is discarded.
    console.log('CPU per token under load…');
    await loadRound(server, baseline, clients, 'warm-up');
    const rounds: LoadRound[] = [];
    for (let index = 1; index <= settings.rounds; index += 1)
      rounds.push(await loadRound(server, baseline, clients, `round${index}`));

    const serverCpu = median(rounds.map((r) => r.server.cpuUsPerToken));
    const baselineCpu = median(rounds.map((r) => r.baseline.cpuUsPerToken));
    const ratio = serverCpu / baselineCpu;
    const underLoad = rounds.flatMap((r) => r.serverFirstDeltaMs).map((ms) => ms - directP50);
    const baselineUnderLoad = rounds.flatMap((r) => r.baselineFirstChunkMs);
    const deliveredRatio = delivery.deliveredChars / delivery.generatedChars;
    const deliveryOk =
      delivery.exact === delivery.streams &&
      delivery.notCompleted === 0 &&
      delivery.seqErrors === 0 &&
      delivery.deliveredChars === delivery.generatedChars &&
      delivery.generatedChars === delivery.expectedChars;

    const addedP50 = median(added);
    const header = ['Figure', 'Measured', 'Baseline / detail', 'Target'];
    const rows: string[][] = [
      [
        'Server CPU per token',
        `${serverCpu.toFixed(1)} µs`,
        `LangGraph in-process: ${baselineCpu.toFixed(1)} µs`,
        '',
      ],
      [
        'CPU ratio server / baseline',
        `${ratio.toFixed(2)}×`,
        `rounds: ${rounds.map((r) => (r.server.cpuUsPerToken / r.baseline.cpuUsPerToken).toFixed(2)).join(', ')}`,
        `≤ ${TARGETS.cpuRatio}× ${ratio <= TARGETS.cpuRatio ? 'PASS' : 'MISS'} (stretch ≤ ${TARGETS.cpuRatioStretch}× ${ratio <= TARGETS.cpuRatioStretch ? 'PASS' : 'MISS'})`,
      ],
      [
        'Server event loop busy',
        `${(median(rounds.map((r) => r.server.elu)) * 100).toFixed(0)} %`,
        `baseline ${(median(rounds.map((r) => r.baseline.elu)) * 100).toFixed(0)} %`,
        '',
      ],
      [
        'Tokens/s generated (all streams)',
        `${Math.round(median(rounds.map((r) => r.server.tokensPerSecond)))}`,
        `baseline ${Math.round(median(rounds.map((r) => r.baseline.tokensPerSecond)))}; nominal ${Math.round((settings.streams * 1000) / settings.tokenDelayMs)}`,
        '',
      ],
      [
        'Tokens per text-delta',
        `${median(rounds.map((r) => r.server.tokens / r.server.deltas)).toFixed(2)}`,
        `flush interval ${settings.flushIntervalMs} ms`,
        '',
      ],
      [
        'Delivered / generated',
        `${(deliveredRatio * 100).toFixed(2)} %`,
        `${delivery.exact}/${delivery.streams} streams exact, ${delivery.deliveredChars}/${delivery.generatedChars} chars`,
        `100 % ${deliveryOk ? 'PASS' : 'FAIL'}`,
      ],
      [
        'Added first-token latency p50',
        `${addedP50.toFixed(2)} ms`,
        `p95 ${percentile(added, 95).toFixed(2)} ms; model direct TTFT p50 ${directP50.toFixed(2)} ms`,
        `≤ ${TARGETS.addedFirstTokenP50Ms} ms ${addedP50 <= TARGETS.addedFirstTokenP50Ms ? 'PASS' : 'MISS'}`,
      ],
      [
        'Added first-token latency, loaded',
        `${median(underLoad).toFixed(2)} ms`,
        `p95 ${percentile(underLoad, 95).toFixed(2)} ms; graph in-process p50 ${median(baselineUnderLoad).toFixed(2)} ms`,
        '(informative)',
      ],
    ];
    const widths = header.map((_, column) =>
      Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
    );
    const line = (row: string[]) =>
      row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' │ ');
    console.log();
    console.log(line(header));
    console.log(widths.map((width) => '─'.repeat(width)).join('─┼─'));
    for (const row of rows) console.log(line(row));
    if (!deliveryOk) {
      console.error(`\nDELIVERY FAILED: ${JSON.stringify(delivery, null, 2)}`);
    }

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: cpus[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverageAtStart: round(loadAtStart),
        loadAverageAtEnd: round(os.loadavg()[0] ?? 0),
      },
      settings,
      targets: TARGETS,
      cpu: {
        serverUsPerToken: round(serverCpu),
        baselineUsPerToken: round(baselineCpu),
        ratio: round(ratio, 3),
        serverElu: round(median(rounds.map((r) => r.server.elu)), 3),
        baselineElu: round(median(rounds.map((r) => r.baseline.elu)), 3),
      },
      delivery: { ...delivery, ratio: deliveredRatio, ok: deliveryOk },
      firstTokenLatencyMs: {
        modelDirectP50: round(directP50, 3),
        modelDirectP95: round(percentile(direct.ms, 95), 3),
        pipelineP50: round(median(pipeline), 3),
        pipelineP95: round(percentile(pipeline, 95), 3),
        addedP50: round(addedP50, 3),
        addedP95: round(percentile(added, 95), 3),
        underLoadAddedP50: round(median(underLoad), 3),
        underLoadAddedP95: round(percentile(underLoad, 95), 3),
        baselineGraphUnderLoadP50: round(median(baselineUnderLoad), 3),
        baselineGraphUnderLoadP95: round(percentile(baselineUnderLoad, 95), 3),
      },
      rounds: rounds.map((r) => ({
        round: r.round,
        server: r.server,
        baseline: r.baseline,
        serverFirstDeltaP50Ms: round(median(r.serverFirstDeltaMs), 3),
        serverHeapAfterGcMb: round(r.serverHeapAfterGcMb, 1),
        serverEndedRunsHeld: r.serverEndedRunsHeld,
        baselineFirstChunkP50Ms: round(median(r.baselineFirstChunkMs), 3),
      })),
      durationSeconds: round((performance.now() - startedAt) / 1000, 1),
    };
    const directory = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(directory, { recursive: true });
    writeFileSync(`${directory}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nresults: bench/results/latest.json (${results.durationSeconds} s)`);
    return deliveryOk ? 0 : 1;
  } finally {
    for (const socket of clients) socket.close();
    await Promise.all([server.exit(), baseline.exit()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
