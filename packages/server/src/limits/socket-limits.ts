import { fail, type Result } from 'svelte-langserve/protocol';
import type { LimitsConfig } from '../config.js';
import type { RunAdmission, RunManager } from '../runs/run-manager.js';
import { TokenBucket } from './token-bucket.js';

/**
 * The limits one socket's requests are held to. Each refusal is a `limit_exceeded` error that
 * names its limit; nothing runs and nothing is stored. (Oversized frames never reach this far:
 * Socket.IO's `maxHttpBufferSize` closes the connection.)
 */
export class SocketLimits {
  readonly config: LimitsConfig;
  readonly #rate: TokenBucket;
  readonly #runs: RunManager;

  constructor(config: LimitsConfig, runs: RunManager) {
    this.config = config;
    this.#runs = runs;
    this.#rate = new TokenBucket({
      ratePerSecond: config.eventsPerSecond,
      capacity: config.eventBurst,
    });
  }

  /** Takes one request from the socket's budget; a refusal (`rate`) when it is spent. */
  request(): Result<never> | null {
    const retryAfterMs = this.#rate.take();
    if (retryAfterMs === 0) return null;
    return fail(
      'limit_exceeded',
      `Too many requests: at most ${this.config.eventsPerSecond} per second (bursts of ${this.config.eventBurst}). Try again in ${retryAfterMs} ms.`,
      { limit: 'rate', retryAfterMs, retryable: true },
    );
  }

  /** A refusal (`message_length`) when `text` is longer than the configured maximum. */
  messageLength(text: string): Result<never> | null {
    const max = this.config.maxMessageLength;
    if (text.length <= max) return null;
    return fail(
      'limit_exceeded',
      `The message is too long: ${text.length} characters, at most ${max} are accepted.`,
      { limit: 'message_length', retryable: false },
    );
  }

  /**
   * Admits a `messages:send` by `userId` that starts `count` runs, or refuses it
   * (`concurrent_runs`) when the user's live runs would exceed the limit. Bind the admission
   * to the send's runs once it is stored, or release it if the send fails.
   */
  admitRuns(
    userId: string,
    send: { conversationId: string; clientMessageId: string; count: number },
  ): { admission: RunAdmission } | { refusal: Result<never> } {
    const limit = this.config.concurrentRunsPerUser;
    const admission = this.#runs.admitRuns({
      userId,
      count: send.count,
      limit,
      sendKey: `${send.conversationId}\u0000${send.clientMessageId}`,
    });
    if (admission) return { admission };
    return {
      refusal: fail(
        'limit_exceeded',
        `Too many answers streaming: at most ${limit} runs per user at once. Wait for one to end or cancel one.`,
        { limit: 'concurrent_runs', retryable: true },
      ),
    };
  }
}
