import type { FastifyReply } from 'fastify';
import {
  fail,
  type ErrorCode,
  type LimitName,
  type ProtocolError,
} from 'svelte-langserve/protocol';
import { httpStatusOf } from '../edge/policy.js';

/** Extra fields of an error body. */
export interface ErrorExtra {
  issues?: string[];
  limit?: LimitName;
  retryAfterMs?: number;
  retryable?: boolean;
}

/**
 * What a LangServe client shows of an error: the message, followed by the issues when there
 * are any (`Invalid input: input.0: …; input.1: …`).
 */
export function shownMessage(message: string, issues: readonly string[] = []): string {
  return issues.length > 0 ? `${message.replace(/\.$/, '')}: ${issues.join('; ')}` : message;
}

/**
 * The JSON body of an HTTP error, readable by LangServe's clients and by ours (ADR 0023):
 *
 * - `detail`: the message, where LangServe (FastAPI's `HTTPException`) puts it;
 * - `message`: the same, where LangChain.js's `RemoteRunnable.stream` reads it;
 * - `error`: the protocol's typed error, `{ code, message, retryable, issues?, limit?,
 *   retryAfterMs? }`.
 *
 * `detail` and `message` carry the issues of an `invalid_payload` too, since LangServe clients
 * show only that text.
 */
export function errorBody(code: ErrorCode, message: string, extra: ErrorExtra = {}) {
  const result = fail(code, message, extra);
  const shown = shownMessage(message, extra.issues);
  return { detail: shown, message: shown, error: result.ok ? undefined : result.error };
}

/**
 * The data of an `error` event that ends a failed stream: LangServe's `{ status_code,
 * message }` (what its clients read) and the typed `error`.
 */
export function streamErrorData(status: number, code: ErrorCode, message: string) {
  const result = fail(code, message);
  return { status_code: status, message, error: result.ok ? undefined : result.error };
}

/** Sends an error reply (with `Retry-After` when the error says when to retry). */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  extra: ErrorExtra = {},
): FastifyReply {
  if (extra.retryAfterMs !== undefined)
    reply.header('Retry-After', String(Math.max(1, Math.ceil(extra.retryAfterMs / 1000))));
  return reply
    .code(status)
    .type('application/json')
    .send(errorBody(code, message, extra));
}

/** Sends an edge policy's refusal with its HTTP status (see `httpStatusOf`). */
export function sendRefusal(reply: FastifyReply, error: ProtocolError): FastifyReply {
  return sendError(reply, httpStatusOf(error), error.code, error.message, {
    retryable: error.retryable,
    ...(error.issues ? { issues: error.issues } : {}),
    ...(error.limit ? { limit: error.limit } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  });
}

/**
 * A server-sent event stream on a hijacked reply, in LangServe's framing: `event: <name>` and
 * one `data:` line of JSON (no data for `end`). Writes wait for the socket to drain.
 */
export class EventStream {
  readonly #reply: FastifyReply;

  constructor(reply: FastifyReply) {
    this.#reply = reply;
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }

  /** Whether the connection can still be written to. */
  get open(): boolean {
    const raw = this.#reply.raw;
    return !raw.writableEnded && !raw.destroyed;
  }

  /** Sends one event; resolves once it is handed to the socket (or the socket is gone). */
  async send(event: 'metadata' | 'data' | 'error' | 'end', data?: unknown): Promise<void> {
    if (!this.open) return;
    const raw = this.#reply.raw;
    const frame =
      data === undefined
        ? `event: ${event}\n\n`
        : `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    if (raw.write(frame)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.once('drain', done);
      raw.once('close', done);
    });
  }

  /** Ends the stream. */
  end(): void {
    if (this.open) this.#reply.raw.end();
  }
}
