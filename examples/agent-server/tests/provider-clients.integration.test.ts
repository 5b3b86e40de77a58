import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PLACEHOLDER_API_KEY } from '../src/providers/openai.js';
import {
  connectClient,
  createConversation,
  deltaText,
  EventLog,
  startServer,
  type ClientSocket,
  type TestServer,
  waitFor,
} from './support/harness.js';
import { ProviderFaultServer, type Behaviour } from './support/provider-fault-server.js';

let server: TestServer | undefined;
let upstream: ProviderFaultServer | undefined;
let socket: ClientSocket | undefined;

afterEach(async () => {
  socket?.close();
  await server?.close();
  await upstream?.close();
  server = undefined;
});

/** Starts the upstream, then the server; `env` may read the upstream's URLs. */
async function setUp(
  env: Record<string, string> | ((upstream: ProviderFaultServer) => Record<string, string>),
  defaultBehaviour: Behaviour,
) {
  upstream = new ProviderFaultServer({ defaultBehaviour });
  await upstream.listen();
  const variables =
    typeof env === 'function'
      ? env(upstream)
      : { OPENAI_BASE_URL: upstream.openaiBaseURL, OPENAI_MODEL: 'gpt-test', ...env };
  const config = loadConfig(variables);
  server = await startServer({ config: { ...config, runFlushIntervalMs: 5 } });
  socket = await connectClient(server.url);
  const log = new EventLog(socket);
  const conversationId = await createConversation(socket);
  return { log, conversationId, socket };
}

describe('the OpenAI provider (real ChatOpenAI against a local wire-format server)', () => {
  it('streams an OpenAI-compatible server chunk by chunk', async () => {
    const tokens = ['Hello', ' from', ' an', ' OpenAI', '-compatible', ' server', '.'];
    const { log, conversationId, socket } = await setUp({}, { reply: { tokens, delayMs: 15 } });
    const agents = await socket.emitWithAck('agents:list', {});
    expect(agents.ok && agents.data.agents[0]).toEqual(
      expect.objectContaining({
        id: 'chatbot',
        provider: 'openai',
        model: 'gpt-test',
        demo: false,
        tools: ['calculator', 'current_datetime'],
        health: { status: 'ready' },
      }),
    );

    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'o1',
      text: 'Say hello',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const runId = sent.data.runs[0]!.id;
    await log.ended(runId);

    const events = log.forRun(runId);
    expect(events[0]).toMatchObject({
      type: 'start',
      metadata: { provider: 'openai', model: 'gpt-test' },
    });
    expect(events[0]!.type === 'start' && events[0]!.metadata.demo).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    const deltas = events.filter((event) => event.type === 'text-delta');
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(deltaText(deltas)).toBe(tokens.join(''));

    expect(upstream!.requests).toHaveLength(1);
    const request = upstream!.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${PLACEHOLDER_API_KEY}`);
    const body = request.body as {
      model: string;
      stream: boolean;
      messages: Array<{ role: string; content: unknown }>;
    };
    expect(body.model).toBe('gpt-test');
    expect(body.stream).toBe(true);
    expect(body.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(body.messages[1]?.content).toBe('Say hello');
  });

  it('sends the configured API key', async () => {
    const { log, conversationId, socket } = await setUp(
      { OPENAI_API_KEY: 'sk-local-test' },
      { reply: { tokens: ['ok'] } },
    );
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'k',
      text: 'key?',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await log.ended(sent.data.runs[0]!.id);
    expect(upstream!.requests[0]!.headers.authorization).toBe('Bearer sk-local-test');
  });

  it('cancelling a run aborts the HTTP request to the provider', async () => {
    const tokens = Array.from({ length: 200 }, (_, index) => ` t${index}`);
    const { log, conversationId, socket } = await setUp({}, { reply: { tokens, delayMs: 10 } });
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'c',
      text: 'long',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const runId = sent.data.runs[0]!.id;
    await log.until(() => log.forRun(runId).some((event) => event.type === 'text-delta'));
    const cancelled = await socket.emitWithAck('runs:cancel', { runId });
    expect(cancelled.ok && cancelled.data.run.status).toBe('cancelled');
    await waitFor(() => upstream!.requests[0]?.clientClosedEarly === true);
    expect(log.forRun(runId).at(-1)).toMatchObject({ type: 'end', status: 'cancelled' });
  });

  it('a provider error ends the run as failed with a safe message', async () => {
    const { log, conversationId, socket } = await setUp(
      { OPENAI_API_KEY: 'sk-SECRET' },
      { fault: 'status', status: 401, message: 'Incorrect API key provided: sk-SECRET' },
    );
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'f',
      text: 'fail',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await log.ended(sent.data.runs[0]!.id);
    const end = log.forRun(sent.data.runs[0]!.id).at(-1)!;
    expect(end).toMatchObject({
      type: 'end',
      status: 'failed',
      error: 'The model provider refused the request: check the API key.',
    });
    expect(JSON.stringify(log.runEvents)).not.toContain('sk-SECRET');
  });
});

describe('the Anthropic provider (real ChatAnthropic against a local wire-format server)', () => {
  it('streams, sends the key and settings, and reports the agent as anthropic', async () => {
    const { log, conversationId, socket } = await setUp(
      (upstream) => ({
        ANTHROPIC_API_KEY: 'sk-ant-local',
        ANTHROPIC_MODEL: 'claude-test',
        ANTHROPIC_BASE_URL: upstream.anthropicBaseURL,
      }),
      { reply: { tokens: ['Bonjour', ' from', ' Claude'], delayMs: 5 } },
    );
    const agents = await socket.emitWithAck('agents:list', {});
    expect(agents.ok && agents.data.agents[0]).toMatchObject({
      provider: 'anthropic',
      model: 'claude-test',
      health: { status: 'ready' },
    });
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'a1',
      text: 'Say bonjour',
      settings: { temperature: 0.3, maxTokens: 50 },
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const runId = sent.data.runs[0]!.id;
    await log.ended(runId);
    expect(deltaText(log.forRun(runId))).toBe('Bonjour from Claude');
    expect(log.forRun(runId).at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    const request = upstream!.requests[0]!;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe('sk-ant-local');
    expect(request.body).toMatchObject({
      model: 'claude-test',
      stream: true,
      temperature: 0.3,
      max_tokens: 50,
    });
  });
});
