/**
 * `pnpm --filter @svelte-langserve/server bench:soak`: the server's soak benchmark. See
 * docs/benchmarks.md ("Soak").
 *
 * The server runs in a child process (`bench/child.ts server`, started with `--expose-gc`).
 * Several users, each with its own dev-login token and its own Socket.IO connection over
 * loopback, ask for an answer from the scripted model every `SOAK_ANSWER_INTERVAL_MS` for
 * `SOAK_MINUTES`, opening new conversations and reconnecting as they go. Every
 * `SOAK_SAMPLE_SECONDS` the users finish the answer they are on and wait, the child collects
 * garbage and reports its heap, and streaming resumes. The samples after the warm-up are fitted
 * with a least-squares line; its slope, in MB per 10 minutes, is checked against the target, and
 * the last sample is compared with the first one after the warm-up (the heap after a forced GC
 * within 10 % of its post-warm-up size, issue 12 item 7). PASS / FAIL is printed; only a
 * delivery failure or a crash makes the exit code non-zero.
 * Bounded: it stops by itself after the set time, and a stuck answer fails it.
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
import type { HeapReport } from './ipc.js';
import { expectedText, promptFor } from './scripted-model.js';
import { leastSquaresSlope, round } from './stats.js';
import { DEFAULT_RUN_FLUSH_INTERVAL_MS } from '../src/config.js';

/** `--quick` (what `pnpm bench` runs): a 3-minute soak unless SOAK_MINUTES says otherwise. */
const quick = process.argv.includes('--quick');
const minutes = envNumber('SOAK_MINUTES', quick ? 3 : 10);

/** The workload (overridable by environment variables). */
const settings = {
  minutes,
  /** Heap samples are taken this often (and once before any traffic). */
  sampleSeconds: envNumber('SOAK_SAMPLE_SECONDS', 60),
  /** Samples before this are the warm-up: left out of the slope. */
  warmupMinutes: envNumber('SOAK_WARMUP_MINUTES', Math.min(3, Math.floor(minutes / 2))),
  /** Users, one connection each, one answer streaming at a time each (dev login: ≤ 10). */
  users: envNumber('SOAK_USERS', 8),
  /**
   * Each user sends a message this often (or at once when its previous answer took longer), so
   * the load, and the number of ended runs held for replay, does not follow the machine's speed.
   */
  answerIntervalMs: envNumber('SOAK_ANSWER_INTERVAL_MS', 2500),
  tokensPerAnswer: envNumber('SOAK_TOKENS', 200),
  tokenDelayMs: envNumber('SOAK_TOKEN_DELAY_MS', 5),
  flushIntervalMs: envNumber('SOAK_FLUSH_INTERVAL_MS', DEFAULT_RUN_FLUSH_INTERVAL_MS),
  /** A user opens a new conversation (and leaves the old one) after this many answers. */
  answersPerConversation: envNumber('SOAK_ANSWERS_PER_CONVERSATION', 5),
  /** A user drops its connection, reconnects and re-joins after this many answers. */
  answersPerConnection: envNumber('SOAK_ANSWERS_PER_CONNECTION', 20),
};

/** The target: the heap after GC grows by less than this per 10 minutes after the warm-up. */
const TARGET_MB_PER_10_MINUTES = 1;
/** The target: the last heap after GC is at most this much above the first after the warm-up. */
const TARGET_GROWTH_SINCE_WARMUP = 0.1;
/** One answer (or one request) that takes longer than this fails the soak. */
const STREAM_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Users

const withTimeout = <T>(promise: Promise<T>, what: string, ms = STREAM_TIMEOUT_MS): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

/** Delivery accounting over the whole soak. */
const delivery = {
  answers: 0,
  exact: 0,
  seqErrors: 0,
  notCompleted: 0,
  conversations: 0,
  connections: 0,
  /** Sends that went out later than their slot (the previous answer took longer). */
  late: 0,
  failures: [] as string[],
};

/** One answer as the client sees it. */
interface Answer {
  seed: string;
  text: string;
  lastSeq: number;
  status: string | null;
  end: () => void;
}

class User {
  readonly name: string;
  readonly #url: string;
  readonly #token: string;
  #socket: ClientSocket | null = null;
  #conversationId: string | null = null;
  #answersOnConversation = 0;
  #answersOnConnection = 0;
  #answers = 0;
  /** The answer streaming, by its conversation (one at a time). */
  #answer: Answer | null = null;

  constructor(name: string, url: string, token: string) {
    this.name = name;
    this.#url = url;
    this.#token = token;
  }

  /**
   * Asks for an answer every `answerIntervalMs` from `firstAt` until `shouldStop()`; pauses at
   * `barrier()` between answers.
   */
  async loop(
    firstAt: number,
    shouldStop: () => boolean,
    barrier: () => Promise<void>,
  ): Promise<void> {
    let nextAt = firstAt;
    try {
      while (!shouldStop()) {
        const early = nextAt - performance.now();
        if (early > 0) await wait(early);
        await barrier();
        if (shouldStop()) break;
        const now = performance.now();
        if (now - nextAt > settings.answerIntervalMs / 2) delivery.late += 1;
        // A late or paused user does not catch up with a burst: its next slot counts from now.
        nextAt = Math.max(nextAt, now) + settings.answerIntervalMs;
        await this.#answerOne();
      }
    } finally {
      this.#socket?.close();
      this.#socket = null;
    }
  }

  async #answerOne(): Promise<void> {
    if (!this.#socket || this.#answersOnConnection >= settings.answersPerConnection) {
      await this.#reconnect();
    }
    const socket = this.#socket;
    if (!socket) throw new Error('no socket');
    if (!this.#conversationId || this.#answersOnConversation >= settings.answersPerConversation) {
      if (this.#conversationId) {
        const left = await socket.emitWithAck('conversations:leave', {
          conversationId: this.#conversationId,
        });
        if (!left.ok) throw new Error(`conversations:leave: ${left.error.message}`);
      }
      const created = await socket.emitWithAck('conversations:create', {
        title: `soak ${this.name} ${delivery.conversations}`,
      });
      if (!created.ok) throw new Error(`conversations:create: ${created.error.message}`);
      this.#conversationId = created.data.conversation.id;
      this.#answersOnConversation = 0;
      delivery.conversations += 1;
    }
    const seed = `${this.name}a${this.#answers}`;
    this.#answers += 1;
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const answer: Answer = { seed, text: '', lastSeq: -1, status: null, end };
    this.#answer = answer;
    const ack = await withTimeout(
      socket.emitWithAck('messages:send', {
        conversationId: this.#conversationId,
        clientMessageId: randomUUID(),
        text: promptFor(seed, settings.tokensPerAnswer),
      }),
      `${seed} messages:send`,
    );
    if (!ack.ok) throw new Error(`messages:send: ${ack.error.message}`);
    await withTimeout(ended, `${seed} stream`);
    this.#answer = null;
    this.#answersOnConversation += 1;
    this.#answersOnConnection += 1;
    const expected = expectedText(seed, settings.tokensPerAnswer);
    delivery.answers += 1;
    if (answer.status !== 'completed') delivery.notCompleted += 1;
    if (answer.text === expected) delivery.exact += 1;
    else if (delivery.failures.length < 5)
      delivery.failures.push(
        `${seed}: got ${answer.text.length} chars, expected ${expected.length} (status ${answer.status})`,
      );
  }

  /** Drops the connection (if any), connects anew and re-joins the current conversation. */
  async #reconnect(): Promise<void> {
    this.#socket?.close();
    const socket: ClientSocket = connect(this.#url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: this.#token, protocolVersion: PROTOCOL_VERSION },
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      }),
      `${this.name} connect`,
    );
    socket.on('run:event', (event) => {
      const answer = this.#answer;
      if (!answer || event.conversationId !== this.#conversationId) return;
      if (event.seq !== answer.lastSeq + 1) delivery.seqErrors += 1;
      answer.lastSeq = event.seq;
      if (event.type === 'text-delta') answer.text += event.text;
      else if (event.type === 'end') {
        answer.status = event.status;
        answer.end();
      }
    });
    this.#socket = socket;
    this.#answersOnConnection = 0;
    delivery.connections += 1;
    if (this.#conversationId) {
      const joined = await socket.emitWithAck('conversations:join', {
        conversationId: this.#conversationId,
        limit: 20,
      });
      if (!joined.ok) throw new Error(`conversations:join: ${joined.error.message}`);
    }
  }
}

/** A token for user `name` from the server's development login (loopback only). */
async function devLogin(url: string, name: string): Promise<string> {
  const response = await fetch(`${url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`dev-login ${name}: HTTP ${response.status}`);
  const body = (await response.json()) as { token: string };
  return body.token;
}

// ---------------------------------------------------------------------------------------------

interface Sample {
  /** Minutes since the load started. */
  minute: number;
  heap: HeapReport;
  /** Answers completed so far. */
  answers: number;
  /** How long the users waited for the sample (their answers ending, then the collection). */
  pauseMs: number;
  loadAverage: number;
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const cpus = os.cpus();
  if (settings.users < 1 || settings.users > 10)
    throw new Error('SOAK_USERS must be 1–10 (the dev login allows 10 logins per address)');
  if (settings.minutes <= 0 || settings.sampleSeconds <= 0)
    throw new Error('SOAK_MINUTES and SOAK_SAMPLE_SECONDS must be > 0');
  console.log(
    `server soak: ${settings.minutes} min, ${settings.users} users each asking for a ` +
      `${settings.tokensPerAnswer}-token answer every ${settings.answerIntervalMs} ms (1 token / ${settings.tokenDelayMs} ms), ` +
      `heap after GC every ${settings.sampleSeconds} s, warm-up ${settings.warmupMinutes} min ` +
      `(${os.availableParallelism()} CPUs, ${cpus[0]?.model ?? '?'}, load ${os.loadavg()[0]?.toFixed(2)})`,
  );
  const server = new Child('server', {
    execArgv: ['--expose-gc', '--disable-warning=ExperimentalWarning'],
    env: {
      BENCH_TOKEN_DELAY_MS: String(settings.tokenDelayMs),
      BENCH_FLUSH_INTERVAL_MS: String(settings.flushIntervalMs),
    },
  });
  const snapshotDir = process.env.SOAK_HEAP_SNAPSHOTS;
  const countObjects = process.env.SOAK_COUNT_OBJECTS === '1';
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  const samples: Sample[] = [];
  let loadStartedAt = 0;
  let stopping = false;
  /** Set while a sample is being taken: users wait on it between answers. */
  let pause: { arrived: () => void; resume: Promise<void> } | null = null;
  const barrier = async () => {
    const current = pause;
    if (!current) return;
    current.arrived();
    await current.resume;
  };

  const takeSample = async (minute: number) => {
    const pausedAt = performance.now();
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    let allArrived!: () => void;
    const everyone = new Promise<void>((resolve) => (allArrived = resolve));
    let arrived = 0;
    pause = {
      arrived: () => {
        arrived += 1;
        if (arrived === settings.users) allArrived();
      },
      resume: resumed,
    };
    // Before the load starts nobody is streaming; later, every user ends its answer first.
    if (loadStartedAt !== 0) await withTimeout(everyone, `sample at minute ${minute}`);
    const snapshot = snapshotDir ? `${snapshotDir}/minute-${minute}.heapsnapshot` : undefined;
    const { heap } = await server.request(
      { type: 'heap', ...(snapshot ? { snapshot } : {}), countObjects },
      'heap',
      120_000,
    );
    const sample: Sample = {
      minute,
      heap,
      answers: delivery.answers,
      pauseMs: performance.now() - pausedAt,
      loadAverage: os.loadavg()[0] ?? 0,
    };
    samples.push(sample);
    console.log(
      `  minute ${String(minute).padStart(3)}  heap after GC ${heap.heapUsedMb.toFixed(2).padStart(7)} MB` +
        `  (rss ${Math.round(heap.rssMb)} MB, external ${heap.externalMb.toFixed(1)} MB)` +
        `  answers ${String(delivery.answers).padStart(6)}` +
        `  ended runs held ${heap.held.endedRuns}  sockets ${heap.held.sockets}  rooms ${heap.held.rooms}` +
        (heap.objects ? `  objects ${JSON.stringify(heap.objects)}` : '') +
        `  gc ${Math.round(heap.gcMs)} ms  pause ${Math.round(sample.pauseMs)} ms  load ${sample.loadAverage.toFixed(2)}`,
    );
    pause = null;
    resume();
  };

  try {
    const ready = await server.next('ready');
    if (!ready.url) throw new Error('the server child reported no url');
    const url = ready.url;
    if (!new URL(url).hostname.startsWith('127.')) throw new Error(`not loopback: ${url}`);
    const users: User[] = [];
    for (let index = 0; index < settings.users; index += 1) {
      const name = `soak${index}`;
      users.push(new User(name, url, await devLogin(url, name)));
    }
    await takeSample(0);
    loadStartedAt = performance.now();
    const durationMs = settings.minutes * 60_000;
    // The users' first sends are spread over one interval.
    const loops = users.map((user, index) =>
      user.loop(
        loadStartedAt + (index * settings.answerIntervalMs) / settings.users,
        () => stopping,
        barrier,
      ),
    );
    // If a user fails, stop everyone (and report the failure below).
    let failure: unknown = null;
    const failed = Promise.all(loops).catch((error: unknown) => {
      failure = error;
      stopping = true;
      pause = null;
    });
    const sampleMs = settings.sampleSeconds * 1000;
    for (let next = sampleMs; next <= durationMs + 1; next += sampleMs) {
      const left = loadStartedAt + next - performance.now();
      await Promise.race([wait(Math.max(0, left)), failed]);
      if (failure) break;
      await takeSample(round(next / 60_000, 3));
    }
    stopping = true;
    await withTimeout(failed, 'the users stopping');
    if (failure) throw failure;

    // The slope of the samples after the warm-up, in MB per 10 minutes.
    const fitted = samples.filter(
      (sample) => sample.minute >= settings.warmupMinutes && sample.minute > 0,
    );
    const slopePerMinute = leastSquaresSlope(
      fitted.map((sample) => ({ x: sample.minute, y: sample.heap.heapUsedMb })),
    );
    const slope = slopePerMinute * 10;
    const pass = Number.isFinite(slope) && slope < TARGET_MB_PER_10_MINUTES;
    const deliveryOk =
      delivery.answers > 0 &&
      delivery.exact === delivery.answers &&
      delivery.notCompleted === 0 &&
      delivery.seqErrors === 0;
    const first = fitted[0];
    const last = fitted[fitted.length - 1];
    console.log();
    console.log(
      `heap slope after the warm-up (minutes ${first?.minute ?? '?'}–${last?.minute ?? '?'}, ` +
        `${fitted.length} samples): ${Number.isFinite(slope) ? slope.toFixed(3) : 'n/a'} MB per 10 min ` +
        `(${first && last ? `${first.heap.heapUsedMb.toFixed(2)} → ${last.heap.heapUsedMb.toFixed(2)} MB` : ''}) ` +
        `— target < ${TARGET_MB_PER_10_MINUTES} MB per 10 min: ${pass ? 'PASS' : 'FAIL'}` +
        (settings.minutes < 10
          ? ' (short soak: indicative only; the target is judged on 10 minutes)'
          : ''),
    );
    const growth = first && last ? last.heap.heapUsedMb / first.heap.heapUsedMb - 1 : Number.NaN;
    const growthPass = Number.isFinite(growth) && growth <= TARGET_GROWTH_SINCE_WARMUP;
    console.log(
      `heap after GC at the end vs post-warm-up (minute ${first?.minute ?? '?'} → ${last?.minute ?? '?'}): ` +
        (first && last
          ? `${first.heap.heapUsedMb.toFixed(2)} → ${last.heap.heapUsedMb.toFixed(2)} MB ` +
            `(${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %; ended runs held ` +
            `${first.heap.held.endedRuns} → ${last.heap.held.endedRuns})`
          : 'n/a') +
        ` — target ≤ +${TARGET_GROWTH_SINCE_WARMUP * 100} %: ${growthPass ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `delivery: ${delivery.exact}/${delivery.answers} answers exact, ${delivery.notCompleted} not completed, ` +
        `${delivery.seqErrors} seq gaps; ${delivery.conversations} conversations, ${delivery.connections} connections, ` +
        `${delivery.late} sends late ` +
        `— ${deliveryOk ? 'PASS' : 'FAIL'}`,
    );
    if (!deliveryOk) console.error(`DELIVERY FAILED: ${JSON.stringify(delivery, null, 2)}`);

    const results = {
      date: new Date().toISOString(),
      machine: machineInfo(),
      settings,
      target: {
        mbPer10Minutes: TARGET_MB_PER_10_MINUTES,
        growthSinceWarmup: TARGET_GROWTH_SINCE_WARMUP,
      },
      slopeMbPer10Minutes: round(slope, 3),
      pass,
      growthSinceWarmup: Number.isFinite(growth) ? round(growth, 4) : null,
      growthPass,
      delivery: { ...delivery, ok: deliveryOk },
      samples: samples.map((sample) => ({
        ...sample,
        pauseMs: round(sample.pauseMs, 1),
        loadAverage: round(sample.loadAverage),
        heap: {
          ...sample.heap,
          heapUsedMb: round(sample.heap.heapUsedMb, 3),
          heapTotalMb: round(sample.heap.heapTotalMb, 1),
          rssMb: round(sample.heap.rssMb, 1),
          externalMb: round(sample.heap.externalMb, 2),
          gcMs: round(sample.heap.gcMs, 1),
        },
      })),
      durationSeconds: round((performance.now() - startedAt) / 1000, 1),
    };
    const directory = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(directory, { recursive: true });
    writeFileSync(`${directory}soak-latest.json`, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results: bench/results/soak-latest.json (${results.durationSeconds} s)`);
    return deliveryOk ? 0 : 1;
  } finally {
    stopping = true;
    await server.exit();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
