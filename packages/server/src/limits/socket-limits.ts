import { type ProtocolError, type Result } from 'svelte-langserve/protocol';
import type { LimitsConfig } from '../config.js';
import { admitRuns, messageLengthRefusal, rateRefusal } from '../edge/policy.js';
import type { RunAdmission, RunManager } from '../runs/run-manager.js';
import { TokenBucket } from './token-bucket.js';

const failed = (error: ProtocolError): Result<never> => ({ ok: false, error });

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
    return retryAfterMs === 0 ? null : failed(rateRefusal(this.config, retryAfterMs));
  }

  /** A refusal (`message_length`) when `text` is longer than the configured maximum. */
  messageLength(text: string): Result<never> | null {
    const refusal = messageLengthRefusal(this.config, text);
    return refusal ? failed(refusal) : null;
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
    const admitted = admitRuns(this.#runs, this.config, {
      userId,
      count: send.count,
      sendKey: `${send.conversationId}\u0000${send.clientMessageId}`,
    });
    return 'admission' in admitted ? admitted : { refusal: failed(admitted.refusal) };
  }
}
