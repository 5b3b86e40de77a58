import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A local HTTP server, for tests only, that speaks both providers' streaming wire formats —
 * OpenAI Chat Completions (`POST /v1/chat/completions`) and Anthropic Messages
 * (`POST /v1/messages`) — and produces faults on request, so the REAL `ChatOpenAI` and
 * `ChatAnthropic` clients can be driven with no network.
 *
 * Configure the clients with:
 * - `new ChatOpenAI({ configuration: { baseURL: server.openaiBaseURL }, useResponsesApi: false, ... })`
 * - `new ChatAnthropic({ anthropicApiUrl: server.anthropicBaseURL, ... })`
 *   (`clientOptions: { baseURL }` works too; the Anthropic SDK appends `/v1/messages` itself,
 *   so its base URL has NO `/v1`).
 *
 * Each request consumes one behaviour from the queue given to {@link ProviderFaultServer.script};
 * when the queue is empty, {@link ProviderFaultServer.defaultBehaviour} is used. A `reply` to a
 * request without `stream: true` is answered with the provider's complete JSON body; the stream
 * faults (`cut`, `stall`, `malformed`, `no-end`) always answer with SSE.
 */

export type Provider = 'openai' | 'anthropic';

/** A tool call the model "makes". */
export interface ScriptedToolCall {
  /** Defaults to `call_<n>` (OpenAI) / `toolu_<n>` (Anthropic). */
  id?: string;
  name: string;
  /** The arguments, as an object (serialised) or as the exact JSON text to send. */
  args: Record<string, unknown> | string;
  /** How many pieces the arguments JSON is split into (default 3; at most its length). */
  pieces?: number;
}

/** A normal answer: reasoning, text tokens and/or tool calls. */
export interface ScriptedReply {
  /**
   * Reasoning streamed before the text: OpenAI as `reasoning_content` deltas (as llama.cpp,
   * vLLM and DeepSeek send them), Anthropic as a `thinking` block (`thinking_delta` events, then
   * a `signature_delta`).
   */
  reasoning?: string[];
  tokens?: string[];
  toolCalls?: ScriptedToolCall[];
  /** Delay before each streamed piece (text token or tool-call piece), in ms. */
  delayMs?: number;
  /** Reported usage; defaults to input 11, output = number of pieces. */
  usage?: { input: number; output: number };
  /** Override the finish/stop reason (default: stop/end_turn, or tool_calls/tool_use). */
  finishReason?: string;
  /** Model name echoed in the stream (default: the request's `model`). */
  model?: string;
}

/**
 * "Pieces" are the streamed units of a reply, in order: each reasoning token, each text token, then, for every tool
 * call, a first piece (id + name) followed by one piece per arguments fragment. `afterTokens`
 * counts pieces.
 */
export type Behaviour =
  | { reply: ScriptedReply }
  | {
      fault: 'status';
      status: number;
      /** Sends `Retry-After: <seconds>`. */
      retryAfter?: number;
      /** Sends `retry-after-ms: <ms>`. */
      retryAfterMs?: number;
      message?: string;
    }
  /** Destroys the socket before any response byte (headers included) is sent. */
  | { fault: 'reset' }
  /** Sends `afterTokens` pieces, then destroys the socket. */
  | { fault: 'cut'; afterTokens: number; reply?: ScriptedReply }
  /** Sends headers and `afterTokens` pieces (default 0), then nothing until the client leaves. */
  | { fault: 'stall'; afterTokens?: number; reply?: ScriptedReply }
  /** Sends `afterTokens` pieces, then an SSE data line that is not JSON, then ends. */
  | { fault: 'malformed'; afterTokens: number; reply?: ScriptedReply; line?: string }
  /**
   * Sends every piece, then ends the response cleanly without the end marker. By default the
   * terminal frames are all missing (OpenAI: the `finish_reason` chunk, the usage chunk and
   * `[DONE]`; Anthropic: `message_delta` and `message_stop`). With `keepFinish`, only the very
   * last frame is missing (OpenAI: `[DONE]`; Anthropic: `message_stop`).
   */
  | { fault: 'no-end'; reply?: ScriptedReply; keepFinish?: boolean };

/** One request the server received, with timings (all `performance.now()` ms). */
export interface RecordedRequest {
  index: number;
  /** `undefined` for an unknown route (answered 404). */
  provider: Provider | undefined;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`undefined` if it was not JSON). */
  body: Record<string, unknown> | undefined;
  behaviour: Behaviour;
  arrivedAt: number;
  /** When the response was fully written (`undefined` if it never was). */
  respondedAt: number | undefined;
  /** When the underlying TCP socket closed (a keep-alive socket may outlive the response). */
  socketClosedAt: number | undefined;
  /** The client closed the connection before the response ended. */
  clientClosedEarly: boolean;
  /** Resolves when the socket carrying this request has closed. */
  socketClosed: Promise<void>;
}

const DEFAULT_REPLY: ScriptedReply = { tokens: ['Hello', ' from', ' the', ' fault', ' server.'] };

interface Piece {
  kind: 'reasoning' | 'text' | 'tool-start' | 'tool-args';
  text: string;
  /** Index into the reply's tool calls. */
  tool: number;
}

function toolArgsText(call: ScriptedToolCall): string {
  return typeof call.args === 'string' ? call.args : JSON.stringify(call.args);
}

function splitInto(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(count, text.length));
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

function piecesOf(reply: ScriptedReply): Piece[] {
  const pieces: Piece[] = [
    ...(reply.reasoning ?? []).map((text) => ({ kind: 'reasoning' as const, text, tool: -1 })),
    ...(reply.tokens ?? []).map((text) => ({ kind: 'text' as const, text, tool: -1 })),
  ];
  (reply.toolCalls ?? []).forEach((call, tool) => {
    pieces.push({ kind: 'tool-start', text: '', tool });
    for (const text of splitInto(toolArgsText(call), call.pieces ?? 3)) {
      pieces.push({ kind: 'tool-args', text, tool });
    }
  });
  return pieces;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Everything a streaming writer needs for one response. */
interface StreamContext {
  response: ServerResponse;
  reply: ScriptedReply;
  pieces: Piece[];
  model: string;
  requestIndex: number;
  /** True once the client has gone away. */
  gone: () => boolean;
}

type StopAt =
  | { kind: 'complete' }
  | { kind: 'cut'; after: number }
  | { kind: 'stall'; after: number }
  | { kind: 'malformed'; after: number; line: string }
  | { kind: 'no-end'; keepFinish: boolean };

export class ProviderFaultServer {
  readonly requests: RecordedRequest[] = [];
  /** Used when the script queue is empty. */
  defaultBehaviour: Behaviour = { reply: DEFAULT_REPLY };
  /**
   * Chooses a request's behaviour from its body before the queue is consulted (undefined: use
   * the queue). Lets concurrent runs each get their own script, e.g. keyed by the user's text.
   */
  decide:
    | ((body: Record<string, unknown> | undefined, provider: Provider) => Behaviour | undefined)
    | undefined;
  readonly #queue: Behaviour[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #socketRequests = new WeakMap<Socket, RecordedRequest[]>();
  readonly #stalled = new Set<() => void>();

  constructor(options: { defaultBehaviour?: Behaviour } = {}) {
    if (options.defaultBehaviour) this.defaultBehaviour = options.defaultBehaviour;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch(() => {
        if (!response.destroyed) response.destroy();
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        const now = performance.now();
        for (const recorded of this.#socketRequests.get(socket) ?? []) {
          recorded.socketClosedAt = now;
          this.#resolvers.get(recorded)?.();
        }
      });
    });
  }

  readonly #resolvers = new WeakMap<RecordedRequest, () => void>();

  /**
   * Index of the request being answered. The writers read it synchronously right after the
   * request was recorded (before any await), so it is never another request's.
   */
  get #currentIndex(): number {
    return this.requests.length - 1;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** For `ChatOpenAI({ configuration: { baseURL } })`. */
  get openaiBaseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** For `ChatAnthropic({ anthropicApiUrl })` — the SDK adds `/v1/messages` itself. */
  get anthropicBaseURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Appends behaviours to the queue; each request consumes one. */
  script(behaviours: Behaviour[]): this {
    this.#queue.push(...behaviours);
    return this;
  }

  /** Behaviours not consumed yet. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Forgets the queue and the recorded requests. */
  reset(): void {
    this.#queue.length = 0;
    this.requests.length = 0;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops listening and destroys every open connection (stalled ones included). */
  close(): Promise<void> {
    for (const release of this.#stalled) release();
    this.#stalled.clear();
    for (const socket of this.#sockets) socket.destroy();
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const path = (request.url ?? '').split('?')[0] ?? '';
    const provider: Provider | undefined =
      request.method === 'POST' && path === '/v1/chat/completions'
        ? 'openai'
        : request.method === 'POST' && path === '/v1/messages'
          ? 'anthropic'
          : undefined;
    const behaviour: Behaviour = provider
      ? (this.decide?.(body, provider) ?? this.#queue.shift() ?? this.defaultBehaviour)
      : { fault: 'status', status: 404 };

    let resolveClosed!: () => void;
    const socketClosed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const recorded: RecordedRequest = {
      index: this.requests.length,
      provider,
      method: request.method ?? '',
      path,
      headers: request.headers,
      body,
      behaviour,
      arrivedAt,
      respondedAt: undefined,
      socketClosedAt: undefined,
      clientClosedEarly: false,
      socketClosed,
    };
    this.requests.push(recorded);
    this.#resolvers.set(recorded, resolveClosed);
    const socket = request.socket;
    if (socket.destroyed) {
      recorded.socketClosedAt = performance.now();
      resolveClosed();
    } else {
      const list = this.#socketRequests.get(socket) ?? [];
      list.push(recorded);
      this.#socketRequests.set(socket, list);
    }
    let gone = false;
    response.on('close', () => {
      if (!response.writableFinished) {
        gone = true;
        recorded.clientClosedEarly = !this.#serverDestroyed.has(response);
      }
    });
    response.on('finish', () => (recorded.respondedAt = performance.now()));

    if (!provider) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no route ${request.method} ${path}` } }));
      return;
    }
    if (!('fault' in behaviour)) {
      if (body?.stream !== true) return this.#json(provider, body, response, behaviour.reply);
      return this.#stream(
        provider,
        body,
        response,
        behaviour.reply,
        { kind: 'complete' },
        () => gone,
      );
    }
    switch (behaviour.fault) {
      case 'status':
        return this.#status(provider, response, behaviour);
      case 'reset':
        this.#serverDestroyed.add(response);
        socket.destroy();
        return;
      case 'cut':
        return this.#stream(
          provider,
          body,
          response,
          behaviour.reply ?? DEFAULT_REPLY,
          { kind: 'cut', after: behaviour.afterTokens },
          () => gone,
        );
      case 'stall':
        return this.#stream(
          provider,
          body,
          response,
          behaviour.reply ?? DEFAULT_REPLY,
          { kind: 'stall', after: behaviour.afterTokens ?? 0 },
          () => gone,
        );
      case 'malformed':
        return this.#stream(
          provider,
          body,
          response,
          behaviour.reply ?? DEFAULT_REPLY,
          {
            kind: 'malformed',
            after: behaviour.afterTokens,
            line: behaviour.line ?? '{"this is": not json',
          },
          () => gone,
        );
      case 'no-end':
        return this.#stream(
          provider,
          body,
          response,
          behaviour.reply ?? DEFAULT_REPLY,
          { kind: 'no-end', keepFinish: behaviour.keepFinish ?? false },
          () => gone,
        );
    }
  }

  /** Responses the server itself destroyed (so their close is not the client's doing). */
  readonly #serverDestroyed = new WeakSet<ServerResponse>();

  #status(
    provider: Provider,
    response: ServerResponse,
    fault: Extract<Behaviour, { fault: 'status' }>,
  ): void {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
    const openaiType: Record<number, [string, string | null]> = {
      400: ['invalid_request_error', null],
      401: ['invalid_request_error', 'invalid_api_key'],
      404: ['invalid_request_error', 'model_not_found'],
      429: ['requests', 'rate_limit_exceeded'],
      500: ['server_error', null],
      503: ['server_error', null],
    };
    const anthropicType: Record<number, string> = {
      400: 'invalid_request_error',
      401: 'authentication_error',
      403: 'permission_error',
      404: 'not_found_error',
      413: 'request_too_large',
      429: 'rate_limit_error',
      500: 'api_error',
      503: 'overloaded_error',
      529: 'overloaded_error',
    };
    const message =
      fault.message ??
      (fault.status === 429
        ? 'Rate limit reached for requests'
        : fault.status >= 500
          ? 'The server had an error while processing your request.'
          : `Error ${fault.status}`);
    let body: unknown;
    if (provider === 'openai') {
      headers['x-request-id'] = `req_fault_${this.#currentIndex}`;
      const [type, code] = openaiType[fault.status] ?? ['invalid_request_error', null];
      body = { error: { message, type, param: null, code } };
    } else {
      headers['request-id'] = `req_fault_${this.#currentIndex}`;
      body = {
        type: 'error',
        error: { type: anthropicType[fault.status] ?? 'api_error', message },
      };
    }
    response.writeHead(fault.status, headers);
    response.end(JSON.stringify(body));
  }

  /** A complete non-streaming answer (for requests without `stream: true`). */
  #json(
    provider: Provider,
    body: Record<string, unknown> | undefined,
    response: ServerResponse,
    reply: ScriptedReply,
  ): void {
    const text = (reply.tokens ?? []).join('');
    const calls = reply.toolCalls ?? [];
    const model = reply.model ?? (typeof body?.model === 'string' ? body.model : 'test-model');
    const usage = reply.usage ?? { input: 11, output: piecesOf(reply).length };
    const index = this.#currentIndex;
    const payload =
      provider === 'openai'
        ? {
            id: `chatcmpl-fault-${index}`,
            object: 'chat.completion',
            created: 1_700_000_000,
            model,
            choices: [
              {
                index: 0,
                message: {
                  role: 'assistant',
                  content: text || null,
                  refusal: null,
                  ...(reply.reasoning ? { reasoning_content: reply.reasoning.join('') } : {}),
                  ...(calls.length
                    ? {
                        tool_calls: calls.map((call, i) => ({
                          id: call.id ?? `call_${i}`,
                          type: 'function',
                          function: { name: call.name, arguments: toolArgsText(call) },
                        })),
                      }
                    : {}),
                },
                logprobs: null,
                finish_reason: reply.finishReason ?? (calls.length ? 'tool_calls' : 'stop'),
              },
            ],
            usage: {
              prompt_tokens: usage.input,
              completion_tokens: usage.output,
              total_tokens: usage.input + usage.output,
            },
          }
        : {
            id: `msg_fault_${index}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [
              ...(reply.reasoning
                ? [{ type: 'thinking', thinking: reply.reasoning.join(''), signature: 'sig_fault' }]
                : []),
              ...(text ? [{ type: 'text', text }] : []),
              ...calls.map((call, i) => ({
                type: 'tool_use',
                id: call.id ?? `toolu_${i}`,
                name: call.name,
                input: JSON.parse(toolArgsText(call)) as unknown,
              })),
            ],
            stop_reason: reply.finishReason ?? (calls.length ? 'tool_use' : 'end_turn'),
            stop_sequence: null,
            usage: { input_tokens: usage.input, output_tokens: usage.output },
          };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(payload));
  }

  async #stream(
    provider: Provider,
    body: Record<string, unknown> | undefined,
    response: ServerResponse,
    reply: ScriptedReply,
    stopAt: StopAt,
    gone: () => boolean,
  ): Promise<void> {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...(provider === 'openai'
        ? { 'x-request-id': `req_${this.#currentIndex}` }
        : { 'request-id': `req_${this.#currentIndex}` }),
    });
    response.flushHeaders();
    const context: StreamContext = {
      response,
      reply,
      pieces: piecesOf(reply),
      model: reply.model ?? (typeof body?.model === 'string' ? body.model : 'test-model'),
      requestIndex: this.#currentIndex,
      gone,
    };
    const writer =
      provider === 'openai' ? new OpenAiWriter(context, body) : new AnthropicWriter(context);
    writer.start();
    const limit =
      stopAt.kind === 'cut' || stopAt.kind === 'stall' || stopAt.kind === 'malformed'
        ? Math.min(stopAt.after, context.pieces.length)
        : context.pieces.length;
    for (let i = 0; i < limit; i += 1) {
      if (reply.delayMs) await sleep(reply.delayMs);
      if (gone()) return;
      writer.piece(context.pieces[i]!);
    }
    switch (stopAt.kind) {
      case 'complete':
        writer.finish(true);
        response.end();
        return;
      case 'no-end':
        if (stopAt.keepFinish) writer.finish(false);
        else writer.closeOpenBlocks();
        response.end();
        return;
      case 'cut':
        // Let the written frames reach the client before the connection dies.
        await sleep(10);
        this.#serverDestroyed.add(response);
        response.socket?.destroy();
        return;
      case 'malformed':
        writer.malformed(stopAt.line);
        response.end();
        return;
      case 'stall':
        await new Promise<void>((resolve) => {
          const release = () => {
            this.#stalled.delete(release);
            resolve();
          };
          this.#stalled.add(release);
          response.once('close', release);
        });
        return;
    }
  }
}

interface Writer {
  start(): void;
  piece(piece: Piece): void;
  /** Writes the terminal frames; `markEnd` false leaves out the very last one. */
  finish(markEnd: boolean): void;
  /** Closes whatever is open, without any terminal frame. */
  closeOpenBlocks(): void;
  malformed(line: string): void;
}

class OpenAiWriter implements Writer {
  readonly #base: Record<string, unknown>;
  constructor(
    readonly context: StreamContext,
    readonly body: Record<string, unknown> | undefined,
  ) {
    this.#base = {
      id: `chatcmpl-fault-${context.requestIndex}`,
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: context.model,
      system_fingerprint: 'fp_fault',
    };
  }

  #write(payload: unknown) {
    this.context.response.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  #choice(delta: Record<string, unknown>, finishReason: string | null = null) {
    this.#write({
      ...this.#base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  }

  start() {
    this.#choice({ role: 'assistant', content: '', refusal: null });
  }

  piece(piece: Piece) {
    if (piece.kind === 'reasoning') return this.#choice({ reasoning_content: piece.text });
    if (piece.kind === 'text') return this.#choice({ content: piece.text });
    const call = this.context.reply.toolCalls![piece.tool]!;
    if (piece.kind === 'tool-start') {
      return this.#choice({
        tool_calls: [
          {
            index: piece.tool,
            id: call.id ?? `call_${piece.tool}`,
            type: 'function',
            function: { name: call.name, arguments: '' },
          },
        ],
      });
    }
    this.#choice({ tool_calls: [{ index: piece.tool, function: { arguments: piece.text } }] });
  }

  finish(markEnd: boolean) {
    const { reply, pieces } = this.context;
    const finish = reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
    this.#choice({}, finish);
    const streamOptions = this.body?.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) {
      const usage = reply.usage ?? { input: 11, output: pieces.length };
      this.#write({
        ...this.#base,
        choices: [],
        usage: {
          prompt_tokens: usage.input,
          completion_tokens: usage.output,
          total_tokens: usage.input + usage.output,
        },
      });
    }
    if (markEnd) this.context.response.write('data: [DONE]\n\n');
  }

  closeOpenBlocks() {}

  malformed(line: string) {
    this.context.response.write(`data: ${line}\n\n`);
  }
}

class AnthropicWriter implements Writer {
  /** Index of the open content block, or -1. */
  #open = -1;
  #blockType: 'thinking' | 'text' | 'tool' | undefined;
  #openTool = -1;
  #nextIndex = 0;
  constructor(readonly context: StreamContext) {}

  #event(type: string, payload: Record<string, unknown>) {
    this.context.response.write(
      `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`,
    );
  }

  #closeBlock() {
    if (this.#open < 0) return;
    if (this.#blockType === 'thinking')
      this.#event('content_block_delta', {
        index: this.#open,
        delta: { type: 'signature_delta', signature: 'sig_fault' },
      });
    this.#event('content_block_stop', { index: this.#open });
    this.#open = -1;
    this.#blockType = undefined;
  }

  start() {
    const usage = this.context.reply.usage ?? { input: 11, output: this.context.pieces.length };
    this.#event('message_start', {
      message: {
        id: `msg_fault_${this.context.requestIndex}`,
        type: 'message',
        role: 'assistant',
        model: this.context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    });
    this.#event('ping', {});
  }

  piece(piece: Piece) {
    if (piece.kind === 'reasoning') {
      if (this.#blockType !== 'thinking') {
        this.#closeBlock();
        this.#open = this.#nextIndex++;
        this.#blockType = 'thinking';
        this.#event('content_block_start', {
          index: this.#open,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        });
      }
      this.#event('content_block_delta', {
        index: this.#open,
        delta: { type: 'thinking_delta', thinking: piece.text },
      });
      return;
    }
    if (piece.kind === 'text') {
      if (this.#blockType !== 'text') {
        this.#closeBlock();
        this.#open = this.#nextIndex++;
        this.#blockType = 'text';
        this.#event('content_block_start', {
          index: this.#open,
          content_block: { type: 'text', text: '' },
        });
      }
      this.#event('content_block_delta', {
        index: this.#open,
        delta: { type: 'text_delta', text: piece.text },
      });
      return;
    }
    const call = this.context.reply.toolCalls![piece.tool]!;
    if (piece.kind === 'tool-start' || this.#openTool !== piece.tool) {
      this.#closeBlock();
      this.#open = this.#nextIndex++;
      this.#blockType = 'tool';
      this.#openTool = piece.tool;
      this.#event('content_block_start', {
        index: this.#open,
        content_block: {
          type: 'tool_use',
          id: call.id ?? `toolu_${piece.tool}`,
          name: call.name,
          input: {},
        },
      });
      if (piece.kind === 'tool-start') return;
    }
    this.#event('content_block_delta', {
      index: this.#open,
      delta: { type: 'input_json_delta', partial_json: piece.text },
    });
  }

  finish(markEnd: boolean) {
    this.#closeBlock();
    const { reply, pieces } = this.context;
    const usage = reply.usage ?? { input: 11, output: pieces.length };
    this.#event('message_delta', {
      delta: {
        stop_reason: reply.finishReason ?? (reply.toolCalls?.length ? 'tool_use' : 'end_turn'),
        stop_sequence: null,
      },
      usage: { output_tokens: usage.output },
    });
    if (markEnd) this.#event('message_stop', {});
  }

  closeOpenBlocks() {
    this.#closeBlock();
  }

  malformed(line: string) {
    this.context.response.write(`event: content_block_delta\ndata: ${line}\n\n`);
  }
}
