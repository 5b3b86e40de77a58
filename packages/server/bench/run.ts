/**
 * `pnpm bench`: the server's streaming benchmark (issue 12, item 7). See docs/benchmarks.md.
 *
 * Spawns three child processes set up the same way (`node --import tsx bench/child.ts <mode>`):
 * - `server`: `createServer` + listen, on its default storage (a temporary SQLite file); runs
 *   stream the bench graph on a thread of the store's checkpointer (`SqliteSaver`);
 * - `baseline`: the same graph drained in-process, compiled with the checkpointer of a SQLite
 *   store of its own, each stream on a fresh thread: the baseline the targets are judged on;
 * - `floor`: the same graph drained in-process without a checkpointer (for information).
 * Each measures its own CPU over a window opened and closed over IPC; the socket.io clients
 * live here, in the parent, so their CPU never counts.
 *
 * Targets, each against its baseline in one run: server CPU per token ≤ 1.3× the checkpointer
 * baseline's (stretch ≤ 1.15×); first token added ≤ 3 ms p50; after the rounds and a forced GC,
 * the server's heap within 10 % of its post-warm-up size (both read once the ended runs kept
 * for replay have expired).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from 'svelte-langserve/protocol';
import { Child, wait } from './child-process.js';
import type { ClientSocket } from './client.js';
import { envNumber, machineInfo } from './env.js';
import type { HeapReport, WindowReport } from './ipc.js';
import { expectedText, promptFor } from './scripted-model.js';
import { median, percentile, round } from './stats.js';
import { DEFAULT_RUN_FLUSH_INTERVAL_MS } from '../src/config.js';

/** The workload (overridable by environment variables, for experiments). */
const settings = {
  streams: envNumber('BENCH_STREAMS', 100),
  tokensPerStream: envNumber('BENCH_TOKENS', 300),
  tokenDelayMs: envNumber('BENCH_TOKEN_DELAY_MS', 5),
  /** Stream i starts i × staggerMs after the first (server and baseline alike). */
  staggerMs: envNumber('BENCH_STAGGER_MS', 1),
  rounds: envNumber('BENCH_ROUNDS', 3),
  flushIntervalMs: envNumber('BENCH_FLUSH_INTERVAL_MS', DEFAULT_RUN_FLUSH_INTERVAL_MS),
  latencySamples: envNumber('BENCH_LATENCY_SAMPLES', 60),
  latencyTokens: 10,
  warmupLatencySamples: envNumber('BENCH_WARMUP_LATENCY_SAMPLES', 10),
  /**
   * Before each heap reading of the target, wait (at most this long) until the server holds no
   * ended run for replay (it keeps them 60 s): both readings then hold the same. 0: read at once.
   */
  heapSettleMs: envNumber('BENCH_HEAP_SETTLE_MS', 65_000),
};

const TARGETS = {
  /** Server CPU per token ÷ the checkpointer baseline's. */
  cpuRatio: 1.3,
  cpuRatioStretch: 1.15,
  /** Added first-token latency, p50, against the checkpointer baseline's graph. */
  addedFirstTokenP50Ms: 3,
  /** Heap after GC after the rounds ÷ after the warm-up, at most 1 + this. */
  heapGrowth: 0.1,
};
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

/** A window's figures, with CPU per token and tokens per second. */
type Measured = WindowReport & { cpuUsPerToken: number; tokensPerSecond: number };

interface LoadRound {
  round: string;
  server: Measured & { deltas: number };
  /** The same graph in-process with its own SQLite checkpointer: the target's baseline. */
  baseline: Measured & { checkpoints: number };
  /** The same graph in-process without a checkpointer (for information). */
  floor: Measured;
  /** Per stream, client: ms from `messages:send` to the first `text-delta`. */
  serverFirstDeltaMs: number[];
  /** Per stream, baseline: ms from `graph.stream()` to the first message chunk. */
  baselineFirstChunkMs: number[];
  /** Per stream, floor: likewise. */
  floorFirstChunkMs: number[];
  /** The server's heap after a full collection, after the round (outside the windows). */
  serverHeapAfterGcMb: number;
  /** Ended runs the server held then (kept for replay). */
  serverEndedRunsHeld: number;
}

const cpuUsPerToken = (report: WindowReport) =>
  (report.cpuUserUs + report.cpuSystemUs) / Math.max(1, report.tokens);
const tokensPerSecond = (report: WindowReport) => report.tokens / (report.wallMs / 1000);
const measured = (report: WindowReport): Measured => ({
  ...report,
  cpuUsPerToken: cpuUsPerToken(report),
  tokensPerSecond: tokensPerSecond(report),
});

/** Leaves the streams' conversations (outside the window: a client moving on). */
async function leaveAll(streams: Array<{ socket: ClientSocket; state: StreamState }>) {
  await Promise.all(
    streams.map(async ({ socket, state }) => {
      const left = await socket.emitWithAck('conversations:leave', {
        conversationId: state.conversationId,
      });
      if (!left.ok) throw new Error(`conversations:leave: ${left.error.message}`);
    }),
  );
}

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
  await leaveAll(streams);
  return {
    report,
    firstDeltaMs: states.map((state) => (state.firstDeltaAt ?? Number.NaN) - state.sentAt),
    deltas: states.reduce((sum, state) => sum + state.deltas, 0),
  };
}

/** One round of a baseline child (`baseline` or `floor`): the same streams, in-process. */
async function baselineRound(child: Child, name: string, round: string) {
  const result = await child.request(
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
      throw new Error(`${name} stream ${seed} did not drain the expected text`);
  }
  return result;
}

const ratioOf = (a: Measured, b: Measured) => a.cpuUsPerToken / b.cpuUsPerToken;

async function loadRound(
  children: { server: Child; baseline: Child; floor: Child },
  clients: ClientSocket[],
  round: string,
) {
  const s = await serverRound(children.server, clients, `${round}srv`);
  const b = await baselineRound(children.baseline, 'baseline', `${round}base`);
  const f = await baselineRound(children.floor, 'floor', `${round}floor`);
  if (b.checkpoints === 0 && process.env.BENCH_DATABASE !== 'memory')
    throw new Error('the checkpointer baseline wrote no checkpoint');
  // Outside every window: the server's heap after a full collection (what it retains).
  const { heap } = await children.server.request({ type: 'heap' }, 'heap');
  const result: LoadRound = {
    round,
    server: { ...measured(s.report), deltas: s.deltas },
    baseline: { ...measured(b.report), checkpoints: b.checkpoints },
    floor: measured(f.report),
    serverFirstDeltaMs: s.firstDeltaMs,
    baselineFirstChunkMs: Object.values(b.firstChunkMs),
    floorFirstChunkMs: Object.values(f.firstChunkMs),
    serverHeapAfterGcMb: heap.heapUsedMb,
    serverEndedRunsHeld: heap.held.endedRuns,
  };
  const figure = (name: string, m: Measured) =>
    `${name} ${m.cpuUsPerToken.toFixed(1)} µs/token (ELU ${(m.elu * 100).toFixed(0)} %, ` +
    `${Math.round(m.tokensPerSecond)} tokens/s`;
  console.log(
    `  ${round.padEnd(8)} ${figure('server', result.server)}, heap ${Math.round(result.server.heapUsedMb)} MB, ` +
      `after GC ${Math.round(heap.heapUsedMb)} MB with ${heap.held.endedRuns} ended runs held)` +
      ` | ${figure('baseline', result.baseline)})` +
      ` | ${figure('floor', result.floor)})` +
      ` | ratio ${ratioOf(result.server, result.baseline).toFixed(2)}× ` +
      `(floor ${ratioOf(result.server, result.floor).toFixed(2)}×)`,
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
    await leaveAll([{ socket: client, state }]);
    times.push((state.firstDeltaAt ?? Number.NaN) - state.sentAt);
  }
  return times;
}

/**
 * The server's heap after a full collection, once it holds no ended run kept for replay (it
 * keeps them 60 s), waiting at most `settings.heapSettleMs`: the target's two readings then hold
 * the same things (connected sockets, no ended runs, no joined conversations).
 */
async function settledHeap(
  server: Child,
  what: string,
): Promise<HeapReport & { waitedMs: number }> {
  const startedAt = performance.now();
  const deadline = startedAt + settings.heapSettleMs;
  let { heap } = await server.request({ type: 'heap' }, 'heap');
  if (heap.held.endedRuns > 0 && settings.heapSettleMs > 0)
    console.log(
      `  ${what}: waiting for the ${heap.held.endedRuns} ended runs held for replay to expire…`,
    );
  while (heap.held.endedRuns > 0 && performance.now() < deadline) {
    await wait(Math.min(5_000, Math.max(0, deadline - performance.now())));
    ({ heap } = await server.request({ type: 'heap' }, 'heap'));
  }
  const waitedMs = performance.now() - startedAt;
  console.log(
    `  ${what}: heap after GC ${heap.heapUsedMb.toFixed(2)} MB ` +
      `(${heap.held.endedRuns} ended runs, ${heap.held.sockets} sockets, ${heap.held.rooms} rooms held; ` +
      `waited ${(waitedMs / 1000).toFixed(0)} s)`,
  );
  return { ...heap, waitedMs };
}

// ---------------------------------------------------------------------------------------------

const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const signedPercent = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;

async function main(): Promise<number> {
  const startedAt = performance.now();
  const cpus = os.cpus();
  console.log(
    `server bench: ${settings.streams} streams × ${settings.tokensPerStream} tokens, ` +
      `1 token / ${settings.tokenDelayMs} ms, flush ${settings.flushIntervalMs} ms, ` +
      `${settings.rounds} rounds + warm-up (${os.availableParallelism()} CPUs, ${cpus[0]?.model ?? '?'}, ` +
      `load ${(os.loadavg()[0] ?? 0).toFixed(2)})`,
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
  const floor = new Child('floor', { env });
  const children = { server, baseline, floor };
  const clients: ClientSocket[] = [];
  try {
    const [ready] = await Promise.all([
      server.next('ready'),
      baseline.next('ready'),
      floor.next('ready'),
    ]);
    if (!ready.url) throw new Error('the server child reported no url');
    for (let index = 0; index < settings.streams; index += 1)
      clients.push(await connectClient(ready.url));
    const [first] = clients;
    if (!first) throw new Error('no clients');

    // 1. First-token latency, one stream at a time: through the idle server (client-measured),
    //    and in-process: the graph with its checkpointer (baseline), without one (floor), and the
    //    model called directly. One after another, never at once; warm-up samples discarded.
    console.log('first-token latency (one stream at a time, idle processes)…');
    const ttft = (child: Child, type: 'direct-ttft' | 'graph-ttft', samples: number) =>
      child.request({ type, samples, tokens: settings.latencyTokens }, 'ttft');
    const warmup = settings.warmupLatencySamples;
    await ttft(server, 'direct-ttft', warmup);
    await isolatedLatency(server, first, warmup, 'warm');
    await ttft(baseline, 'graph-ttft', warmup);
    await ttft(floor, 'graph-ttft', warmup);
    const direct = (await ttft(server, 'direct-ttft', settings.latencySamples)).ms;
    const pipeline = await isolatedLatency(server, first, settings.latencySamples, 'lat');
    const baselineGraph = (await ttft(baseline, 'graph-ttft', settings.latencySamples)).ms;
    const floorGraph = (await ttft(floor, 'graph-ttft', settings.latencySamples)).ms;
    const directP50 = median(direct);
    const baselineGraphP50 = median(baselineGraph);
    const floorGraphP50 = median(floorGraph);
    const added = pipeline.map((ms) => ms - baselineGraphP50);
    const addedToFloor = pipeline.map((ms) => ms - floorGraphP50);
    const addedToModel = pipeline.map((ms) => ms - directP50);

    // 2. CPU per token under load: server, baseline, floor, in turn; the warm-up is discarded.
    console.log('CPU per token under load…');
    await loadRound(children, clients, 'warm-up');
    const postWarmup = await settledHeap(server, 'after the warm-up');
    const rounds: LoadRound[] = [];
    for (let index = 1; index <= settings.rounds; index += 1)
      rounds.push(await loadRound(children, clients, `round${index}`));
    const afterRounds = await settledHeap(server, 'after the rounds');

    const serverCpu = median(rounds.map((r) => r.server.cpuUsPerToken));
    const baselineCpu = median(rounds.map((r) => r.baseline.cpuUsPerToken));
    const floorCpu = median(rounds.map((r) => r.floor.cpuUsPerToken));
    const ratio = serverCpu / baselineCpu;
    const ratioToFloor = serverCpu / floorCpu;
    /** Per round, each stream's first delta minus the baseline's first-chunk p50 of that round. */
    const loadedAdded = (of: (r: LoadRound) => number[]) =>
      rounds.flatMap((r) => {
        const reference = median(of(r));
        return r.serverFirstDeltaMs.map((ms) => ms - reference);
      });
    const underLoad = loadedAdded((r) => r.baselineFirstChunkMs);
    const underLoadToFloor = loadedAdded((r) => r.floorFirstChunkMs);
    const serverUnderLoad = rounds.flatMap((r) => r.serverFirstDeltaMs);
    const baselineUnderLoad = rounds.flatMap((r) => r.baselineFirstChunkMs);
    const floorUnderLoad = rounds.flatMap((r) => r.floorFirstChunkMs);
    const deliveredRatio = delivery.deliveredChars / delivery.generatedChars;
    const deliveryOk =
      delivery.exact === delivery.streams &&
      delivery.notCompleted === 0 &&
      delivery.seqErrors === 0 &&
      delivery.deliveredChars === delivery.generatedChars &&
      delivery.generatedChars === delivery.expectedChars;
    const heapChange = afterRounds.heapUsedMb / postWarmup.heapUsedMb - 1;
    const heapSettled = postWarmup.held.endedRuns === 0 && afterRounds.held.endedRuns === 0;

    const addedP50 = median(added);
    const pass = {
      cpuRatio: ratio <= TARGETS.cpuRatio,
      cpuRatioStretch: ratio <= TARGETS.cpuRatioStretch,
      addedFirstToken: addedP50 <= TARGETS.addedFirstTokenP50Ms,
      heap: heapChange <= TARGETS.heapGrowth,
      delivery: deliveryOk,
    };
    const perRound = (of: (r: LoadRound) => number) =>
      rounds.map((r) => of(r).toFixed(2)).join(', ');
    const header = ['Figure', 'Measured', 'Baseline / detail', 'Target'];
    const rows: string[][] = [
      [
        'Server CPU per token',
        `${serverCpu.toFixed(1)} µs`,
        `baseline (graph + SQLite checkpointer) ${baselineCpu.toFixed(1)} µs; floor (no checkpointer) ${floorCpu.toFixed(1)} µs`,
        '',
      ],
      [
        'CPU ratio server / baseline',
        `${ratio.toFixed(2)}×`,
        `rounds: ${perRound((r) => ratioOf(r.server, r.baseline))}`,
        `≤ ${TARGETS.cpuRatio}× ${verdict(pass.cpuRatio)} (stretch ≤ ${TARGETS.cpuRatioStretch}× ${verdict(pass.cpuRatioStretch)})`,
      ],
      [
        'CPU ratio server / floor',
        `${ratioToFloor.toFixed(2)}×`,
        `rounds: ${perRound((r) => ratioOf(r.server, r.floor))}; baseline / floor ${(baselineCpu / floorCpu).toFixed(2)}×`,
        '(informative)',
      ],
      [
        'Event loop busy',
        `${(median(rounds.map((r) => r.server.elu)) * 100).toFixed(0)} %`,
        `baseline ${(median(rounds.map((r) => r.baseline.elu)) * 100).toFixed(0)} %, floor ${(median(rounds.map((r) => r.floor.elu)) * 100).toFixed(0)} %`,
        '',
      ],
      [
        'Tokens/s generated (all streams)',
        `${Math.round(median(rounds.map((r) => r.server.tokensPerSecond)))}`,
        `baseline ${Math.round(median(rounds.map((r) => r.baseline.tokensPerSecond)))}, floor ${Math.round(median(rounds.map((r) => r.floor.tokensPerSecond)))}; nominal ${Math.round((settings.streams * 1000) / settings.tokenDelayMs)}`,
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
        `100 % ${verdict(deliveryOk)}`,
      ],
      [
        'Added first-token latency p50',
        `${addedP50.toFixed(2)} ms`,
        `p95 ${percentile(added, 95).toFixed(2)} ms; server pipeline p50 ${median(pipeline).toFixed(2)} ms − baseline graph TTFT p50 ${baselineGraphP50.toFixed(2)} ms`,
        `≤ ${TARGETS.addedFirstTokenP50Ms} ms ${verdict(pass.addedFirstToken)}`,
      ],
      [
        'Added first-token latency p50, floor',
        `${median(addedToFloor).toFixed(2)} ms`,
        `p95 ${percentile(addedToFloor, 95).toFixed(2)} ms; floor graph TTFT p50 ${floorGraphP50.toFixed(2)} ms; vs model direct (${directP50.toFixed(2)} ms) ${median(addedToModel).toFixed(2)} ms`,
        '(informative)',
      ],
      [
        'Added first-token latency, loaded',
        `${median(underLoad).toFixed(2)} ms`,
        `p95 ${percentile(underLoad, 95).toFixed(2)} ms; server p50 ${median(serverUnderLoad).toFixed(2)} ms, baseline graph p50 ${median(baselineUnderLoad).toFixed(2)} ms; vs floor (${median(floorUnderLoad).toFixed(2)} ms) ${median(underLoadToFloor).toFixed(2)} ms`,
        '(informative)',
      ],
      [
        'Server heap after GC, after the rounds',
        `${afterRounds.heapUsedMb.toFixed(2)} MB`,
        `post-warm-up ${postWarmup.heapUsedMb.toFixed(2)} MB (${signedPercent(heapChange)}); ended runs held ${postWarmup.held.endedRuns} → ${afterRounds.held.endedRuns}`,
        `≤ +${TARGETS.heapGrowth * 100} % ${verdict(pass.heap)}${heapSettled ? '' : ' (ended runs still held: not comparable)'}`,
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
    console.log();
    console.log('Targets (issue 12, item 7; each against its baseline, this run):');
    console.log(
      `  server CPU per token ≤ ${TARGETS.cpuRatio}× the checkpointer baseline: ${ratio.toFixed(2)}× ${verdict(pass.cpuRatio)}`,
    );
    console.log(
      `  stretch ≤ ${TARGETS.cpuRatioStretch}×: ${ratio.toFixed(2)}× ${verdict(pass.cpuRatioStretch)}`,
    );
    console.log(
      `  (information) server CPU per token / the floor without a checkpointer: ${ratioToFloor.toFixed(2)}×`,
    );
    console.log(
      `  first token added ≤ ${TARGETS.addedFirstTokenP50Ms} ms p50 (vs the checkpointer baseline's graph): ${addedP50.toFixed(2)} ms ${verdict(pass.addedFirstToken)}` +
        ` (vs the floor's: ${median(addedToFloor).toFixed(2)} ms)`,
    );
    console.log(
      `  server heap after the rounds and a forced GC within ${TARGETS.heapGrowth * 100} % of post-warm-up: ` +
        `${postWarmup.heapUsedMb.toFixed(2)} → ${afterRounds.heapUsedMb.toFixed(2)} MB (${signedPercent(heapChange)}) ${verdict(pass.heap)}` +
        (heapSettled ? '' : ' (ended runs still held at a reading: raise BENCH_HEAP_SETTLE_MS)'),
    );
    console.log(`  delivery 100 % exact: ${verdict(deliveryOk)}`);
    if (!deliveryOk) {
      console.error(`\nDELIVERY FAILED: ${JSON.stringify(delivery, null, 2)}`);
    }

    const ms3 = (values: number[], p: number) => round(percentile(values, p), 3);
    const heapFigures = (heap: HeapReport & { waitedMs: number }) => ({
      heapUsedMb: round(heap.heapUsedMb, 3),
      rssMb: round(heap.rssMb, 1),
      held: heap.held,
      waitedSeconds: round(heap.waitedMs / 1000, 1),
    });
    const results = {
      date: new Date().toISOString(),
      machine: {
        ...machineInfo(),
        loadAverageAtStart: round(loadAtStart),
        loadAverageAtEnd: round(os.loadavg()[0] ?? 0),
      },
      settings,
      targets: TARGETS,
      pass,
      cpu: {
        serverUsPerToken: round(serverCpu),
        baselineUsPerToken: round(baselineCpu),
        floorUsPerToken: round(floorCpu),
        ratio: round(ratio, 3),
        ratioToFloor: round(ratioToFloor, 3),
        serverElu: round(median(rounds.map((r) => r.server.elu)), 3),
        baselineElu: round(median(rounds.map((r) => r.baseline.elu)), 3),
        floorElu: round(median(rounds.map((r) => r.floor.elu)), 3),
      },
      delivery: { ...delivery, ratio: deliveredRatio, ok: deliveryOk },
      firstTokenLatencyMs: {
        pipelineP50: ms3(pipeline, 50),
        pipelineP95: ms3(pipeline, 95),
        baselineGraphP50: round(baselineGraphP50, 3),
        baselineGraphP95: ms3(baselineGraph, 95),
        floorGraphP50: round(floorGraphP50, 3),
        floorGraphP95: ms3(floorGraph, 95),
        modelDirectP50: round(directP50, 3),
        modelDirectP95: ms3(direct, 95),
        addedP50: round(addedP50, 3),
        addedP95: ms3(added, 95),
        addedToFloorP50: ms3(addedToFloor, 50),
        addedToFloorP95: ms3(addedToFloor, 95),
        addedToModelP50: ms3(addedToModel, 50),
        addedToModelP95: ms3(addedToModel, 95),
        underLoadAddedP50: ms3(underLoad, 50),
        underLoadAddedP95: ms3(underLoad, 95),
        underLoadAddedToFloorP50: ms3(underLoadToFloor, 50),
        serverUnderLoadP50: ms3(serverUnderLoad, 50),
        baselineGraphUnderLoadP50: ms3(baselineUnderLoad, 50),
        baselineGraphUnderLoadP95: ms3(baselineUnderLoad, 95),
        floorGraphUnderLoadP50: ms3(floorUnderLoad, 50),
      },
      heap: {
        postWarmup: heapFigures(postWarmup),
        afterRounds: heapFigures(afterRounds),
        change: round(heapChange, 4),
        settled: heapSettled,
      },
      rounds: rounds.map((r) => ({
        round: r.round,
        server: r.server,
        baseline: r.baseline,
        floor: r.floor,
        serverFirstDeltaP50Ms: round(median(r.serverFirstDeltaMs), 3),
        baselineFirstChunkP50Ms: round(median(r.baselineFirstChunkMs), 3),
        floorFirstChunkP50Ms: round(median(r.floorFirstChunkMs), 3),
        serverHeapAfterGcMb: round(r.serverHeapAfterGcMb, 1),
        serverEndedRunsHeld: r.serverEndedRunsHeld,
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
    await Promise.all([server.exit(), baseline.exit(), floor.exit()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
