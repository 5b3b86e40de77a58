import { fail, type ProtocolError, type Result } from 'svelte-langserve/protocol';
import type { Agent } from '../agents/agent.js';
import { TokenError, type TokenAuthority } from '../auth/tokens.js';
import type { LimitsConfig } from '../config.js';
import type { RunAdmission, RunManager } from '../runs/run-manager.js';

/**
 * The one policy both edges apply, sockets and the LangServe HTTP routes alike: who the caller
 * is, how fast they may ask, how many answers they may have streaming, and whether the server
 * takes new work. Each decision is transport-neutral: a value, or a typed {@link ProtocolError}
 * that the socket edge acknowledges as is and the HTTP edge sends with {@link httpStatusOf}.
 */

/** The user requests act for when no token is sent (development only). */
export const ANONYMOUS_USER_ID = 'anonymous';

/** Whether `value` is a refusal (not an {@link Identity} or an admission). */
export const isRefusal = (value: object): value is ProtocolError => 'code' in value;

/** Who a request acts for. */
export interface Identity {
  /** The token's `sub`, or {@link ANONYMOUS_USER_ID}. */
  userId: string;
  name?: string;
  /** The token's `exp`, in ms since the epoch. */
  expiresAt?: number;
}

/** The error of a failed result (`fail` always fails). */
const refusal = (result: Result<never>): ProtocolError => {
  if (result.ok) throw new Error('unreachable: fail() succeeded');
  return result.error;
};

/**
 * Verifies a bearer token: a valid one → its identity; an invalid or expired one → an
 * `unauthenticated` refusal saying why; none → the anonymous user in development, a refusal in
 * production (`missingToken` says where the edge expects the token).
 */
export async function identify(
  token: string | undefined,
  options: { authority: TokenAuthority; production: boolean; missingToken: string },
): Promise<Identity | ProtocolError> {
  if (token === undefined || token === '') {
    if (options.production) return refusal(fail('unauthenticated', options.missingToken));
    return { userId: ANONYMOUS_USER_ID };
  }
  try {
    const identity = await options.authority.verify(token);
    return {
      userId: identity.userId,
      expiresAt: identity.expiresAt,
      ...(identity.name !== undefined ? { name: identity.name } : {}),
    };
  } catch (error) {
    const reason = error instanceof TokenError ? error.message : 'The token could not be verified.';
    return refusal(fail('unauthenticated', reason));
  }
}

/** The refusal of a request over the rate budget (`retryAfterMs` from the token bucket). */
export function rateRefusal(limits: LimitsConfig, retryAfterMs: number): ProtocolError {
  return refusal(
    fail(
      'limit_exceeded',
      `Too many requests: at most ${limits.eventsPerSecond} per second (bursts of ${limits.eventBurst}). Try again in ${retryAfterMs} ms.`,
      { limit: 'rate', retryAfterMs, retryable: true },
    ),
  );
}

/** A refusal (`message_length`) when `text` is longer than the configured maximum. */
export function messageLengthRefusal(limits: LimitsConfig, text: string): ProtocolError | null {
  const max = limits.maxMessageLength;
  if (text.length <= max) return null;
  return refusal(
    fail(
      'limit_exceeded',
      `The message is too long: ${text.length} characters, at most ${max} are accepted.`,
      { limit: 'message_length', retryable: false },
    ),
  );
}

/**
 * Admits `count` new runs for `userId`: the server must be open, every agent configured, and
 * the user's live runs (sockets and HTTP together) within `limits.concurrentRunsPerUser`. Bind
 * the admission to the runs once they are stored, or release it if that fails.
 */
export function admitRuns(
  runs: RunManager,
  limits: LimitsConfig,
  request: { userId: string; count: number; sendKey: string; agents?: readonly Agent[] },
): { admission: RunAdmission } | { refusal: ProtocolError } {
  if (runs.closing)
    return {
      refusal: refusal(
        fail('unavailable', 'The server is shutting down. Try again.', { retryable: true }),
      ),
    };
  for (const agent of request.agents ?? []) {
    const health = agent.health.current;
    if (health.status === 'unconfigured')
      return {
        refusal: refusal(
          fail(
            'unavailable',
            `${agent.info.name} is not configured: ${health.reason ?? 'its provider lacks settings'}`,
          ),
        ),
      };
  }
  const limit = limits.concurrentRunsPerUser;
  const admission = runs.admitRuns({
    userId: request.userId,
    count: request.count,
    limit,
    sendKey: request.sendKey,
  });
  if (admission) return { admission };
  return {
    refusal: refusal(
      fail(
        'limit_exceeded',
        `Too many answers streaming: at most ${limit} runs per user at once. Wait for one to end or cancel one.`,
        { limit: 'concurrent_runs', retryable: true },
      ),
    ),
  };
}

/** The HTTP status of a refusal. */
export function httpStatusOf(error: ProtocolError): number {
  switch (error.code) {
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'unavailable':
      return 503;
    case 'limit_exceeded':
      return error.limit === 'message_length' || error.limit === 'payload_size' ? 413 : 429;
    case 'invalid_payload':
      return 400;
    default:
      return 500;
  }
}
