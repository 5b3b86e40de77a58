/**
 * Records run transcripts from the real agent server: starts `src/server.ts` in its own process
 * on the offline demo model, sends each prompt of {@link RECORDINGS} over a real socket and keeps
 * every `run:event` it gets back, with the delay observed before it.
 *
 * Two users: `packages/svelte-langserve/scripts/record-transcripts.ts` (writes the recordings
 * the library's stories and browser tests play, `pnpm --filter svelte-langserve run
 * record-transcripts`) and `tests/recorded-transcripts.process.test.ts` (records again and fails
 * when the server's stream no longer has the shape of the committed recordings).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PROTOCOL_VERSION,
  type AgentInfo,
  type Conversation,
  type RequestName,
  type RequestPayload,
  type ResponseData,
  type RunEvent,
} from 'svelte-langserve/protocol';
import { connectClient, type ClientSocket } from './client.js';
import { listeningUrl } from './listening.js';

/** The agent server package (this file is in its `tests/support`). */
const SERVER_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the library keeps the committed recordings (one JSON file per entry of RECORDINGS). */
export const RECORDINGS_DIR = fileURLToPath(
  new URL('../../../../packages/svelte-langserve/tests/fixtures/recorded/', import.meta.url),
);

/** The command that writes the recordings (printed in every file's header). */
export const RECORD_COMMAND = 'pnpm --filter svelte-langserve run record-transcripts';

/** The agent every run is sent to: the demo model, with the calculator among its tools. */
export const RECORDED_AGENT_ID = 'chatbot';

/**
 * The server settings of every recording: the demo model's default pacing and the default
 * coalescing interval, so delays and chunking are what a user of the demo server sees.
 */
export const RECORDING_ENV = { DEMO_TOKEN_DELAY_MS: '25', RUN_FLUSH_INTERVAL_MS: '16' } as const;

/** How a recorded run is cut short (a run without one runs to its end). */
export type RecordingCut =
  /** The client sends `runs:cancel` once it has received this many text deltas. */
  | { cancelAfterTextDeltas: number }
  /** The server runs with `RUN_TIMEOUT_MS` set to this: the run fails when it is reached. */
  | { runTimeoutMs: number };

/** One run to record. */
export interface RecordingSpec {
  /** The file name (without `.json`) and the base of the run's normalised ids. */
  name: string;
  /** What the user sends. The demo model picks its canned answer by a hash of this text. */
  prompt: string;
  /** What the run shows, for the file's header. */
  description: string;
  cut?: RecordingCut;
}

/**
 * The runs the stories use. The prompts are chosen for the answer the demo model gives them
 * (`src/providers/demo-answers.ts`: a hash of the text picks one of five canned answers; "think"
 * makes it reason first; arithmetic makes the chatbot call the calculator).
 */
export const RECORDINGS: readonly RecordingSpec[] = [
  {
    name: 'streaming-answer',
    // Not the canned answer that opens with an h4 (`#### Quick answer`): in a chat, axe's
    // heading-order rule fails it (the stories run axe).
    prompt: 'How are streamed answers delivered to the browser?',
    description: 'A markdown answer: a heading, a list with bold terms and a table.',
  },
  {
    name: 'code-answer',
    prompt: 'How do I connect to the agent server from TypeScript?',
    description: 'A code answer: a TypeScript block between paragraphs, then a numbered list.',
  },
  {
    name: 'long-answer',
    prompt: 'Plan how to add a new agent.',
    description: 'The tallest canned answer: a quote, a nested list and a shell code block.',
  },
  {
    name: 'reasoning-answer',
    prompt: 'Think it over: which model provider should I start with?',
    description: 'Reasoning deltas first ("think" in the prompt), then a table answer.',
  },
  {
    name: 'tool-call',
    prompt: 'What is (17 + 25) * 3? Use the calculator.',
    description:
      'A calculator call: arguments streaming, the tool running, its result, then the answer.',
  },
  {
    name: 'cancelled-run',
    prompt: 'Describe the history of the telegraph.',
    description: 'The client sends runs:cancel after 8 text deltas; the server ends it cancelled.',
    cut: { cancelAfterTextDeltas: 8 },
  },
  {
    name: 'failed-run',
    prompt: 'Summarise what the agent server does.',
    description: 'The server runs with RUN_TIMEOUT_MS=1000: the run fails part way through.',
    cut: { runTimeoutMs: 1000 },
  },
];

/** One recorded event, as the files store it. */
export interface RecordedStep {
  /** Milliseconds between the previous event (for the first: the send) and this one. */
  delayMs: number;
  event: 'run:event';
  payload: RunEvent;
}

/** One recorded run, normalised (stable ids and timestamps; real delays and chunking). */
export interface RecordedRun {
  name: string;
  prompt: string;
  description: string;
  cut: RecordingCut | null;
  /** The agent as `agents:list` described it. */
  agent: AgentInfo;
  /** The conversation as `conversations:create` answered, with normalised id and times. */
  conversation: Conversation;
  runId: string;
  messageId: string;
  steps: RecordedStep[];
}

/** The fixed instant every recorded timestamp is replaced with. */
export const RECORDED_AT = '2026-01-01T00:00:00.000Z';
/** The id every recorded conversation is given. */
export const RECORDED_CONVERSATION_ID = 'conv-recorded';

/** An agent server process on a free port, with its own SQLite file. */
export interface RecordingServer {
  url: string;
  child: ChildProcess;
  dispose(): Promise<void>;
}

/** Variables of the caller's environment that would change what the server does. */
const IGNORED_ENV = [
  /^OPENAI_/,
  /^ANTHROPIC_/,
  /^JWT_/,
  /^REDIS_/,
  /^DATABASE_URL$/,
  /^AGENTS_CONFIG$/,
  /^NODE_ENV$/,
  /^DEV_LOGIN$/,
  /^RUN_TIMEOUT_MS$/,
  /^DEMO_TOKEN_DELAY_MS$/,
  /^RUN_FLUSH_INTERVAL_MS$/,
  /^RATE_LIMIT_/,
  /^MAX_/,
];

/**
 * Starts `src/server.ts` (through tsx, as the process tests do) with the demo model on every
 * agent, {@link RECORDING_ENV} and `extraEnv`. Resolves once it listens.
 */
export async function startRecordingServer(
  extraEnv: Record<string, string> = {},
): Promise<RecordingServer> {
  const folder = mkdtempSync(path.join(tmpdir(), 'agent-server-recording-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !IGNORED_ENV.some((pattern) => pattern.test(key))) env[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: SERVER_ROOT,
    env: {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: `sqlite:${path.join(folder, 'agent-server.sqlite')}`,
      ...RECORDING_ENV,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const url = await listeningUrl(child);
    return { url, child, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Connects as a development-login user. */
async function connectAsRecorder(url: string): Promise<ClientSocket> {
  const response = await fetch(`${url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'recorder' }),
  });
  if (!response.ok) throw new Error(`dev login failed: ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  return connectClient(url, { auth: { protocolVersion: PROTOCOL_VERSION, token } });
}

type Emit<E> = (
  name: E,
  body: unknown,
  ack: (error: Error | null, result: { ok: boolean; data?: unknown; error?: unknown }) => void,
) => void;

/** Sends a request and resolves with its data (rejects on an error result or after 10 s). */
async function request<E extends RequestName>(
  socket: ClientSocket,
  event: E,
  payload: RequestPayload<E>,
): Promise<ResponseData<E>> {
  const timed = socket.timeout(10_000);
  const emit = (timed.emit as unknown as Emit<E>).bind(timed);
  return new Promise((resolve, reject) =>
    emit(event, payload, (error, result) => {
      if (error) reject(error);
      else if (!result.ok) reject(new Error(`${event} failed: ${JSON.stringify(result.error)}`));
      else resolve(result.data as ResponseData<E>);
    }),
  );
}

/** Records one run of `spec` on a connected socket. */
async function recordRun(
  socket: ClientSocket,
  agent: AgentInfo,
  spec: RecordingSpec,
): Promise<RecordedRun> {
  const { conversation } = await request(socket, 'conversations:create', {
    agentIds: [agent.id],
  });
  const received: Array<{ at: number; event: RunEvent }> = [];
  let runId: string | undefined;
  let resolveEnd!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  let textDeltas = 0;
  let cancelled: Promise<unknown> | undefined;
  const cancelAfter = spec.cut && 'cancelAfterTextDeltas' in spec.cut ? spec.cut : undefined;
  const onEvent = (event: RunEvent) => {
    if (event.conversationId !== conversation.id) return;
    received.push({ at: performance.now(), event });
    // Events can arrive before the send's acknowledgement: the run is the first one seen.
    runId ??= event.runId;
    if (event.type === 'text-delta' && (textDeltas += 1) === cancelAfter?.cancelAfterTextDeltas)
      cancelled = request(socket, 'runs:cancel', { runId: event.runId });
    if (event.type === 'end') resolveEnd();
  };
  socket.on('run:event', onEvent);
  const sentAt = performance.now();
  try {
    const sent = await request(socket, 'messages:send', {
      conversationId: conversation.id,
      clientMessageId: `client-${spec.name}`,
      text: spec.prompt,
    });
    const run = sent.runs[0];
    if (!run) throw new Error(`${spec.name}: the server started no run`);
    runId = run.id;
    await Promise.race([
      ended,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`${spec.name}: the run did not end in 60 s`)), 60_000),
      ),
    ]);
    await cancelled;
  } finally {
    socket.off('run:event', onEvent);
  }
  return normalise(spec, agent, conversation, sentAt, received, runId as string);
}

/** Stable ids and timestamps; delays rounded to whole milliseconds. */
function normalise(
  spec: RecordingSpec,
  agent: AgentInfo,
  conversation: Conversation,
  sentAt: number,
  received: Array<{ at: number; event: RunEvent }>,
  runId: string,
): RecordedRun {
  const ids = new Map<string, string>();
  const stable = (id: string, make: () => string) => {
    let value = ids.get(id);
    if (value === undefined) ids.set(id, (value = make()));
    return value;
  };
  const recordedRunId = `run-${spec.name}`;
  const messageId = `msg-${spec.name}`;
  let toolCalls = 0;
  let previous = sentAt;
  const steps = received
    .filter(({ event }) => event.runId === runId)
    .map(({ at, event }): RecordedStep => {
      const delayMs = Math.max(0, Math.round(at - previous));
      previous = at;
      const payload = {
        ...event,
        runId: recordedRunId,
        conversationId: RECORDED_CONVERSATION_ID,
      } as RunEvent;
      if (payload.type === 'start') {
        payload.messageId = messageId;
        payload.createdAt = RECORDED_AT;
        if (payload.parentId !== undefined) payload.parentId = `msg-${spec.name}-prompt`;
      }
      if ('toolCallId' in payload)
        payload.toolCallId = stable(
          payload.toolCallId,
          () => `call-${spec.name}-${(toolCalls += 1)}`,
        );
      return { delayMs, event: 'run:event', payload };
    });
  return {
    name: spec.name,
    prompt: spec.prompt,
    description: spec.description,
    cut: spec.cut ?? null,
    agent,
    conversation: {
      ...conversation,
      id: RECORDED_CONVERSATION_ID,
      createdAt: RECORDED_AT,
      updatedAt: RECORDED_AT,
    },
    runId: recordedRunId,
    messageId,
    steps,
  };
}

/**
 * Records every spec (default: all of {@link RECORDINGS}), one after another so delays are not
 * disturbed by a neighbour: the uncut runs and cancelled ones on one server, each
 * `runTimeoutMs` cut on a server started with that `RUN_TIMEOUT_MS`.
 */
export async function recordTranscripts(
  specs: readonly RecordingSpec[] = RECORDINGS,
): Promise<RecordedRun[]> {
  const runs = new Map<string, RecordedRun>();
  const groups = new Map<number | undefined, RecordingSpec[]>();
  for (const spec of specs) {
    const timeout = spec.cut && 'runTimeoutMs' in spec.cut ? spec.cut.runTimeoutMs : undefined;
    groups.set(timeout, [...(groups.get(timeout) ?? []), spec]);
  }
  for (const [timeout, group] of groups) {
    const server = await startRecordingServer(
      timeout === undefined ? {} : { RUN_TIMEOUT_MS: String(timeout) },
    );
    let socket: ClientSocket | undefined;
    try {
      socket = await connectAsRecorder(server.url);
      const { agents } = await request(socket, 'agents:list', {});
      const agent = agents.find((candidate) => candidate.id === RECORDED_AGENT_ID);
      if (!agent) throw new Error(`the server lists no ${RECORDED_AGENT_ID} agent`);
      for (const spec of group) runs.set(spec.name, await recordRun(socket, agent, spec));
    } finally {
      socket?.close();
      await server.dispose();
    }
  }
  return specs.map((spec) => runs.get(spec.name) as RecordedRun);
}

/**
 * What must stay the same between a committed recording and a new one: not timings, ids or how
 * many deltas the coalescing produced, but the run's structure and content. Consecutive events
 * of one type count as one (their number depends on timing); each keeps the field names its
 * events carry. A cut run's text depends on timing too: it is checked as a prefix elsewhere.
 */
export function transcriptShape(run: RecordedRun) {
  const events: Array<{ type: RunEvent['type']; fields: string[] }> = [];
  let text = '';
  let reasoning = '';
  const toolCalls: Array<{ name: string; argsText: string; result?: string; error?: string }> = [];
  let end: { status: string; error?: string } | undefined;
  for (const { payload } of run.steps) {
    const fields = Object.keys(payload).sort();
    const last = events.at(-1);
    if (last?.type === payload.type) last.fields = [...new Set([...last.fields, ...fields])].sort();
    else events.push({ type: payload.type, fields });
    switch (payload.type) {
      case 'text-delta':
        text += payload.text;
        break;
      case 'reasoning-delta':
        reasoning += payload.text;
        break;
      case 'tool-call-start':
        toolCalls.push({ name: payload.name, argsText: '' });
        break;
      case 'tool-call-delta':
        (toolCalls.at(-1) as { argsText: string }).argsText += payload.argsText;
        break;
      case 'tool-call-running':
        (toolCalls.at(-1) as { argsText: string }).argsText = payload.argsText;
        break;
      case 'tool-result': {
        const call = toolCalls.at(-1) as { result?: string; error?: string };
        if (payload.result !== undefined) call.result = payload.result;
        if (payload.error !== undefined) call.error = payload.error;
        break;
      }
      case 'end':
        end = { status: payload.status, ...(payload.error ? { error: payload.error } : {}) };
        break;
      default:
        break;
    }
  }
  return {
    prompt: run.prompt,
    agentId: run.agent.id,
    events,
    ...(run.cut ? {} : { text, reasoning }),
    toolCalls,
    end,
  };
}

/** The final text of a run (its text deltas joined). */
export function transcriptText(run: RecordedRun): string {
  return run.steps
    .map(({ payload }) => (payload.type === 'text-delta' ? payload.text : ''))
    .join('');
}
