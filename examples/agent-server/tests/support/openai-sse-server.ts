import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake OpenAI server received. */
export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: {
    model?: string;
    stream?: boolean;
    messages?: Array<{ role: string; content: unknown }>;
  };
}

/**
 * A local HTTP server that speaks OpenAI's Chat Completions streaming format
 * (`data: {choices:[{delta:{content}}]}` lines, then `data: [DONE]`), for driving the real
 * `ChatOpenAI` client with no network.
 */
export class OpenAiSseServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose connection the client closed before the answer ended. */
  abortedRequests = 0;
  tokens: string[];
  delayMs: number;
  /** Answer with this HTTP status and an OpenAI-style error instead of streaming. */
  failStatus: number | undefined;
  readonly #server: Server;

  constructor(options: { tokens: string[]; delayMs?: number; failStatus?: number }) {
    this.tokens = options.tokens;
    this.delayMs = options.delayMs ?? 0;
    this.failStatus = options.failStatus;
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
  }

  /** The base URL to configure (`.../v1`). */
  get baseURL(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: import('node:http').ServerResponse) {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    this.requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      body: JSON.parse(raw || '{}'),
    });
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    if (this.failStatus) {
      response.writeHead(this.failStatus, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: {
            message: 'Incorrect API key provided: sk-SECRET',
            type: 'invalid_request_error',
          },
        }),
      );
      return;
    }
    let closed = false;
    response.on('close', () => {
      if (!response.writableFinished) {
        closed = true;
        this.abortedRequests += 1;
      }
    });
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const base = {
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-test',
    };
    const send = (choice: Record<string, unknown>) =>
      response.write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, ...choice }] })}\n\n`,
      );
    send({ delta: { role: 'assistant', content: '' }, finish_reason: null });
    for (const token of this.tokens) {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (closed) return;
      send({ delta: { content: token }, finish_reason: null });
    }
    send({ delta: {}, finish_reason: 'stop' });
    response.write('data: [DONE]\n\n');
    response.end();
  }
}
