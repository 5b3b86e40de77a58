/**
 * The fault matrix: the REAL `ChatOpenAI` and `ChatAnthropic` clients, inside the real agent
 * graphs, run manager and Socket.IO server, against a local server speaking each provider's
 * streaming wire format and failing on request. Every fault runs 50 times per provider.
 */
import type { RunEndEvent, RunEvent, RunInfo } from 'svelte-langserve/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import {
  connectClient,
  createConversation,
  deltaText,
  EventLog,
  startServer,
  TEST_LIMITS,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import {
  ProviderFaultServer,
  type Behaviour,
  type Provider,
  type ScriptedReply,
} from './support/provider-fault-server.js';

const RUNS_PER_FAULT = 50;
const REPLY: ScriptedReply = { tokens: ['Hel', 'lo', ' wor', 'ld'] };
// Wide enough that a loaded CI machine (load 10+ on 2 CPUs) does not look like a stalled model.
const IDLE_TIMEOUT_MS = 5000;

/** The agent answering with each provider (both without tools). */
const AGENT: Record<Provider, string> = { openai: 'code-assistant', anthropic: 'creative-writer' };

interface Expected {
  status: RunEndEvent['status'];
  error?: string;
  text: string;
  attempts: number;
  /** The first token may not arrive before this long after the send (Retry-After). */
  minFirstTokenMs?: number;
}

interface FaultCase {
  name: string;
  /** The behaviour of each attempt, in order; later attempts get {@link REPLY}. */
  script: Behaviour[];
  expected: Expected;
}

const rateLimit = 'The model provider is rate limiting requests. Try again shortly.';

const CASES: FaultCase[] = [
  {
    name: '429 with Retry-After, then success',
    script: [{ fault: 'status', status: 429, retryAfter: 1 }],
    expected: { status: 'completed', text: 'Hello world', attempts: 2, minFirstTokenMs: 1000 },
  },
  {
    name: '429 on every attempt',
    script: [0, 1, 2].map(() => ({ fault: 'status', status: 429 }) as const),
    expected: { status: 'failed', error: rateLimit, text: '', attempts: 3 },
  },
  {
    name: '500, then success',
    script: [{ fault: 'status', status: 500 }],
    expected: { status: 'completed', text: 'Hello world', attempts: 2 },
  },
  {
    name: '503 twice, then success',
    script: [
      { fault: 'status', status: 503 },
      { fault: 'status', status: 503 },
    ],
    expected: { status: 'completed', text: 'Hello world', attempts: 3 },
  },
  {
    name: 'connection reset before headers, then success',
    script: [{ fault: 'reset' }],
    expected: { status: 'completed', text: 'Hello world', attempts: 2 },
  },
  {
    name: 'stall before the first token, then success',
    script: [{ fault: 'stall' }],
    expected: { status: 'completed', text: 'Hello world', attempts: 2 },
  },
  {
    name: 'cut after 2 tokens',
    script: [{ fault: 'cut', afterTokens: 2, reply: REPLY }],
    expected: {
      status: 'failed',
      error: 'The connection to the model provider broke off.',
      text: 'Hello',
      attempts: 1,
    },
  },
  {
    name: 'stall after 2 tokens',
    script: [{ fault: 'stall', afterTokens: 2, reply: REPLY }],
    expected: {
      status: 'failed',
      error: 'The model provider stopped responding.',
      text: 'Hello',
      attempts: 1,
    },
  },
  {
    name: 'malformed SSE after 2 tokens',
    script: [{ fault: 'malformed', afterTokens: 2, reply: REPLY }],
    expected: {
      status: 'failed',
      error: 'The model provider sent a malformed response.',
      text: 'Hello',
      attempts: 1,
    },
  },
  {
    name: 'missing end marker',
    script: [{ fault: 'no-end', reply: REPLY }],
    expected: {
      status: 'failed',
      error: 'The model provider ended the answer early; it may be incomplete.',
      text: 'Hello world',
      attempts: 1,
    },
  },
];

/** The last user message's text in an OpenAI or Anthropic request body. */
function lastUserText(body: Record<string, unknown> | undefined): string {
  const messages = (body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const texts = messages
    .filter((message) => message.role === 'user')
    .map((message) =>
      typeof message.content === 'string'
        ? message.content
        : // Anthropic sends tool results as user messages with only tool_result blocks.
          (message.content as Array<{ type?: string; text?: string }>)
            .map((block) => (block.type === 'text' ? (block.text ?? '') : ''))
            .join(''),
    )
    .filter((text) => text.length > 0);
  return texts.at(-1) ?? '';
}

let faults: ProviderFaultServer;
let server: TestServer;
let socket: ClientSocket;
let log: EventLog;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
/** Attempts seen per message text, and the script each text follows. */
const attemptsByKey = new Map<string, number>();
const scripts = new Map<string, Behaviour[]>();

beforeAll(async () => {
  // The SDKs log a malformed line with console.error: 100 of them would bury the output.
  process.env.OPENAI_LOG = 'off';
  process.env.ANTHROPIC_LOG = 'off';
  process.on('unhandledRejection', onUnhandled);
  faults = new ProviderFaultServer({ defaultBehaviour: { reply: REPLY } });
  faults.decide = (body) => {
    const key = lastUserText(body);
    const script = scripts.get(key);
    if (!script) return undefined;
    const attempt = attemptsByKey.get(key) ?? 0;
    attemptsByKey.set(key, attempt + 1);
    return script[attempt] ?? { reply: REPLY };
  };
  await faults.listen();
  const config = loadConfig({
    OPENAI_BASE_URL: faults.openaiBaseURL,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: faults.anthropicBaseURL,
    AGENT_CODE_ASSISTANT_PROVIDER: 'openai',
    AGENT_CREATIVE_WRITER_PROVIDER: 'anthropic',
    AGENT_CHATBOT_PROVIDER: 'openai',
    AGENT_RESEARCH_ASSISTANT_PROVIDER: 'anthropic',
  });
  server = await startServer({
    config: {
      ...config,
      modelMaxAttempts: 3,
      retryBaseDelayMs: 5,
      modelIdleTimeoutMs: IDLE_TIMEOUT_MS,
      runTimeoutMs: 15_000,
      runFlushIntervalMs: 0,
      // 50 concurrent runs on one socket: the production limits would refuse most of them.
      limits: TEST_LIMITS,
    },
  });
  socket = await connectClient(server.url);
  log = new EventLog(socket);
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  await faults?.close();
  process.off('unhandledRejection', onUnhandled);
});

async function runOnce(agentId: string, text: string) {
  const conversationId = await createConversation(socket);
  const sentAt = performance.now();
  const result = await socket.emitWithAck('messages:send', {
    conversationId,
    clientMessageId: text,
    text,
    agentIds: [agentId],
  });
  if (!result.ok) throw new Error(result.error.message);
  const run = result.data.runs[0] as RunInfo;
  await log.ended(run.id, 30_000);
  return { run, sentAt };
}

describe.each(['openai', 'anthropic'] as const)(
  '%s faults (real client, 50 runs each)',
  (provider) => {
    it.each(CASES)(
      '$name',
      async ({ name, script, expected }) => {
        const keys = Array.from(
          { length: RUNS_PER_FAULT },
          (_, index) => `${provider} ${name} #${index}`,
        );
        for (const key of keys) scripts.set(key, script);
        const outcomes = await Promise.all(keys.map((key) => runOnce(AGENT[provider], key)));
        // Let anything that would arrive late arrive before counting.
        await new Promise((resolve) => setTimeout(resolve, 50));
        for (const { run, sentAt } of outcomes) {
          const events = log.forRun(run.id);
          const ends = events.filter(
            (event): event is RunEndEvent & { receivedAt: number } => event.type === 'end',
          );
          expect(ends).toHaveLength(1);
          // Nothing after the terminal event, and every seq once, in order.
          expect(events.at(-1)?.type).toBe('end');
          expect(events.map((event: RunEvent) => event.seq)).toEqual(
            events.map((_, index) => index),
          );
          const end = ends[0] as RunEndEvent;
          expect(end.status).toBe(expected.status);
          expect(end.error).toBe(expected.error);
          expect(end.metadata?.attempts).toBe(expected.attempts);
          expect(deltaText(events)).toBe(expected.text);
          if (expected.minFirstTokenMs !== undefined) {
            const first = events.find((event) => event.type === 'text-delta');
            expect((first?.receivedAt ?? 0) - sentAt).toBeGreaterThanOrEqual(
              expected.minFirstTokenMs,
            );
          }
        }
        const requests = keys.reduce((total, key) => total + (attemptsByKey.get(key) ?? 0), 0);
        expect(requests).toBe(RUNS_PER_FAULT * expected.attempts);
        expect(unhandled).toEqual([]);
        // The server is still up and answering.
        const list = await socket.emitWithAck('agents:list', {});
        expect(list.ok).toBe(true);
      },
      60_000,
    );
  },
);

describe.each(['openai', 'anthropic'] as const)('%s streaming paths', (provider) => {
  it('reports usage, time to first token and tokens/s from the provider', async () => {
    const key = `${provider} usage`;
    scripts.set(key, [
      { reply: { tokens: ['a', 'b', 'c'], usage: { input: 21, output: 3 }, delayMs: 5 } },
    ]);
    const { run } = await runOnce(AGENT[provider], key);
    const end = log.forRun(run.id).find((event) => event.type === 'end') as RunEndEvent;
    expect(end.status).toBe('completed');
    expect(end.metadata?.usage?.inputTokens).toBe(21);
    // Anthropic's stream also counts message_start's output token (LangChain sums both).
    expect(end.metadata?.usage?.outputTokens).toBe(provider === 'openai' ? 3 : 4);
    expect(end.metadata?.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(end.metadata?.tokensPerSecond).toBeGreaterThan(0);
    const request = faults.requests.findLast((entry) => lastUserText(entry.body) === key);
    expect(request?.provider).toBe(provider);
  });

  it('runs a tool call the model streams: calculator through the real graph', async () => {
    const key = `${provider} tool`;
    scripts.set(key, [
      {
        reply: {
          toolCalls: [{ name: 'calculator', args: { expression: '12 * (3 + 4)' }, pieces: 4 }],
        },
      },
      { reply: { tokens: ['It', ' is', ' 84.'] } },
    ]);
    const agentId = provider === 'openai' ? 'chatbot' : 'research-assistant';
    if (provider === 'anthropic') {
      // research-assistant has no calculator: use the tool it has.
      scripts.set(key, [
        {
          reply: {
            toolCalls: [{ name: 'search_documents', args: { query: 'streaming' }, pieces: 3 }],
          },
        },
        { reply: { tokens: ['Found', ' it.'] } },
      ]);
    }
    const { run } = await runOnce(agentId, key);
    const events = log.forRun(run.id);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('start');
    expect(types.filter((type) => type === 'tool-call-delta').length).toBeGreaterThanOrEqual(2);
    expect(types.indexOf('tool-call-start')).toBeLessThan(types.indexOf('tool-call-running'));
    expect(types.indexOf('tool-call-running')).toBeLessThan(types.indexOf('tool-result'));
    const result = events.find((event) => event.type === 'tool-result');
    expect(result && 'error' in result ? result.error : undefined).toBeUndefined();
    if (provider === 'openai') {
      expect(JSON.parse((result as { result: string }).result)).toEqual({
        expression: '12 * (3 + 4)',
        result: '84',
      });
      expect(deltaText(events)).toBe('It is 84.');
    } else {
      expect(result && 'result' in result ? result.result : '').toContain('"file"');
      expect(deltaText(events)).toBe('Found it.');
    }
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    // The second model call saw the tool's result.
    const second = faults.requests.filter((entry) => lastUserText(entry.body) === key).at(-1);
    expect(JSON.stringify(second?.body)).toContain(
      provider === 'openai' ? '"role":"tool"' : '"tool_result"',
    );
  });

  it('cancel closes the upstream connection within 500 ms; nothing follows the end', async () => {
    const key = `${provider} cancel`;
    scripts.set(key, [
      { reply: { tokens: Array.from({ length: 200 }, (_, i) => `t${i} `), delayMs: 20 } },
    ]);
    const conversationId = await createConversation(socket);
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: key,
      text: key,
      agentIds: [AGENT[provider]],
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const run = sent.data.runs[0] as RunInfo;
    await log.until(
      () => log.forRun(run.id).filter((event) => event.type === 'text-delta').length >= 3,
    );
    const request = faults.requests.findLast((entry) => lastUserText(entry.body) === key);
    const cancelledAt = performance.now();
    const cancel = await socket.emitWithAck('runs:cancel', { runId: run.id });
    expect(cancel.ok).toBe(true);
    await request?.socketClosed;
    expect(request?.clientClosedEarly).toBe(true);
    expect((request?.socketClosedAt ?? Infinity) - cancelledAt).toBeLessThan(500);
    await log.ended(run.id);
    const count = log.forRun(run.id).length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(log.forRun(run.id)).toHaveLength(count);
    expect(log.forRun(run.id).at(-1)).toMatchObject({ type: 'end', status: 'cancelled' });
  });
});
