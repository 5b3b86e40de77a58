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
import { OpenAiSseServer } from './support/openai-sse-server.js';

let server: TestServer | undefined;
let upstream: OpenAiSseServer | undefined;
let socket: ClientSocket | undefined;

afterEach(async () => {
  socket?.close();
  await server?.close();
  await upstream?.close();
  server = undefined;
});

async function setUp(
  env: Record<string, string>,
  upstreamOptions: ConstructorParameters<typeof OpenAiSseServer>[0],
) {
  upstream = new OpenAiSseServer(upstreamOptions);
  await upstream.listen();
  const config = loadConfig({
    OPENAI_BASE_URL: upstream.baseURL,
    OPENAI_MODEL: 'gpt-test',
    ...env,
  });
  server = await startServer({ config: { ...config, runFlushIntervalMs: 5 } });
  socket = await connectClient(server.url);
  const log = new EventLog(socket);
  const conversationId = await createConversation(socket);
  return { log, conversationId, socket };
}

describe('the OpenAI provider (real ChatOpenAI against a local SSE server)', () => {
  it('streams an OpenAI-compatible server chunk by chunk', async () => {
    const tokens = ['Hello', ' from', ' an', ' OpenAI', '-compatible', ' server', '.'];
    const { log, conversationId, socket } = await setUp({}, { tokens, delayMs: 15 });
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
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.authorization).toBe(`Bearer ${PLACEHOLDER_API_KEY}`);
    expect(request.body.model).toBe('gpt-test');
    expect(request.body.stream).toBe(true);
    expect(request.body.messages?.map((message) => message.role)).toEqual(['system', 'user']);
    expect(request.body.messages?.[1]?.content).toBe('Say hello');
  });

  it('sends the configured API key', async () => {
    const { log, conversationId, socket } = await setUp(
      { OPENAI_API_KEY: 'sk-local-test' },
      { tokens: ['ok'] },
    );
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'k',
      text: 'key?',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await log.ended(sent.data.runs[0]!.id);
    expect(upstream!.requests[0]!.authorization).toBe('Bearer sk-local-test');
  });

  it('cancelling a run aborts the HTTP request to the provider', async () => {
    const tokens = Array.from({ length: 200 }, (_, index) => ` t${index}`);
    const { log, conversationId, socket } = await setUp({}, { tokens, delayMs: 10 });
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
    await waitFor(() => upstream!.abortedRequests === 1);
    expect(log.forRun(runId).at(-1)).toMatchObject({ type: 'end', status: 'cancelled' });
  });

  it('a provider error ends the run as failed with a safe message', async () => {
    const { log, conversationId, socket } = await setUp(
      { OPENAI_API_KEY: 'sk-SECRET' },
      { tokens: [], failStatus: 401 },
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
