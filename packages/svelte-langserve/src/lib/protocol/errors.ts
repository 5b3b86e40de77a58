/**
 * Every error code a request can answer with. Closed: clients can switch over it.
 *
 * - `invalid_payload`: the payload did not match the event's schema; nothing changed.
 * - `not_found`: the conversation, message, run or agent does not exist (or is not yours).
 * - `conflict`: the request is valid but the target is in a state that forbids it.
 * - `unavailable`: the agent or a backing service cannot take the request now.
 * - `internal`: an unexpected server fault; the server logged it and keeps running.
 */
export type ErrorCode =
  | 'invalid_payload'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'limit_exceeded'
  | 'unavailable'
  | 'internal';

/** All error codes, for runtime checks. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_payload',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'limit_exceeded',
  'unavailable',
  'internal',
] as const;

/** A typed error carried in a failed acknowledgement. */
export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** Whether sending the same request again may succeed. */
  retryable: boolean;
  /** For `invalid_payload`: which fields were wrong, as `path: reason` strings. */
  issues?: string[];
  /** For `limit_exceeded`: which limit (`rate`, `concurrent_runs`, `payload_size`, `message_length`). */
  limit?: LimitName;
  /** For `limit_exceeded`: when trying again may succeed, in ms. */
  retryAfterMs?: number;
}

/** The limits a server enforces; a refusal names one. */
export type LimitName = 'rate' | 'concurrent_runs' | 'payload_size' | 'message_length';

/** What every request's acknowledgement carries: data, or a typed error. Never a throw. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

/** Builds a successful {@link Result}. */
export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

/** Builds a failed {@link Result}. `retryable` defaults to true only for `unavailable`. */
export function fail<T = never>(
  code: ErrorCode,
  message: string,
  extra: { retryable?: boolean; issues?: string[]; limit?: LimitName; retryAfterMs?: number } = {},
): Result<T> {
  const error: ProtocolError = {
    code,
    message,
    retryable: extra.retryable ?? code === 'unavailable',
  };
  if (extra.issues) error.issues = extra.issues;
  if (extra.limit) error.limit = extra.limit;
  if (extra.retryAfterMs !== undefined) error.retryAfterMs = extra.retryAfterMs;
  return { ok: false, error };
}
