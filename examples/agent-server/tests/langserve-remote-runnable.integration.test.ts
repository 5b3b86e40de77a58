import type { AIMessageChunk } from 'langchain-core-0.3/messages';
import { RemoteRunnable } from 'langchain-core-0.3/runnables/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, TEST_LIMITS, type TestServer } from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

/**
 * What a user of LangChain.js's `RemoteRunnable` sees when this server refuses or fails a call:
 * the real client (`langchain-core-0.3`) against the real server over loopback, for every call
 * it makes. Each client method reads the error body its own way (`invoke`, `batch`,
 * `streamEvents` and `streamLog` show the body's text; `stream` shows the body's top-level
 * `message`; a stream that fails after it started shows its `error` event's data), so every
 * refusal is checked through every method.
 */

type Remote = RemoteRunnable<unknown, AIMessageChunk, Record<string, unknown>>;

const CALLS: Record<string, (remote: Remote, input: unknown) => Promise<unknown>> = {
  invoke: (remote, input) => remote.invoke(input),
  batch: (remote, input) => remote.batch([input]),
  stream: async (remote, input) => {
    for await (const _chunk of await remote.stream(input));
  },
  streamEvents: async (remote, input) => {
    for await (const _event of remote.streamEvents(input, { version: 'v2' }));
  },
  streamLog: async (remote, input) => {
    for await (const _patch of remote.streamLog(input));
  },
};

/** The error a call rejects with (fails the test if it does not reject). */
async function failureOf(call: () => Promise<unknown>): Promise<Error> {
  try {
    await call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('The call did not fail.');
}

const remoteAt = (url: string, headers: Record<string, string> = {}): Remote =>
  new RemoteRunnable({ url, options: { headers, timeout: 10_000 } });

describe('RemoteRunnable shows the server’s message for every refusal', () => {
  const PAYLOAD_LIMIT = 20_000;
  let server: TestServer;
  let rateLimited: TestServer;
  let production: TestServer;
  let failing: TestServer;

  beforeAll(async () => {
    [server, rateLimited, production, failing] = await Promise.all([
      startServer({
        config: {
          limits: { ...TEST_LIMITS, maxPayloadBytes: PAYLOAD_LIMIT, maxMessageLength: 100 },
        },
      }),
      // One request, then refused for about 1,000 s.
      startServer({
        config: { limits: { ...TEST_LIMITS, eventsPerSecond: 0.001, eventBurst: 1 } },
      }),
      startServer({
        config: {
          production: true,
          auth: { ...loadConfig({}).auth, secret: 's'.repeat(40), devLogin: false },
        },
      }),
      startServer({
        model: new ScriptedChatModel({
          tokens: ['one ', 'two ', 'three'],
          failWith: new Error('provider exploded at https://internal.example/secret'),
          failAfter: 2,
        }),
      }),
    ]);
    // Spend the rate-limited server's one request.
    expect(
      (await remoteAt(`${rateLimited.url}/agents/chatbot/`).invoke('hi')).content,
    ).toBeTruthy();
  });
  afterAll(() => Promise.all([server, rateLimited, production, failing].map((s) => s?.close())));

  const REFUSALS: Array<{
    name: string;
    remote: () => Remote;
    input: () => unknown;
    status: number;
    message: string | RegExp;
  }> = [
    {
      name: 'invalid input (400)',
      remote: () => remoteAt(`${server.url}/agents/chatbot/`),
      input: () => ({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'yo' },
        ],
      }),
      status: 400,
      message: "the last message must be the user's",
    },
    {
      name: 'unknown agent (404)',
      remote: () => remoteAt(`${server.url}/agents/ghost/`),
      input: () => 'hi',
      status: 404,
      message: 'Unknown agent: ghost. GET /agents lists the agents.',
    },
    {
      name: 'body too big (413)',
      remote: () => remoteAt(`${server.url}/agents/chatbot/`),
      input: () => 'x'.repeat(PAYLOAD_LIMIT + 10),
      status: 413,
      message: 'The request body is too large.',
    },
    {
      name: 'message too long (413)',
      remote: () => remoteAt(`${server.url}/agents/chatbot/`),
      input: () => 'x'.repeat(101),
      status: 413,
      message: 'A message is too long: at most 100 characters',
    },
    {
      name: 'rate limit (429)',
      remote: () => remoteAt(`${rateLimited.url}/agents/chatbot/`),
      input: () => 'hi',
      status: 429,
      message:
        /Too many requests: at most 0\.001 per second \(bursts of 1\)\. Try again in \d+ ms\./,
    },
    {
      name: 'no token in production (401)',
      remote: () => remoteAt(`${production.url}/agents/chatbot/`),
      input: () => 'hi',
      status: 401,
      message: 'A token is required: send Authorization: Bearer <JWT>.',
    },
    {
      name: 'bad token (401)',
      remote: () =>
        remoteAt(`${production.url}/agents/chatbot/`, { Authorization: 'Bearer not-a-jwt' }),
      input: () => 'hi',
      status: 401,
      message: /token/i,
    },
  ];

  describe.each(REFUSALS)('$name', (refusal) => {
    it.each(Object.keys(CALLS))('%s', async (method) => {
      const call = CALLS[method] as (typeof CALLS)[string];
      const error = await failureOf(() => call(refusal.remote(), refusal.input()));
      expect(error.message).toContain(String(refusal.status));
      expect(error.message).not.toContain('undefined');
      if (typeof refusal.message === 'string') expect(error.message).toContain(refusal.message);
      else expect(error.message).toMatch(refusal.message);
    });
  });

  it.each(Object.keys(CALLS))(
    'a run that fails: %s shows the safe message, not the provider’s error',
    async (method) => {
      const call = CALLS[method] as (typeof CALLS)[string];
      const error = await failureOf(() => call(remoteAt(`${failing.url}/agents/chatbot/`), 'hi'));
      expect(error.message).toContain('The agent failed to answer. Try again.');
      expect(error.message).toContain('502');
      expect(error.message).not.toContain('undefined');
      expect(error.message).not.toContain('internal.example');
    },
  );

  it('the body has LangServe’s `detail`, the `message` LangChain.js reads, and the typed `error`', async () => {
    const response = await fetch(`${rateLimited.url}/agents/chatbot/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'hi' }),
    });
    expect(response.status).toBe(429);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      detail: expect.stringMatching(/^Too many requests/),
      message: body.detail,
      error: {
        code: 'limit_exceeded',
        message: body.detail,
        retryable: true,
        limit: 'rate',
        retryAfterMs: expect.any(Number),
      },
    });

    const invalid = await fetch(`${server.url}/agents/chatbot/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: [{ type: 'system', content: 'x' }] }),
    });
    expect(invalid.status).toBe(400);
    const invalidBody = (await invalid.json()) as {
      detail: string;
      message: string;
      error: { code: string; message: string; issues: string[] };
    };
    expect(invalidBody.error).toMatchObject({ code: 'invalid_payload', message: 'Invalid input.' });
    expect(invalidBody.error.issues.length).toBeGreaterThan(0);
    // What a LangServe client shows names the problems.
    expect(invalidBody.message).toBe(`Invalid input: ${invalidBody.error.issues.join('; ')}`);
    expect(invalidBody.detail).toBe(invalidBody.message);
  });

  it('a stream that fails after it started ends with an `error` event: status_code, message and the typed error', async () => {
    const response = await fetch(`${failing.url}/agents/chatbot/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'hi' }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const frame = /event: error\ndata: (.*)\n\n$/.exec(text);
    expect(frame, text).not.toBeNull();
    expect(JSON.parse(frame?.[1] as string)).toEqual({
      status_code: 502,
      message: 'The agent failed to answer. Try again.',
      error: {
        code: 'unavailable',
        message: 'The agent failed to answer. Try again.',
        retryable: true,
      },
    });
  });
});
