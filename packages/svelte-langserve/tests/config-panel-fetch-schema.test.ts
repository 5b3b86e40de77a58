import { describe, expect, it } from 'vitest';
import { ConfigSchemaError, fetchConfigSchema } from '../src/lib/components/config/index.js';
import serverSchema from './fixtures/code-assistant.config-schema.json';

/** A fetch double that records its calls and answers with `status` and `body`. */
function fakeFetch(status: number, body: string) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('fetchConfigSchema', () => {
  it('GETs <base>/agents/<id>/config_schema with the token and returns the schema', async () => {
    const { fetch, calls } = fakeFetch(200, JSON.stringify(serverSchema));
    const schema = await fetchConfigSchema('http://localhost:8000/', 'code assistant', {
      token: 'tok',
      fetch,
    });
    expect(schema).toEqual(serverSchema);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('http://localhost:8000/agents/code%20assistant/config_schema');
    expect(calls[0]!.init?.headers).toEqual({
      accept: 'application/json',
      authorization: 'Bearer tok',
    });
  });

  it('sends no authorization header without a token', async () => {
    const { fetch, calls } = fakeFetch(200, '{"type":"object","properties":{}}');
    await fetchConfigSchema('http://localhost:8000', 'chatbot', { fetch });
    expect(calls[0]!.init?.headers).toEqual({ accept: 'application/json' });
  });

  it("throws a ConfigSchemaError with the server's code and message on non-2xx", async () => {
    const body = JSON.stringify({
      error: { code: 'not_found', message: 'Unknown agent: nope.', retryable: false },
    });
    const error = await fetchConfigSchema('http://x', 'nope', {
      fetch: fakeFetch(404, body).fetch,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigSchemaError);
    expect(error).toMatchObject({
      name: 'ConfigSchemaError',
      status: 404,
      code: 'not_found',
      message: 'Unknown agent: nope.',
    });
  });

  it('names the status when the error body is not JSON, and refuses a non-object body', async () => {
    await expect(
      fetchConfigSchema('http://x', 'a', { fetch: fakeFetch(502, 'Bad gateway').fetch }),
    ).rejects.toMatchObject({
      status: 502,
      code: undefined,
      message: 'GET http://x/agents/a/config_schema failed with status 502',
    });
    await expect(
      fetchConfigSchema('http://x', 'a', { fetch: fakeFetch(200, '[1]').fetch }),
    ).rejects.toBeInstanceOf(ConfigSchemaError);
  });

  it('passes the abort signal to fetch', async () => {
    const { fetch, calls } = fakeFetch(200, '{}');
    const controller = new AbortController();
    await fetchConfigSchema('http://x', 'a', { fetch, signal: controller.signal });
    expect(calls[0]!.init?.signal).toBe(controller.signal);
  });
});
