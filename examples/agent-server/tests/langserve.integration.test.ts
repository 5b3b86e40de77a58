import { Validator } from '@seriousme/openapi-schema-validator';
import { AIMessage, AIMessageChunk } from 'langchain-core-0.3/messages';
import { RemoteRunnable } from 'langchain-core-0.3/runnables/remote';
import { RunLog, RunLogPatch } from 'langchain-core-0.3/tracers/log_stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenAuthority } from '@svelte-langserve/server';
import { loadConfig } from '../src/config.js';
import { startServer, TEST_LIMITS, type TestServer } from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const AGENT_IDS = [
  'chatbot',
  'code-assistant',
  'data-analyst',
  'creative-writer',
  'research-assistant',
];

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : JSON.stringify(content);

/** `value` with its arrays and plain objects copied (class instances, e.g. messages, shared). */
function copyContainers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyContainers);
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  )
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, copyContainers(item)]),
    );
  return value;
}

/**
 * The run log that `streamLog`'s patches build, and how many patches there were. The ops are
 * copied as they arrive: `RemoteRunnable.streamLog` applies each patch it yields to a run log
 * of its own, which shares the patches' objects, so applying them again in place would double
 * every `add` (docs/http-api.md, pitfalls).
 */
async function runLogOf(
  patches: AsyncIterable<RunLogPatch>,
): Promise<{ log: RunLog; count: number }> {
  let log: RunLog | undefined;
  let count = 0;
  for await (const received of patches) {
    count += 1;
    const patch = new RunLogPatch({ ops: copyContainers(received.ops) as RunLogPatch['ops'] });
    log = log === undefined ? RunLog.fromRunLogPatch(patch) : log.concat(patch);
  }
  if (!log) throw new Error('streamLog sent no patch');
  return { log, count };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    json: json as { error?: Record<string, unknown> } & Record<string, unknown>,
    text,
    headers: response.headers,
  };
}

describe('LangServe HTTP API with RemoteRunnable (demo model)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  describe.each(AGENT_IDS)('%s', (agentId) => {
    const remote = () =>
      new RemoteRunnable<unknown, AIMessageChunk, Record<string, unknown>>({
        url: `${server.url}/agents/${agentId}/`,
      });

    it('invoke and batch answer with AI messages', async () => {
      const answer = await remote().invoke('Tell me about streaming');
      expect(answer._getType()).toBe('ai');
      expect(textOf(answer.content).length).toBeGreaterThan(20);

      const [first, second] = await remote().batch([
        'Tell me about streaming',
        [{ type: 'human', content: 'Hello!' }],
      ]);
      expect(textOf(first?.content)).toBe(textOf(answer.content));
      expect(textOf(second?.content).length).toBeGreaterThan(0);
    });

    it('stream yields the answer incrementally, chunk by chunk', async () => {
      const expected = textOf((await remote().invoke('Tell me about streaming')).content);
      const chunks: AIMessageChunk[] = [];
      for await (const chunk of await remote().stream('Tell me about streaming'))
        chunks.push(chunk);
      expect(chunks.length).toBeGreaterThanOrEqual(3);
      expect(chunks.every((chunk) => chunk instanceof AIMessageChunk)).toBe(true);
      expect(chunks.map((chunk) => textOf(chunk.content)).join('')).toBe(expected);
    });

    it('streamEvents (v2) carries the model tokens and the run', async () => {
      const events: Array<{ event: string; name: string; data: Record<string, unknown> }> = [];
      for await (const event of remote().streamEvents('Tell me about streaming', { version: 'v2' }))
        events.push(event as never);
      const tokens = events.filter((event) => event.event === 'on_chat_model_stream');
      expect(tokens.length).toBeGreaterThanOrEqual(3);
      expect(tokens.every((event) => event.data.chunk instanceof AIMessageChunk)).toBe(true);
      expect(events[0]).toMatchObject({ event: 'on_chain_start', name: agentId });
      expect(events.at(-1)).toMatchObject({ event: 'on_chain_end', name: agentId });
      const text = tokens.map((event) => textOf((event.data.chunk as AIMessageChunk).content));
      expect(textOf((events.at(-1)?.data.output as AIMessageChunk).content)).toBe(text.join(''));
    });
    it('streamLog builds the run log: the answer, its chunks and the model turn', async () => {
      const expected = textOf((await remote().invoke('Tell me about streaming')).content);
      const { log, count } = await runLogOf(remote().streamLog('Tell me about streaming'));
      const { state } = log;
      expect(state).toMatchObject({ name: agentId, type: 'chain' });
      expect(state.final_output).toBeInstanceOf(AIMessage);
      expect(textOf((state.final_output as AIMessage).content)).toBe(expected);
      const chunks = state.streamed_output as AIMessageChunk[];
      expect(chunks.length).toBeGreaterThanOrEqual(3);
      expect(chunks.every((chunk) => chunk instanceof AIMessageChunk)).toBe(true);
      expect(chunks.map((chunk) => textOf(chunk.content)).join('')).toBe(expected);
      // One patch per token, the root's start and end, the model turn's start and end.
      expect(count).toBe(chunks.length + 4);
      const turns = Object.entries(state.logs);
      expect(turns).toHaveLength(1);
      const [key, turn] = turns[0] as [string, (typeof state.logs)[string]];
      expect(key).toBe(turn.name);
      expect(turn).toMatchObject({ type: 'llm', tags: [], metadata: { agent_id: agentId } });
      expect(turn.streamed_output_str.join('')).toBe(expected);
      expect(turn.streamed_output.every((chunk) => chunk instanceof AIMessageChunk)).toBe(true);
      expect(Date.parse(turn.start_time)).toBeLessThanOrEqual(Date.parse(turn.end_time ?? ''));
      const result = turn.final_output as { generations: Array<Array<{ message: AIMessage }>> };
      expect(textOf(result.generations[0]?.[0]?.message.content)).toBe(expected);
    });
  });

  it('runs the tools of an agent and reports them in stream_events', async () => {
    const remote = new RemoteRunnable({ url: `${server.url}/agents/chatbot` });
    const events: Array<{ event: string; name: string; data: Record<string, unknown> }> = [];
    for await (const event of remote.streamEvents('What is 12 * (3 + 4)?', { version: 'v2' }))
      events.push(event as never);
    const toolEnd = events.find((event) => event.event === 'on_tool_end');
    expect(toolEnd).toMatchObject({ name: 'calculator' });
    expect(String(toolEnd?.data.output)).toContain('84');
  });

  it('stream_log logs tool calls, and its filters choose the sub-runs', async () => {
    const remote = new RemoteRunnable({ url: `${server.url}/agents/chatbot` });
    const question = 'What is 12 * (3 + 4)?';
    const { log } = await runLogOf(remote.streamLog(question));
    const entries = Object.values(log.state.logs);
    expect(entries.map((entry) => entry.type)).toContain('llm');
    expect(log.state.logs.calculator).toMatchObject({
      name: 'calculator',
      type: 'tool',
      inputs: { input: expect.anything() },
      final_output: { output: expect.stringContaining('84') },
      end_time: expect.any(String),
    });
    expect(textOf((log.state.final_output as AIMessage).content)).toContain('84');

    const toolsOnly = await runLogOf(
      remote.streamLog(question, undefined, { includeTypes: ['tool'] }),
    );
    expect(Object.keys(toolsOnly.log.state.logs)).toEqual(['calculator']);
    // The root run is not filtered: its chunks and answer are all there.
    expect(textOf((toolsOnly.log.state.final_output as AIMessage).content)).toContain('84');
    expect(toolsOnly.log.state.streamed_output.length).toBeGreaterThan(0);

    const noTools = await runLogOf(
      remote.streamLog(question, undefined, { excludeNames: ['calculator'] }),
    );
    expect(Object.values(noTools.log.state.logs).map((entry) => entry.type)).not.toContain('tool');
    expect(Object.keys(noTools.log.state.logs).length).toBeGreaterThan(0);

    const bad = await post(`${server.url}/agents/chatbot/stream_log`, {
      input: 'hi',
      include_names: 'calculator',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.issues).toEqual([expect.stringContaining('include_names')]);
  });

  it('lists the agents and serves their schemas', async () => {
    const index = (await (await fetch(`${server.url}/agents`)).json()) as {
      agents: Array<{ id: string; health: { status: string }; url: string }>;
    };
    expect(index.agents.map((agent) => agent.id)).toEqual(AGENT_IDS);
    expect(index.agents[0]).toMatchObject({ health: { status: 'ready' }, url: '/agents/chatbot/' });

    const input = (await (await fetch(`${server.url}/agents/chatbot/input_schema`)).json()) as {
      anyOf: unknown[];
    };
    expect(input.anyOf).toHaveLength(3);
    const output = (await (await fetch(`${server.url}/agents/chatbot/output_schema`)).json()) as {
      title: string;
    };
    expect(output.title).toBe('AIMessage');
    const configSchema = await (await fetch(`${server.url}/agents/chatbot/config_schema`)).json();
    // The demo model takes only maxTokens.
    expect(configSchema).toEqual({
      title: 'chatbotConfig',
      type: 'object',
      properties: {
        configurable: {
          title: 'Configurable',
          type: 'object',
          additionalProperties: false,
          properties: {
            maxTokens: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 4096 }),
          },
        },
      },
    });
  });

  it('passes config.configurable settings to the run, and refuses settings the agent lacks', async () => {
    const remote = new RemoteRunnable({ url: `${server.url}/agents/chatbot` });
    const full = textOf(
      ((await remote.invoke('Tell me about streaming')) as AIMessageChunk).content,
    );
    const short = textOf(
      (
        (await remote.invoke('Tell me about streaming', {
          configurable: { maxTokens: 3 },
        })) as AIMessageChunk
      ).content,
    );
    expect(short.length).toBeGreaterThan(0);
    expect(short.length).toBeLessThan(full.length);
    const refused = await post(`${server.url}/agents/chatbot/invoke`, {
      input: 'hi',
      config: { configurable: { temperature: 0.5 } },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'invalid_payload' });
    expect(String((refused.json.error?.issues as string[])[0])).toContain('temperature');
  });

  it('records feedback on a run it served', async () => {
    const invoked = await post(`${server.url}/agents/chatbot/invoke`, { input: 'hi' });
    const runId = (invoked.json.metadata as { run_id: string }).run_id;
    const feedback = await post(`${server.url}/agents/chatbot/feedback`, {
      run_id: runId,
      key: 'correctness',
      score: 1,
      comment: 'good',
    });
    expect(feedback.status).toBe(200);
    expect(feedback.json).toMatchObject({ run_id: runId, key: 'correctness', score: 1 });
    const unknown = await post(`${server.url}/agents/chatbot/feedback`, {
      run_id: 'nope',
      key: 'correctness',
    });
    expect(unknown.status).toBe(404);
  });

  it('answers bad input 400 with the issues, unknown agents 404, big bodies 413', async () => {
    const bad = await post(`${server.url}/agents/chatbot/invoke`, {
      input: [{ type: 'system', content: 'x' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_payload', retryable: false });
    expect((bad.json.error?.issues as string[]).length).toBeGreaterThan(0);
    expect(bad.text).not.toContain('at ');

    const lastNotUser = await post(`${server.url}/agents/chatbot/stream`, {
      input: {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'yo' },
        ],
      },
    });
    expect(lastNotUser.status).toBe(400);
    expect(lastNotUser.json.error?.issues).toEqual([
      'input.messages: the last message must be the user\'s (type "human")',
    ]);

    const noInput = await post(`${server.url}/agents/chatbot/invoke`, { inputs: 'x' });
    expect(noInput.status).toBe(400);

    const notJson = await post(`${server.url}/agents/chatbot/invoke`, '{ nope');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatchObject({ code: 'invalid_payload' });

    const unknown = await post(`${server.url}/agents/ghost/invoke`, { input: 'hi' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'not_found' });
    const unknownRoute = await post(`${server.url}/agents/chatbot/playground`, { input: 'hi' });
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.json.error).toMatchObject({ code: 'not_found' });

    const limit = server.app.serverConfig.limits.maxPayloadBytes;
    const huge = await post(`${server.url}/agents/chatbot/invoke`, {
      input: 'x'.repeat(limit + 10),
    });
    expect(huge.status).toBe(413);
    expect(huge.json.error).toMatchObject({ code: 'limit_exceeded', limit: 'payload_size' });

    // RemoteRunnable surfaces the status.
    const remote = new RemoteRunnable({ url: `${server.url}/agents/ghost` });
    await expect(remote.invoke('hi')).rejects.toThrow(/404/);
  });

  it('serves a valid OpenAPI document generated from the route schemas', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const route of ['invoke', 'batch', 'stream', 'stream_events', 'stream_log', 'feedback'])
      expect(document.paths).toHaveProperty([`/agents/{agentId}/${route}`, 'post']);
    for (const route of ['input_schema', 'output_schema', 'config_schema'])
      expect(document.paths).toHaveProperty([`/agents/{agentId}/${route}`, 'get']);
    expect(document.paths).toHaveProperty(['/agents', 'get']);
    const docs = await fetch(`${server.url}/docs`);
    expect(docs.status).toBeLessThan(400);
  });
});

describe('LangServe HTTP API: auth, limits and aborts', () => {
  it('refuses requests over the per-user rate with 429 limit_exceeded/rate and Retry-After', async () => {
    const server = await startServer({
      config: { limits: { ...TEST_LIMITS, eventsPerSecond: 1, eventBurst: 2 } },
    });
    try {
      const statuses: number[] = [];
      let refused: Awaited<ReturnType<typeof post>> | undefined;
      for (let index = 0; index < 3; index += 1) {
        const response = await post(`${server.url}/agents/chatbot/invoke`, { input: 'hi' });
        statuses.push(response.status);
        if (response.status === 429) refused = response;
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(refused?.json.error).toMatchObject({
        code: 'limit_exceeded',
        limit: 'rate',
        retryable: true,
      });
      const retryAfterMs = refused?.json.error?.retryAfterMs as number;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(1000);
      expect(refused?.headers.get('retry-after')).toBe('1');
    } finally {
      await server.close();
    }
  });

  it('refuses a message over MAX_MESSAGE_LENGTH with 413 limit_exceeded/message_length, like the sockets', async () => {
    const server = await startServer({
      config: { limits: { ...TEST_LIMITS, maxMessageLength: 100 } },
    });
    try {
      const refusal = {
        code: 'limit_exceeded',
        limit: 'message_length',
        retryable: false,
      };
      const long = 'x'.repeat(101);
      for (const route of ['invoke', 'stream', 'stream_events']) {
        const refused = await post(`${server.url}/agents/chatbot/${route}`, { input: long });
        expect(refused.status, route).toBe(413);
        expect(refused.json.error, route).toMatchObject(refusal);
      }
      const inList = await post(`${server.url}/agents/chatbot/invoke`, {
        input: { messages: [{ role: 'user', content: long }] },
      });
      expect(inList.status).toBe(413);
      const batch = await post(`${server.url}/agents/chatbot/batch`, {
        inputs: ['short', long],
      });
      expect(batch.status).toBe(413);
      expect(batch.json.error).toMatchObject(refusal);
      // At the limit is fine.
      const atLimit = await post(`${server.url}/agents/chatbot/invoke`, {
        input: 'x'.repeat(100),
      });
      expect(atLimit.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('in development a missing token is anonymous, a bad one is refused', async () => {
    const server = await startServer();
    try {
      expect((await post(`${server.url}/agents/chatbot/invoke`, { input: 'hi' })).status).toBe(200);
      const bad = await post(
        `${server.url}/agents/chatbot/invoke`,
        { input: 'hi' },
        { authorization: 'Bearer not-a-jwt' },
      );
      expect(bad.status).toBe(401);
      expect(bad.json.error).toMatchObject({ code: 'unauthenticated' });
    } finally {
      await server.close();
    }
  });

  it('in production a valid Bearer token is required', async () => {
    const auth = { ...loadConfig({}).auth, secret: 's'.repeat(40), devLogin: false };
    const server = await startServer({ config: { production: true, auth } });
    try {
      const url = `${server.url}/agents/chatbot/invoke`;
      const missing = await post(url, { input: 'hi' });
      expect(missing.status).toBe(401);
      expect(missing.json.error).toMatchObject({ code: 'unauthenticated' });
      expect((await fetch(`${server.url}/agents`)).status).toBe(401);
      const forged = await new TokenAuthority({ ...auth, secret: 'x'.repeat(40) }).mint({
        userId: 'mallory',
      });
      expect(
        (await post(url, { input: 'hi' }, { authorization: `Bearer ${forged.token}` })).status,
      ).toBe(401);

      const { token } = await new TokenAuthority(auth).mint({ userId: 'alice' });
      const remote = new RemoteRunnable({
        url: `${server.url}/agents/chatbot`,
        options: { headers: { Authorization: `Bearer ${token}` } },
      });
      const answer = (await remote.invoke('hi')) as AIMessageChunk;
      expect(textOf(answer.content).length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('refuses a run over the concurrent-run limit with 429, and a client disconnect aborts the run', async () => {
    const model = new ScriptedChatModel({ tokens: ['a', 'b', 'c', 'd', 'e', 'f'], delayMs: 200 });
    const server = await startServer({
      model,
      config: { limits: { ...loadConfig({}).limits, concurrentRunsPerUser: 1 } },
    });
    try {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/agents/chatbot/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input: 'hi' }),
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let received = '';
      while (!received.includes('event: data')) {
        const { value } = await reader.read();
        received += new TextDecoder().decode(value);
      }
      expect(received).toContain('event: metadata');

      const refused = await post(`${server.url}/agents/chatbot/invoke`, { input: 'hi' });
      expect(refused.status).toBe(429);
      expect(refused.json.error).toMatchObject({
        code: 'limit_exceeded',
        limit: 'concurrent_runs',
      });

      controller.abort();
      await model.waitForAbort();
      expect(model.aborted).toBe(1);
      expect(model.yielded).toBeLessThan(6);
      // The slot is free again.
      await expect
        .poll(
          async () => (await post(`${server.url}/agents/chatbot/invoke`, { input: 'hi' })).status,
          {
            timeout: 5000,
          },
        )
        .toBe(200);
    } finally {
      await server.close();
    }
  }, 20_000);
});
