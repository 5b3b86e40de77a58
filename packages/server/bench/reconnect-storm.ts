/**
 * Reconnect storm: where a Socket.IO handshake's time goes when every client reconnects at once.
 *
 *   pnpm --filter @svelte-langserve/server exec tsx bench/reconnect-storm.ts [--profile]
 *
 * The server is the bench's `server` child (`child.ts`: the real app on 127.0.0.1, SQLite, the
 * scripted model); the clients live here. Each condition connects `clients` socket.io-clients,
 * each signed in as its own user (a token from `POST /auth/dev-login`), gives each one a fresh
 * conversation and then either streams a long answer into every one (`streaming`) or lets a
 * short answer finish first (`idle`). Then every client's transport is closed at the same moment
 * (client side, `engine.close()`), and each client reconnects on its own (after 1 ms) and re-joins
 * its conversation with `runs: [{ runId, seq }]`, as the library's client does.
 *
 * Per client: handshake (the manager's `reconnect_attempt` → `connect`), drop → connect, the
 * re-join's acknowledgement, and (polling) the WebSocket upgrade. Per storm: the server's event
 * loop utilisation and CPU (its own window), and this process's. Conditions (idle / streaming ×
 * WebSocket-only / polling-then-upgrade) are interleaved, their order rotated every round.
 *
 * With `--profile` the child runs under `--cpu-prof`; its samples are then cut to the storm
 * windows (the profile's clock is the monotonic clock `process.hrtime` reads) and summarised by
 * self time, per condition. A JWT check measures `TokenAuthority.verify` alone, in this process.
 *
 * Reading the figures: event loop utilisation counts wall time, so on a machine busier than its
 * cores it includes time the server was descheduled; "CPU before drop" (CPU time / wall time)
 * shows how much of a core it actually got. `--cpu-prof` inflates ELU: take ELU and latencies
 * from a run without `--profile`, and the profile for where the busy time went.
 *
 * Knobs (environment): BENCH_STORM_CLIENTS (50), BENCH_STORM_ROUNDS (3), BENCH_STORM_TOKENS
 * (4000 per streaming answer), BENCH_TOKEN_DELAY_MS (5), BENCH_STORM_STEADY_MS (1000, streaming
 * before the drop), BENCH_STORM_TRANSPORTS ("websocket,polling"), BENCH_STORM_RECONNECT_DELAY_MS
 * (1: all at once; 1000 = socket.io-client's default backoff, jittered ± 50 %).
 */
import { createHmac, createSecretKey, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION, type RunEvent } from 'svelte-langserve/protocol';
import { TokenAuthority } from '../src/index.js';
import { Child, wait } from './child-process.js';
import type { ClientSocket } from './client.js';
import { envNumber, shortUrl } from './env.js';
import type { WindowReport } from './ipc.js';
import { promptFor } from './scripted-model.js';
import { median, percentile } from './stats.js';

type TransportMode = 'websocket' | 'polling';
type Load = 'idle' | 'streaming';
interface Condition {
  load: Load;
  transport: TransportMode;
}

const settings = {
  clients: envNumber('BENCH_STORM_CLIENTS', 50),
  rounds: envNumber('BENCH_STORM_ROUNDS', 3),
  tokens: envNumber('BENCH_STORM_TOKENS', 4000),
  tokenDelayMs: envNumber('BENCH_TOKEN_DELAY_MS', 5),
  steadyMs: envNumber('BENCH_STORM_STEADY_MS', 1000),
  /**
   * The clients' `reconnectionDelay`: 1 ms (and no jitter) makes every client reconnect at
   * once; 1000 is socket.io-client's default (with its ± 50 % jitter), as the library's
   * `SocketIoTransport` runs unless told otherwise.
   */
  reconnectDelayMs: Math.max(1, envNumber('BENCH_STORM_RECONNECT_DELAY_MS', 1)),
  transports: (process.env.BENCH_STORM_TRANSPORTS ?? 'websocket,polling')
    .split(',')
    .filter((name): name is TransportMode => name === 'websocket' || name === 'polling'),
  /** Tokens of the short answer an idle condition lets finish before its storm. */
  idleTokens: 5,
};
const profile = process.argv.includes('--profile');
/** Nothing in one condition may take longer than this. */
const STEP_TIMEOUT_MS = 60_000;

/** The monotonic clock in µs: the clock of a V8 `.cpuprofile`'s timestamps. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const withTimeout = <T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> =>
  Promise.race([
    promise,
    wait(ms).then(() => {
      throw new Error(`${what} timed out after ${ms} ms`);
    }),
  ]);

// ---------------------------------------------------------------------------------------------
// Tokens

/**
 * A development-login token for `name`. The route allows a burst of 10 per client address, so
 * client `index` asks from its own loopback source address (127.0.0.10 + index / 10); the
 * traffic still goes to 127.0.0.1 only.
 */
function devToken(url: string, name: string, index: number): Promise<string> {
  const { port } = new URL(url);
  const body = JSON.stringify({ name });
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: '127.0.0.1',
        port,
        path: '/auth/dev-login',
        method: 'POST',
        localAddress: `127.0.0.${10 + Math.floor(index / 10)}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          if (response.statusCode !== 200)
            reject(new Error(`dev-login ${response.statusCode}: ${text}`));
          else resolve((JSON.parse(text) as { token: string }).token);
        });
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// Clients

/** One client of a condition: its socket, conversation and run, and what it saw of the run. */
interface StormClient {
  socket: ClientSocket;
  conversationId: string;
  runId: string;
  lastSeq: number;
  /** Events skipped (a seq more than one past the last), replay included. */
  gaps: number;
  firstDelta: Promise<void>;
  ended: Promise<void>;
}

/** Per client and storm, in ms. */
interface Sample {
  /** `reconnect_attempt` → `connect`: Engine.IO open + the Socket.IO CONNECT and its middleware. */
  handshakeMs: number;
  /** The drop → `connect`. */
  dropToConnectMs: number;
  /** `conversations:join` sent → acknowledged. */
  rejoinMs: number;
  /** `reconnect_attempt` → the transport is WebSocket (polling only). */
  upgradeMs?: number;
}

async function openClient(
  url: string,
  token: string,
  transport: TransportMode,
  index: number,
): Promise<StormClient> {
  const socket: ClientSocket = connect(url, {
    transports: transport === 'websocket' ? ['websocket'] : ['polling', 'websocket'],
    forceNew: true,
    auth: { protocolVersion: PROTOCOL_VERSION, token },
    // Every client reconnects at once, the moment its transport closes: the storm. (A delay of
    // 0 would mean socket.io-client's default, 1000 ms ± 50 %.)
    reconnectionDelay: settings.reconnectDelayMs,
    randomizationFactor: settings.reconnectDelayMs === 1 ? 0 : 0.5,
    reconnectionAttempts: 3,
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    }),
    `client ${index} connect`,
  );
  if (transport === 'polling' && socket.io.engine.transport.name !== 'websocket')
    await withTimeout(
      new Promise<void>((resolve) => socket.io.engine.once('upgrade', () => resolve())),
      `client ${index} upgrade`,
    );
  const created = await socket.emitWithAck('conversations:create', { title: `storm ${index}` });
  if (!created.ok) throw new Error(`conversations:create: ${created.error.message}`);
  const conversationId = created.data.conversation.id;
  const joined = await socket.emitWithAck('conversations:join', { conversationId });
  if (!joined.ok) throw new Error(`conversations:join: ${joined.error.message}`);
  let firstDelta!: () => void;
  let ended!: () => void;
  const client: StormClient = {
    socket,
    conversationId,
    runId: '',
    lastSeq: -1,
    gaps: 0,
    firstDelta: new Promise<void>((resolve) => (firstDelta = resolve)),
    ended: new Promise<void>((resolve) => (ended = resolve)),
  };
  socket.on('run:event', (event: RunEvent) => {
    if (event.conversationId !== conversationId || event.seq <= client.lastSeq) return;
    if (event.seq > client.lastSeq + 1) client.gaps += event.seq - client.lastSeq - 1;
    client.lastSeq = event.seq;
    if (event.type === 'text-delta') firstDelta();
    else if (event.type === 'end') ended();
  });
  return client;
}

async function send(client: StormClient, seed: string, tokens: number): Promise<void> {
  const ack = await client.socket.emitWithAck('messages:send', {
    conversationId: client.conversationId,
    clientMessageId: randomUUID(),
    text: promptFor(seed, tokens),
  });
  if (!ack.ok) throw new Error(`messages:send: ${ack.error.message}`);
  const run = ack.data.runs[0];
  if (!run) throw new Error('messages:send started no run');
  client.runId = run.id;
}

/** Drops `client`'s transport now; resolves with its timings once it has re-joined. */
function dropAndRejoin(client: StormClient, droppedAt: number): Promise<Sample> {
  const { socket } = client;
  const manager = socket.io;
  return new Promise<Sample>((resolve, reject) => {
    let attemptAt = Number.NaN;
    let upgradedAt: number | undefined;
    manager.once('reconnect_attempt', () => (attemptAt = performance.now()));
    manager.once('open', () => {
      if (manager.engine.transport.name === 'websocket') return;
      manager.engine.once('upgrade', () => (upgradedAt = performance.now()));
    });
    socket.once('connect', () => {
      const connectedAt = performance.now();
      socket
        .emitWithAck('conversations:join', {
          conversationId: client.conversationId,
          ...(client.runId ? { runs: [{ runId: client.runId, seq: client.lastSeq }] } : {}),
        })
        .then((joined) => {
          if (!joined.ok) throw new Error(`re-join: ${joined.error.message}`);
          const ackedAt = performance.now();
          resolve({
            handshakeMs: connectedAt - attemptAt,
            dropToConnectMs: connectedAt - droppedAt,
            rejoinMs: ackedAt - connectedAt,
            ...(upgradedAt !== undefined ? { upgradeMs: upgradedAt - attemptAt } : {}),
          });
        })
        .catch(reject);
    });
    manager.once('reconnect_failed', () => reject(new Error('reconnect failed')));
    // A network drop as the client sees it: "transport close", then reconnection.
    manager.engine.close();
  });
}

// ---------------------------------------------------------------------------------------------
// One storm

interface StormResult {
  condition: Condition;
  round: number;
  samples: Sample[];
  /** The server over the storm (drop → last re-join acknowledged). */
  server: WindowReport;
  /** The server over `steadyMs` before the drop. */
  steady: WindowReport;
  /** This process (the clients) over the storm. */
  clientElu: number;
  stormMs: number;
  /** The storm as monotonic µs, to cut the server's CPU profile. */
  windowUs: [number, number];
  /** The `steadyMs` before the drop, likewise. */
  steadyWindowUs: [number, number];
  gaps: number;
}

async function storm(
  server: Child,
  url: string,
  tokens: string[],
  condition: Condition,
  round: number,
): Promise<StormResult> {
  const clients = await Promise.all(
    tokens.map((token, index) => openClient(url, token, condition.transport, index)),
  );
  try {
    const tag = `r${round}${condition.load[0]}${condition.transport[0]}`;
    if (condition.load === 'streaming') {
      await Promise.all(
        clients.map((client, index) => send(client, `${tag}c${index}`, settings.tokens)),
      );
      await withTimeout(Promise.all(clients.map((client) => client.firstDelta)), 'first deltas');
    } else {
      await Promise.all(
        clients.map((client, index) => send(client, `${tag}c${index}`, settings.idleTokens)),
      );
      await withTimeout(Promise.all(clients.map((client) => client.ended)), 'idle answers');
    }
    await server.request({ type: 'begin' }, 'begun');
    const steadyStartUs = monotonicUs();
    await wait(settings.steadyMs);
    const steadyEndUs = monotonicUs();
    const { report: steady } = await server.request({ type: 'end' }, 'window');

    await server.request({ type: 'begin' }, 'begun');
    const clientElu = performance.eventLoopUtilization();
    const startUs = monotonicUs();
    const droppedAt = performance.now();
    const samples = await withTimeout(
      Promise.all(clients.map((client) => dropAndRejoin(client, droppedAt))),
      `${condition.load}/${condition.transport} storm`,
    );
    const stormMs = performance.now() - droppedAt;
    const endUs = monotonicUs();
    const clientUtilisation = performance.eventLoopUtilization(clientElu).utilization;
    const { report } = await server.request({ type: 'end' }, 'window');

    if (condition.load === 'streaming') {
      // Cancel the rest of every answer: the next condition starts from a quiet server.
      await Promise.all(
        clients.map((client) => client.socket.emitWithAck('runs:cancel', { runId: client.runId })),
      );
      await withTimeout(Promise.all(clients.map((client) => client.ended)), 'cancelled runs');
    }
    return {
      condition,
      round,
      samples,
      server: report,
      steady,
      clientElu: clientUtilisation,
      stormMs,
      windowUs: [startUs, endUs],
      steadyWindowUs: [steadyStartUs, steadyEndUs],
      gaps: clients.reduce((sum, client) => sum + client.gaps, 0),
    };
  } finally {
    for (const client of clients) client.socket.close();
    await wait(300);
  }
}

// ---------------------------------------------------------------------------------------------
// Analysis

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const pct = (value: number) => `${(value * 100).toFixed(0)} %`;
const p50p95 = (values: number[]) => `${fmt(median(values))} / ${fmt(percentile(values, 95))}`;
/** CPU time over wall time of a window (1 = one core busy all along). */
const cpuShare = (report: WindowReport) =>
  (report.cpuUserUs + report.cpuSystemUs) / 1000 / report.wallMs;
const label = (condition: Condition) => `${condition.load}/${condition.transport}`;

function printTable(results: StormResult[], conditions: Condition[]): void {
  const header = [
    'condition',
    'handshake p50/p95 ms',
    'drop→connect p50/p95',
    're-join p50/p95',
    'upgrade p50/p95',
    'server ELU storm',
    'ELU before drop',
    'CPU before drop',
    'server CPU in storm',
    'storm ms',
    'client ELU',
  ];
  const rows = conditions.map((condition) => {
    const of = results.filter((result) => label(result.condition) === label(condition));
    const samples = of.flatMap((result) => result.samples);
    const upgrades = samples.flatMap((sample) =>
      sample.upgradeMs === undefined ? [] : [sample.upgradeMs],
    );
    return [
      label(condition),
      p50p95(samples.map((sample) => sample.handshakeMs)),
      p50p95(samples.map((sample) => sample.dropToConnectMs)),
      p50p95(samples.map((sample) => sample.rejoinMs)),
      upgrades.length ? p50p95(upgrades) : '–',
      pct(median(of.map((result) => result.server.elu))),
      pct(median(of.map((result) => result.steady.elu))),
      pct(median(of.map((result) => cpuShare(result.steady)))),
      `${fmt(median(of.map((result) => (result.server.cpuUserUs + result.server.cpuSystemUs) / 1000)))} ms`,
      fmt(median(of.map((result) => result.stormMs))),
      pct(median(of.map((result) => result.clientElu))),
    ];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' │ ');
  console.log(line(header));
  console.log(widths.map((width) => '─'.repeat(width)).join('─┼─'));
  for (const row of rows) console.log(line(row));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * What a sample's stack was doing, judged by the first rule that matches any of its frames
 * (leaf to root). The order matters: an error built while broadcasting a run event counts as an
 * error, a SQLite query made by a join handler as SQLite.
 */
const CATEGORIES: Array<[string, (frame: ProfileNode['callFrame']) => boolean]> = [
  ['JWT verify (jose → WebCrypto)', (frame) => frame.url.includes('/jose/')],
  [
    'errors + stack traces (writes to closed sockets)',
    (frame) =>
      frame.functionName === 'NodeError' ||
      frame.url.includes('prepare_stack_trace') ||
      frame.functionName === 'captureLargerStackTrace',
  ],
  [
    'run events → Socket.IO broadcast, ws writes',
    (frame) =>
      frame.url.includes('socket.io/dist/broadcast-operator') ||
      frame.url.includes('socket.io-adapter'),
  ],
  [
    'SQLite (kysely, better-sqlite3, storage)',
    (frame) =>
      frame.url.includes('/kysely/') ||
      frame.url.includes('better-sqlite3') ||
      frame.url.includes('/src/storage/'),
  ],
  [
    'the runs: LangChain, LangGraph, run, model',
    (frame) =>
      frame.url.includes('@langchain/') ||
      frame.url.includes('/src/runs/') ||
      frame.url.includes('/src/agents/') ||
      frame.url.includes('/bench/graph') ||
      frame.url.includes('scripted-model'),
  ],
  [
    'request handlers (join, limits, presence)',
    (frame) =>
      frame.url.includes('/src/socket/') ||
      frame.url.includes('/src/conversations/') ||
      frame.url.includes('/src/presence/') ||
      frame.url.includes('/src/limits/'),
  ],
  [
    'Engine.IO / Socket.IO / ws connection handling',
    (frame) =>
      frame.url.includes('/engine.io/') ||
      frame.url.includes('/socket.io/') ||
      frame.url.includes('/socket.io-parser/') ||
      frame.url.includes('/ws/lib/') ||
      frame.url.includes('/src/plugins/socket-server'),
  ],
  ['garbage collector', (frame) => frame.functionName === '(garbage collector)'],
  ['other (Node core, microtask queue, timers)', () => true],
];

/** Busy self time (µs) of the server's main thread inside `windows`, by category and function. */
function profileWindows(profileData: CpuProfile, windows: Array<[number, number]>) {
  const byId = new Map(profileData.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profileData.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const categoryOf = new Map<number, string>();
  const categorise = (id: number): string => {
    const known = categoryOf.get(id);
    if (known !== undefined) return known;
    const frames: ProfileNode['callFrame'][] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (node) frames.push(node.callFrame);
    }
    const [name] = CATEGORIES.find(([, matches]) => frames.some(matches)) ?? ['other'];
    categoryOf.set(id, name);
    return name;
  };
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let at = profileData.startTime;
  let busy = 0;
  profileData.samples.forEach((id, index) => {
    const delta = profileData.timeDeltas[index] ?? 0;
    at += delta;
    if (!windows.some(([start, end]) => at >= start && at <= end)) return;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += delta;
    const category = categorise(id);
    byCategory.set(category, (byCategory.get(category) ?? 0) + delta);
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
  });
  const wallUs = windows.reduce((sum, [start, end]) => sum + (end - start), 0);
  return { byCategory, byFunction, busy, wallUs };
}

/**
 * Prints, per condition, the storm's busy time by category next to the same category's rate
 * in the steady second before the drop (so what the storm added shows), then its top functions.
 */
function summariseProfile(profileData: CpuProfile, results: StormResult[], top: number): void {
  const stormRun = profileWindows(
    profileData,
    results.map((result) => result.windowUs),
  );
  const steady = profileWindows(
    profileData,
    results.map((result) => result.steadyWindowUs),
  );
  const storms = results.length;
  const scale = stormRun.wallUs / Math.max(1, steady.wallUs);
  console.log(
    `  busy ${(stormRun.busy / 1000 / storms).toFixed(0)} ms per storm of ${(stormRun.wallUs / 1000 / storms).toFixed(0)} ms wall ` +
      `(steady before the drop: ${((steady.busy / Math.max(1, steady.wallUs)) * 100).toFixed(0)} % busy)`,
  );
  console.log('    ms per storm  (same span at the steady rate)  category');
  for (const [name] of CATEGORIES) {
    const us = stormRun.byCategory.get(name) ?? 0;
    const steadyUs = (steady.byCategory.get(name) ?? 0) * scale;
    console.log(
      `    ${(us / 1000 / storms).toFixed(1).padStart(8)}     (${(steadyUs / 1000 / storms).toFixed(1).padStart(8)})                  ${name}`,
    );
  }
  console.log('  top functions by self time in the storms:');
  for (const [key, us] of [...stormRun.byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `    ${((us / stormRun.busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1000 / storms).toFixed(1).padStart(6)} ms/storm  ${key}`,
    );
}

/**
 * `TokenAuthority.verify` alone (jose: WebCrypto HMAC, a libuv thread-pool job per token), in a
 * row and 50 at once, next to the bare HS256 signature check done synchronously with
 * `node:crypto` (what a synchronous verifier would cost; claims not included).
 */
async function jwtCheck(): Promise<void> {
  const secret = 'reconnect-storm-bench-secret-0123456789';
  const authority = new TokenAuthority({
    secret,
    algorithms: ['HS256'],
    devLogin: false,
    tokenTtlSeconds: 3600,
  });
  const { token } = await authority.mint({ userId: 'dev:bench', name: 'bench' });
  const samples = 2000;
  const timeAsync = async (verify: () => Promise<unknown>) => {
    for (let index = 0; index < 200; index += 1) await verify();
    const startedAt = performance.now();
    for (let index = 0; index < samples; index += 1) await verify();
    return ((performance.now() - startedAt) * 1000) / samples;
  };
  const joseUs = await timeAsync(() => authority.verify(token));
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: settings.clients }, () => authority.verify(token)));
  const burstMs = performance.now() - startedAt;
  const key = createSecretKey(Buffer.from(secret));
  const [header = '', payload = '', signature = ''] = token.split('.');
  const expected = Buffer.from(signature, 'base64url');
  const hmacUs = await timeAsync(async () => {
    const actual = createHmac('sha256', key).update(`${header}.${payload}`).digest();
    if (!timingSafeEqual(actual, expected)) throw new Error('signature mismatch');
  });
  console.log(
    `JWT HS256: TokenAuthority.verify (jose) ${joseUs.toFixed(1)} µs each in a row, ` +
      `${settings.clients} at once ${burstMs.toFixed(2)} ms; ` +
      `bare signature check with node:crypto createHmac ${hmacUs.toFixed(1)} µs`,
  );
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const load = () =>
    os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(', ');
  const conditions: Condition[] = settings.transports.flatMap((transport) =>
    (['idle', 'streaming'] as const).map((loadKind) => ({ load: loadKind, transport })),
  );
  console.log(
    `reconnect storm: ${settings.clients} clients, ${settings.rounds} rounds of ${conditions.map(label).join(', ')}; ` +
      `streaming = ${settings.tokens} tokens, 1 / ${settings.tokenDelayMs} ms each; ` +
      `reconnection delay ${settings.reconnectDelayMs} ms; ` +
      `${os.availableParallelism()} CPUs; load average ${load()}${profile ? '; CPU profile on' : ''}`,
  );
  const profileDirectory = profile ? mkdtempSync(path.join(os.tmpdir(), 'storm-prof-')) : null;
  if (profileDirectory) process.env.BENCH_CPU_PROF = profileDirectory;
  const server = new Child('server', {
    env: { BENCH_TOKEN_DELAY_MS: String(settings.tokenDelayMs) },
  });
  const results: StormResult[] = [];
  try {
    const ready = await server.next('ready');
    if (!ready.url) throw new Error('the server child reported no url');
    const url = ready.url;
    const tokens: string[] = [];
    for (let index = 0; index < settings.clients; index += 1)
      tokens.push(await devToken(url, `storm-${index}`, index));
    // Warm-up (discarded): one storm of each condition.
    for (const condition of conditions) await storm(server, url, tokens, condition, 0);
    for (let round = 1; round <= settings.rounds; round += 1) {
      const order = conditions.map(
        (_, index) => conditions[(index + round) % conditions.length] as Condition,
      );
      for (const condition of order) {
        const result = await storm(server, url, tokens, condition, round);
        results.push(result);
        console.log(
          `  round ${round} ${label(condition).padEnd(19)} handshake p50 ${fmt(median(result.samples.map((s) => s.handshakeMs)))} ms, ` +
            `re-join p50 ${fmt(median(result.samples.map((s) => s.rejoinMs)))} ms, storm ${fmt(result.stormMs)} ms, ` +
            `server ELU ${pct(result.server.elu)} (before ${pct(result.steady.elu)}, CPU ${pct(cpuShare(result.steady))}), gaps ${result.gaps}`,
        );
      }
    }
  } finally {
    await server.exit();
  }
  console.log(`\nload average at the end: ${load()}\n`);
  printTable(results, conditions);
  const gaps = results.reduce((sum, result) => sum + result.gaps, 0);
  console.log(`\nrun events missing after the re-joins' replays: ${gaps}`);
  await jwtCheck();

  if (profileDirectory) {
    const directory = path.join(profileDirectory, 'server');
    // One profile per thread; the main thread's is the largest.
    const [largest] = readdirSync(directory)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => path.join(directory, name))
      .sort((a, b) => statSync(b).size - statSync(a).size);
    if (!largest) throw new Error(`no .cpuprofile in ${directory}`);
    const profileData = JSON.parse(readFileSync(largest, 'utf8')) as CpuProfile;
    console.log(`\nserver CPU profile ${largest}, cut to the storms:`);
    for (const condition of conditions) {
      console.log(`\n${label(condition)}`);
      summariseProfile(
        profileData,
        results.filter((result) => label(result.condition) === label(condition)),
        12,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
