/** Limits and retry policy of a run. */
export interface RunPolicy {
  /** The run fails (and its model call is aborted) when it has not ended after this, in ms. */
  timeoutMs: number;
  /** A model stream silent for this long is abandoned, in ms. */
  idleTimeoutMs: number;
  /** Model calls when they fail before the first token (1 = no retry). */
  maxAttempts: number;
  /** First retry delay without Retry-After, doubling per attempt, in ms. */
  retryBaseDelayMs: number;
}

/** The policy used when none is given (the configuration's defaults). */
export const DEFAULT_RUN_POLICY: RunPolicy = {
  timeoutMs: 300_000,
  idleTimeoutMs: 60_000,
  maxAttempts: 3,
  retryBaseDelayMs: 500,
};

/** A model stream that went silent for longer than the idle timeout. */
export class ModelIdleTimeoutError extends Error {
  readonly code = 'model_idle_timeout';
  constructor(readonly timeoutMs: number) {
    super(`The model sent nothing for ${timeoutMs} ms.`);
    this.name = 'ModelIdleTimeoutError';
  }
}

/** A run that went past its timeout. */
export class RunTimeoutError extends Error {
  readonly code = 'run_timeout';
  constructor(readonly timeoutMs: number) {
    super(`The run did not end within ${timeoutMs} ms.`);
    this.name = 'RunTimeoutError';
  }
}

/** An answer whose stream ended without the provider's end marker (finish or stop reason). */
export class IncompleteAnswerError extends Error {
  readonly code = 'incomplete_answer';
  constructor() {
    super('The model stream ended without a finish reason.');
    this.name = 'IncompleteAnswerError';
  }
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

function* causes(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/** The HTTP status of a provider error (its own, or its cause's). */
export function statusOf(error: unknown): number | undefined {
  for (const entry of causes(error)) if (typeof entry.status === 'number') return entry.status;
  return undefined;
}

/**
 * Whether a failure before the first token is worth another attempt: rate limits, server
 * errors, overload, connection resets and timeouts. Bad requests, auth and unknown models are
 * not.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ModelIdleTimeoutError) return true;
  const status = statusOf(error);
  if (status !== undefined) return RETRYABLE_STATUS.has(status);
  for (const entry of causes(error)) {
    if (typeof entry.code === 'string' && NETWORK_CODES.has(entry.code)) return true;
    const name = entry.name;
    if (name === 'APIConnectionError' || name === 'APIConnectionTimeoutError') return true;
    if (entry.lc_error_code === 'MODEL_RATE_LIMIT') return true;
  }
  return false;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const value = record[name] ?? record[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The wait the provider asked for, in ms: `retry-after-ms`, or `Retry-After` as seconds or an
 * HTTP date. Undefined when the error carries neither.
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  for (const entry of causes(error)) {
    const headers = entry.headers ?? (entry.response as { headers?: unknown } | undefined)?.headers;
    const ms = header(headers, 'retry-after-ms');
    if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
    const value = header(headers, 'retry-after');
    if (value === undefined) continue;
    if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.max(0, Number(value) * 1000);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/**
 * How long to wait before attempt `attempt + 1`: what the provider asked for, else exponential
 * backoff from `baseMs` (doubling per attempt) with ±25 % jitter.
 */
export function retryDelayMs(error: unknown, attempt: number, baseMs: number): number {
  const asked = retryAfterMs(error);
  if (asked !== undefined) return asked;
  const backoff = baseMs * 2 ** (attempt - 1);
  return Math.round(backoff * (0.75 + Math.random() * 0.5));
}

/**
 * The wait before another attempt, after `error` ended attempt `attempt` before anything was
 * shown; undefined when there is none: the error is not retryable, the policy's attempts are
 * used up, or the wait would not end before the run's timeout (the run started at `startedAt`,
 * a `performance.now()` time).
 */
export function nextAttemptDelay(
  error: unknown,
  attempt: number,
  policy: RunPolicy,
  startedAt: number,
): number | undefined {
  if (attempt >= policy.maxAttempts || !isRetryable(error)) return undefined;
  const delay = retryDelayMs(error, attempt, policy.retryBaseDelayMs);
  const left = startedAt + policy.timeoutMs - performance.now();
  return delay < left ? delay : undefined;
}

/**
 * The abort signal of one model call attempt: aborted with the run's reason when the run's
 * signal aborts, or with a {@link ModelIdleTimeoutError} when the stream was silent (no
 * {@link AttemptSignal.touch}) for the idle timeout. {@link AttemptSignal.close} stops both.
 */
export class AttemptSignal {
  readonly #controller = new AbortController();
  readonly #run: AbortSignal;
  readonly #idleTimeoutMs: number;
  readonly #forward = () => this.#controller.abort(this.#run.reason);
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(run: AbortSignal, idleTimeoutMs: number) {
    this.#run = run;
    this.#idleTimeoutMs = idleTimeoutMs;
    run.addEventListener('abort', this.#forward, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The stream is alive: the idle timeout starts again. */
  touch(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(
      () => this.#controller.abort(new ModelIdleTimeoutError(this.#idleTimeoutMs)),
      this.#idleTimeoutMs,
    );
  }

  /** The attempt is over: no idle timeout, no forwarding of the run's abort. */
  close(): void {
    clearTimeout(this.#idleTimer);
    this.#run.removeEventListener('abort', this.#forward);
  }
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
