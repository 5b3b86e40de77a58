/**
 * Characterization tests: how the REAL LangChain clients (`ChatOpenAI` with Chat Completions,
 * `ChatAnthropic`) behave against each fault the local {@link ProviderFaultServer} produces.
 * They assert what was observed with @langchain/openai 1.5.8 (openai 6.49), @langchain/anthropic
 * 1.5.11 (@anthropic-ai/sdk 0.122) and @langchain/core 1.4.0, so they fail if that changes.
 *
 * "LangGraph path" = `invoke` with a callback handler that has `lc_prefer_streaming` (what
 * LangGraph's `streamMode: 'messages'` handler is): core then streams `_streamResponseChunks`
 * itself instead of calling the model's `_generate`.
 */
import { ChatAnthropic } from '@langchain/anthropic';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderFaultServer, type Behaviour } from './support/provider-fault-server.js';

type Provider = 'openai' | 'anthropic';
type Model = ChatOpenAI | ChatAnthropic;

let server: ProviderFaultServer;

beforeAll(async () => {
  server = new ProviderFaultServer();
  await server.listen();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

function makeModel(provider: Provider, extra: Record<string, unknown> = {}): Model {
  if (provider === 'openai') {
    const model = new ChatOpenAI({
      model: 'gpt-test',
      apiKey: 'sk-test',
      maxRetries: 0,
      streaming: true,
      useResponsesApi: false,
      configuration: { baseURL: server.openaiBaseURL },
      ...extra,
    });
    // A plain `invoke` of a streaming ChatOpenAI counts tokens with tiktoken afterwards, which
    // DOWNLOADS the encoding from tiktoken.pages.dev (retried 6 times with backoff when offline).
    // Give the inner completions model an encoder so no test touches the network.
    (model as unknown as { completions: { _encoding?: unknown } }).completions._encoding = {
      encode: (text: string) => Array.from({ length: Math.ceil(text.length / 4) }),
    };
    return model;
  }
  return new ChatAnthropic({
    model: 'claude-test',
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    streaming: true,
    anthropicApiUrl: server.anthropicBaseURL,
    ...extra,
  });
}

/** Mirrors LangGraph's StreamMessagesHandler: makes core take the streaming path. */
class PrefersStreaming extends BaseCallbackHandler {
  name = 'prefers-streaming';
  lc_prefer_streaming = true;
  tokens: string[] = [];
  override handleLLMNewToken(token: string) {
    this.tokens.push(token);
  }
}

interface Streamed {
  chunks: AIMessageChunk[];
  final: AIMessageChunk | undefined;
  error: unknown;
}

/** `model.stream()`, collecting chunks until it ends or throws. */
async function stream(
  model: Model,
  options: { signal?: AbortSignal; onChunk?: (chunk: AIMessageChunk) => void } = {},
): Promise<Streamed> {
  const chunks: AIMessageChunk[] = [];
  let error: unknown;
  try {
    const iterable = await model.stream('hi', options.signal ? { signal: options.signal } : {});
    for await (const chunk of iterable) {
      chunks.push(chunk);
      options.onChunk?.(chunk);
    }
  } catch (caught) {
    error = caught;
  }
  let final: AIMessageChunk | undefined;
  for (const chunk of chunks) final = final ? final.concat(chunk) : chunk;
  return { chunks, final, error };
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

function invokeLangGraphPath(model: Model, signal?: AbortSignal) {
  return settle(model.invoke('hi', { callbacks: [new PrefersStreaming()], signal }));
}

/** An SDK `logger` that keeps `error` calls instead of printing them. */
function capturingLogger() {
  const errors: unknown[][] = [];
  const ignore = () => undefined;
  return {
    errors,
    error: (...args: unknown[]) => void errors.push(args),
    warn: ignore,
    info: ignore,
    debug: ignore,
  };
}

/** Loose view of the errors, for property assertions. */
type ErrorView = Error & {
  status?: number;
  headers?: unknown;
  lc_error_code?: string;
  code?: string;
  cause?: ErrorView;
  error?: unknown;
  rateLimitType?: string;
  rateLimitReason?: string;
  retryAfterMs?: number;
  partialOutput?: AIMessageChunk;
};
const asError = (error: unknown) => error as ErrorView;

const TOOL_REPLY: Behaviour = {
  reply: {
    tokens: ['Let me check.'],
    toolCalls: [{ id: 'call_A', name: 'calculator', args: { expression: '2+2' }, pieces: 3 }],
  },
};
const PIECES = ['{"expre', 'ssion":', '"2+2"}'];

describe('ProviderFaultServer wire formats', () => {
  it('records requests, answers unknown routes 404 and counts no retries with maxRetries: 0', async () => {
    const response = await fetch(`${server.anthropicBaseURL}/nope`, { method: 'POST' });
    expect(response.status).toBe(404);
    await response.body?.cancel();
    server.script([{ fault: 'status', status: 500 }]);
    const result = await stream(makeModel('openai'));
    expect(result.error).toBeDefined();
    expect(server.requests.map((request) => [request.path, request.provider])).toEqual([
      ['/nope', undefined],
      ['/v1/chat/completions', 'openai'],
    ]);
    expect(server.pending).toBe(0);
  });
});

describe('ChatOpenAI (Chat Completions) against the fault server', () => {
  it('streams a normal reply; finish_reason on the finish chunk, usage on a trailing chunk', async () => {
    server.script([{ reply: { tokens: ['Hel', 'lo', '!'] } }]);
    const { chunks, final, error } = await stream(makeModel('openai'));
    expect(error).toBeUndefined();
    expect(final?.text).toBe('Hello!');
    // role chunk, 3 tokens, finish chunk, usage chunk
    expect(chunks).toHaveLength(6);
    expect(chunks.map((chunk) => chunk.usage_metadata !== undefined)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(chunks[4]!.response_metadata).toMatchObject({ finish_reason: 'stop' });
    expect(final?.response_metadata).toMatchObject({
      finish_reason: 'stop',
      model_name: 'gpt-test',
      usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
    });
    expect(final?.usage_metadata).toMatchObject({
      input_tokens: 11,
      output_tokens: 3,
      total_tokens: 14,
    });
    const [request] = server.requests;
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    // streamUsage defaults to true: include_usage is requested without asking.
    expect(request!.body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request!.respondedAt).toBeGreaterThan(request!.arrivedAt);
    expect(request!.clientClosedEarly).toBe(false);
  });

  it('via the LangGraph path the aggregated message has NO finish_reason', async () => {
    server.script([{ reply: { tokens: ['Hel', 'lo'] } }]);
    const { value, error } = await invokeLangGraphPath(makeModel('openai'));
    expect(error).toBeUndefined();
    expect(value!.text).toBe('Hello');
    expect(value!.response_metadata.finish_reason).toBeUndefined();
    expect(value!.response_metadata).toEqual({
      model_provider: 'openai',
      usage: { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 },
    });
    expect(value!.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 2 });
  });

  it('a plain invoke (model _generate) does carry finish_reason and an estimatedTokenUsage', async () => {
    server.script([{ reply: { tokens: ['Hel', 'lo'] } }]);
    const message = await makeModel('openai').invoke('hi');
    expect(message.response_metadata).toMatchObject({
      finish_reason: 'stop',
      estimatedTokenUsage: expect.any(Object),
      usage: { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 },
    });
  });

  it('streams tool calls piece by piece and aggregates parsed args', async () => {
    server.script([TOOL_REPLY]);
    const { chunks, final, error } = await stream(makeModel('openai'));
    expect(error).toBeUndefined();
    const toolChunks = chunks.filter((chunk) => chunk.tool_call_chunks?.length);
    expect(toolChunks.map((chunk) => chunk.tool_call_chunks)).toEqual([
      [{ id: 'call_A', name: 'calculator', args: '', index: 0, type: 'tool_call_chunk' }],
      ...PIECES.map((args) => [{ args, index: 0, type: 'tool_call_chunk' }]),
    ]);
    expect(final?.tool_calls).toEqual([
      { id: 'call_A', name: 'calculator', args: { expression: '2+2' }, type: 'tool_call' },
    ]);
    expect(final?.text).toBe('Let me check.');
    expect(final?.response_metadata.finish_reason).toBe('tool_calls');
  });

  it('429: the SDK RateLimitError itself, stamped by LangChain, headers a Headers instance', async () => {
    server.script([{ fault: 'status', status: 429, retryAfter: 1, retryAfterMs: 1500 }]);
    const { error } = await stream(makeModel('openai'));
    const e = asError(error);
    expect(e.constructor.name).toBe('RateLimitError');
    expect(e.name).toBe('Error');
    expect(e.status).toBe(429);
    expect(e.lc_error_code).toBe('MODEL_RATE_LIMIT');
    expect(e.message).toMatch(/^429 Rate limit reached for requests\n\nTroubleshooting URL: /);
    expect(e.headers).toBeInstanceOf(Headers);
    expect((e.headers as Headers).get('retry-after')).toBe('1');
    expect((e.headers as Headers).get('retry-after-ms')).toBe('1500');
    expect(e.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    // Added by core's AsyncCaller from `retry-after` (seconds; `retry-after-ms` is ignored).
    expect(e).toMatchObject({
      rateLimitType: 'wait',
      rateLimitReason: 'retry_after_hint',
      retryAfterMs: 1000,
    });
    expect(e.cause).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('429 without Retry-After is renamed RateLimitCapacityError by core', async () => {
    server.script([{ fault: 'status', status: 429 }]);
    const { error } = await invokeLangGraphPath(makeModel('openai'));
    const e = asError(error);
    expect(e.constructor.name).toBe('RateLimitError');
    expect(e.name).toBe('RateLimitCapacityError');
    expect(e).toMatchObject({
      status: 429,
      rateLimitType: 'capacity',
      rateLimitReason: 'headerless_429',
    });
    expect(e.retryAfterMs).toBeUndefined();
  });

  it.each([500, 503])(
    '%i: InternalServerError with status and headers, no lc_error_code',
    async (status) => {
      server.script([{ fault: 'status', status }]);
      const { error } = await stream(makeModel('openai'));
      const e = asError(error);
      expect(e.constructor.name).toBe('InternalServerError');
      expect(e.status).toBe(status);
      expect(e.lc_error_code).toBeUndefined();
      expect(e.message).toBe(`${status} The server had an error while processing your request.`);
      expect((e.headers as Headers).get('x-request-id')).toBe('req_fault_0');
    },
  );

  it('reset before headers: APIConnectionError "Connection error." with the fetch failure as cause', async () => {
    server.script([{ fault: 'reset' }]);
    const { error } = await stream(makeModel('openai'));
    const e = asError(error);
    expect(e.constructor.name).toBe('APIConnectionError');
    expect(e.message).toBe('Connection error.');
    expect(e.status).toBeUndefined();
    expect(e.headers).toBeUndefined();
    expect(e.cause).toBeInstanceOf(TypeError);
    expect(e.cause!.message).toBe('fetch failed');
    expect(asError(e.cause!.cause).code).toBe('UND_ERR_SOCKET');
  });

  it('cut mid-stream: the tokens so far arrive, then an unwrapped undici TypeError "terminated"', async () => {
    server.script([{ fault: 'cut', afterTokens: 2 }]);
    const { final, error } = await stream(makeModel('openai'));
    expect(final?.text).toBe('Hello from');
    const e = asError(error);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('terminated');
    expect(e.status).toBeUndefined();
    expect(e.cause!.code).toBe('UND_ERR_SOCKET');
    expect(e.cause!.message).toBe('other side closed');
  });

  it('stall: hangs until aborted; abort closes the upstream socket within 500 ms', async () => {
    server.script([{ fault: 'stall', afterTokens: 1 }]);
    const controller = new AbortController();
    let abortedAt = 0;
    const { final, error } = await stream(makeModel('openai'), {
      signal: controller.signal,
      onChunk: (chunk) => {
        if (chunk.text) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    expect(final?.text).toBe('Hello');
    expect(asError(error).name).toBe('AbortError');
    expect(error).toBeInstanceOf(DOMException);
    const [request] = server.requests;
    await request!.socketClosed;
    expect(request!.clientClosedEarly).toBe(true);
    expect(request!.socketClosedAt! - abortedAt).toBeLessThan(500);
  });

  it('stall, LangGraph path: rejects with a plain Error("AbortError"), not ModelAbortError', async () => {
    server.script([{ fault: 'stall', afterTokens: 1 }]);
    const controller = new AbortController();
    const pending = invokeLangGraphPath(makeModel('openai'), controller.signal);
    await expect.poll(() => server.requests.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = performance.now();
    controller.abort();
    const { error } = await pending;
    expect(asError(error).constructor).toBe(Error);
    expect(asError(error).name).toBe('Error');
    expect(asError(error).message).toBe('AbortError');
    await server.requests[0]!.socketClosed;
    expect(server.requests[0]!.socketClosedAt! - abortedAt).toBeLessThan(500);
  });

  it('malformed data line: tokens so far, then the JSON SyntaxError (unwrapped)', async () => {
    server.script([{ fault: 'malformed', afterTokens: 2 }]);
    const logger = capturingLogger();
    const { final, error } = await stream(
      makeModel('openai', { configuration: { baseURL: server.openaiBaseURL, logger } }),
    );
    // The SDK also logs the bad line itself (to console.error unless given a logger).
    expect(logger.errors[0]).toEqual([
      'Could not parse message into JSON:',
      '{"this is": not json',
    ]);
    expect(final?.text).toBe('Hello from');
    expect(error).toBeInstanceOf(SyntaxError);
    expect(asError(error).message).toContain('is not valid JSON');
  });

  it('no end (no finish chunk, usage chunk or [DONE]): resolves; no finish_reason, no usage', async () => {
    server.script([{ fault: 'no-end' }]);
    const { final, error } = await stream(makeModel('openai'));
    expect(error).toBeUndefined();
    expect(final?.text).toBe('Hello from the fault server.');
    expect(final?.response_metadata.finish_reason).toBeUndefined();
    expect(final?.response_metadata.usage).toEqual({});
    expect(final?.usage_metadata).toBeUndefined();
  });

  it('a missing [DONE] alone is invisible: finish_reason and usage are there', async () => {
    server.script([{ fault: 'no-end', keepFinish: true }]);
    const { final, error } = await stream(makeModel('openai'));
    expect(error).toBeUndefined();
    expect(final?.response_metadata.finish_reason).toBe('stop');
    expect(final?.usage_metadata).toMatchObject({ output_tokens: 5 });
  });

  it('sends temperature, top_p and max_tokens given at construction', async () => {
    await stream(makeModel('openai', { temperature: 0.3, topP: 0.9, maxTokens: 77 }));
    expect(server.requests[0]!.body).toMatchObject({
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 77,
    });
  });
});

describe('ChatAnthropic against the fault server', () => {
  it('streams a normal reply; stop_reason in additional_kwargs, usage on first and message_delta chunks', async () => {
    server.script([{ reply: { tokens: ['Hel', 'lo', '!'] } }]);
    const { chunks, final, error } = await stream(makeModel('anthropic'));
    expect(error).toBeUndefined();
    expect(final?.text).toBe('Hello!');
    // message_start, content_block_start, 3 text deltas, message_delta (ping/stops yield nothing)
    expect(chunks).toHaveLength(6);
    expect(chunks.map((chunk) => chunk.usage_metadata)).toEqual([
      expect.objectContaining({ input_tokens: 11, output_tokens: 1 }),
      undefined,
      undefined,
      undefined,
      undefined,
      { input_tokens: 0, output_tokens: 3, total_tokens: 3 },
    ]);
    expect(final?.additional_kwargs).toMatchObject({ stop_reason: 'end_turn', id: 'msg_fault_0' });
    expect(final?.response_metadata.stop_reason).toBeUndefined();
    // message_start's output_tokens (1) is added to message_delta's cumulative count (3).
    expect(final?.usage_metadata).toMatchObject({
      input_tokens: 11,
      output_tokens: 4,
      total_tokens: 15,
    });
    const [request] = server.requests;
    expect(request!.path).toBe('/v1/messages');
    expect(request!.headers['x-api-key']).toBe('sk-ant-test');
    expect(request!.headers['anthropic-version']).toBe('2023-06-01');
    expect(request!.headers.authorization).toBeUndefined();
    // Unknown model name: max_tokens defaults to 4096.
    expect(request!.body).toMatchObject({ model: 'claude-test', stream: true, max_tokens: 4096 });
  });

  it('the LangGraph path keeps stop_reason', async () => {
    server.script([{ reply: { tokens: ['Hel', 'lo'] } }]);
    const { value } = await invokeLangGraphPath(makeModel('anthropic'));
    expect(value!.additional_kwargs.stop_reason).toBe('end_turn');
    expect(value!.text).toBe('Hello');
  });

  it('clientOptions.baseURL works too', async () => {
    const model = new ChatAnthropic({
      model: 'claude-test',
      apiKey: 'k',
      maxRetries: 0,
      streaming: true,
      clientOptions: { baseURL: server.anthropicBaseURL },
    });
    const { final } = await stream(model);
    expect(final?.text).toBe('Hello from the fault server.');
  });

  it('streams tool_use piece by piece (index = content block index) and aggregates parsed args', async () => {
    server.script([TOOL_REPLY]);
    const { chunks, final, error } = await stream(makeModel('anthropic'));
    expect(error).toBeUndefined();
    const toolChunks = chunks.filter((chunk) => chunk.tool_call_chunks?.length);
    expect(toolChunks.map((chunk) => chunk.tool_call_chunks)).toEqual([
      [{ id: 'call_A', name: 'calculator', args: '', index: 1 }],
      ...PIECES.map((args) => [{ args, index: 1 }]),
    ]);
    expect(final?.tool_calls).toEqual([
      { id: 'call_A', name: 'calculator', args: { expression: '2+2' }, type: 'tool_call' },
    ]);
    expect(final?.text).toBe('Let me check.');
    expect(final?.additional_kwargs.stop_reason).toBe('tool_use');
  });

  it('429: the SDK RateLimitError, message is the raw JSON body, headers a Headers instance', async () => {
    server.script([{ fault: 'status', status: 429, retryAfter: 1, retryAfterMs: 1500 }]);
    const { error } = await stream(makeModel('anthropic'));
    const e = asError(error);
    expect(e.constructor.name).toBe('RateLimitError');
    expect(e.name).toBe('Error');
    expect(e.status).toBe(429);
    expect(e.lc_error_code).toBe('MODEL_RATE_LIMIT');
    expect(e.message).toMatch(
      /^429 \{"type":"error","error":\{"type":"rate_limit_error","message":"Rate limit reached for requests"\}\}\n\nTroubleshooting URL: /,
    );
    expect(e.headers).toBeInstanceOf(Headers);
    expect((e.headers as Headers).get('retry-after')).toBe('1');
    expect((e.headers as Headers).get('retry-after-ms')).toBe('1500');
    expect(e.error).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Rate limit reached for requests' },
    });
    expect(e).toMatchObject({ rateLimitType: 'wait', retryAfterMs: 1000 });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [500, 'api_error'],
    [503, 'overloaded_error'],
  ])('%i: InternalServerError carrying the error body', async (status, type) => {
    server.script([{ fault: 'status', status }]);
    const { error } = await invokeLangGraphPath(makeModel('anthropic'));
    const e = asError(error);
    expect(e.constructor.name).toBe('InternalServerError');
    expect(e.status).toBe(status);
    expect(e.lc_error_code).toBeUndefined();
    expect(e.message.startsWith(`${status} {"type":"error","error":{"type":"${type}"`)).toBe(true);
    expect((e.headers as Headers).get('request-id')).toBe('req_fault_0');
  });

  it('reset before headers: APIConnectionError "Connection error."', async () => {
    server.script([{ fault: 'reset' }]);
    const { error } = await stream(makeModel('anthropic'));
    const e = asError(error);
    expect(e.constructor.name).toBe('APIConnectionError');
    expect(e.message).toBe('Connection error.');
    expect(e.status).toBeUndefined();
    expect(e.cause!.message).toBe('fetch failed');
  });

  it('cut mid-stream: tokens so far, then TypeError "terminated"; no stop_reason', async () => {
    server.script([{ fault: 'cut', afterTokens: 2 }]);
    const { final, error } = await stream(makeModel('anthropic'));
    expect(final?.text).toBe('Hello from');
    expect(final?.additional_kwargs.stop_reason).toBeUndefined();
    expect(error).toBeInstanceOf(TypeError);
    expect(asError(error).message).toBe('terminated');
    expect(asError(error).cause!.code).toBe('UND_ERR_SOCKET');
  });

  it('stall: stream() hangs until aborted; abort closes the upstream socket within 500 ms', async () => {
    server.script([{ fault: 'stall', afterTokens: 1 }]);
    const controller = new AbortController();
    let abortedAt = 0;
    const { final, error } = await stream(makeModel('anthropic'), {
      signal: controller.signal,
      onChunk: (chunk) => {
        if (chunk.text) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    expect(final?.text).toBe('Hello');
    expect(error).toBeInstanceOf(DOMException);
    expect(asError(error).name).toBe('AbortError');
    const [request] = server.requests;
    await request!.socketClosed;
    expect(request!.clientClosedEarly).toBe(true);
    expect(request!.socketClosedAt! - abortedAt).toBeLessThan(500);
  });

  it('stall, LangGraph path: ModelAbortError with the partial output', async () => {
    server.script([{ fault: 'stall', afterTokens: 1 }]);
    const controller = new AbortController();
    const pending = invokeLangGraphPath(makeModel('anthropic'), controller.signal);
    await expect.poll(() => server.requests.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const { error } = await pending;
    expect(asError(error).name).toBe('ModelAbortError');
    expect(asError(error).partialOutput?.text).toBe('Hello');
  });

  it('stall, plain invoke: an abort RESOLVES with the partial text and no stop_reason', async () => {
    server.script([{ fault: 'stall', afterTokens: 1 }]);
    const controller = new AbortController();
    const { value, error } = await settle(
      makeModel('anthropic').invoke('hi', {
        signal: controller.signal,
        callbacks: [{ handleLLMNewToken: (token) => (token ? controller.abort() : undefined) }],
      }),
    );
    expect(error).toBeUndefined();
    expect(value!.text).toBe('Hello');
    expect(value!.additional_kwargs.stop_reason).toBeUndefined();
    await server.requests[0]!.socketClosed;
    expect(server.requests[0]!.clientClosedEarly).toBe(true);
  });

  it('malformed data line: tokens so far, then the JSON SyntaxError', async () => {
    server.script([{ fault: 'malformed', afterTokens: 2 }]);
    const logger = capturingLogger();
    const { final, error } = await stream(makeModel('anthropic', { clientOptions: { logger } }));
    expect(logger.errors[0]).toEqual([
      'Could not parse message into JSON:',
      '{"this is": not json',
    ]);
    expect(final?.text).toBe('Hello from');
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it('no message_delta/message_stop: resolves; no stop_reason, usage only from message_start', async () => {
    server.script([{ fault: 'no-end' }]);
    const { final, error } = await stream(makeModel('anthropic'));
    expect(error).toBeUndefined();
    expect(final?.text).toBe('Hello from the fault server.');
    expect(final?.additional_kwargs.stop_reason).toBeUndefined();
    expect(final?.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 1 });
  });

  it('a missing message_stop alone is invisible: stop_reason is there', async () => {
    server.script([{ fault: 'no-end', keepFinish: true }]);
    const { final, error } = await stream(makeModel('anthropic'));
    expect(error).toBeUndefined();
    expect(final?.additional_kwargs.stop_reason).toBe('end_turn');
  });

  it('sends temperature, top_p and max_tokens together (LangChain does not forbid both)', async () => {
    await stream(makeModel('anthropic', { temperature: 0.3, topP: 0.9, maxTokens: 77 }));
    expect(server.requests[0]!.body).toMatchObject({
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 77,
    });
  });

  it('rejects non-default sampling params for adaptive-only models at call time, before any request', async () => {
    const model = makeModel('anthropic', { model: 'claude-opus-4-7', topP: 0.9 });
    const { error } = await stream(model);
    expect(asError(error).message).toBe(
      'topP is not supported for claude-opus-4-7 when set to non-default values',
    );
    expect(server.requests).toHaveLength(0);
  });
});
