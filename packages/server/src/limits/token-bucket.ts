/**
 * A token bucket: holds at most `capacity` tokens, refilled at `ratePerSecond`. Each request
 * takes one token; an empty bucket refuses and says when the next token will be there.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: { ratePerSecond: number; capacity: number; now?: () => number }) {
    if (!(options.ratePerSecond > 0) || !(options.capacity >= 1))
      throw new RangeError('A token bucket needs a positive rate and a capacity of at least 1.');
    this.#ratePerMs = options.ratePerSecond / 1000;
    this.#capacity = options.capacity;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = options.capacity;
    this.#updatedAt = this.#now();
  }

  /** Whether the bucket is full (an idle bucket that can be forgotten). */
  get full(): boolean {
    this.#refill();
    return this.#tokens >= this.#capacity;
  }

  /**
   * Takes one token. Returns 0 when it was available, else the milliseconds until one will be
   * (at least 1); a refused call takes nothing.
   */
  take(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#ratePerMs));
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#capacity,
      this.#tokens + Math.max(0, now - this.#updatedAt) * this.#ratePerMs,
    );
    this.#updatedAt = now;
  }
}

/**
 * One {@link TokenBucket} per key (e.g. per client IP address). Buckets that have refilled are
 * forgotten when the map grows, so memory stays bounded by the number of active keys.
 */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #options: { ratePerSecond: number; capacity: number; now?: () => number };
  readonly #sweepAt: number;

  constructor(options: {
    ratePerSecond: number;
    capacity: number;
    now?: () => number;
    /** Sweep full buckets once this many keys are held. @default 10000 */
    sweepAt?: number;
  }) {
    this.#options = options;
    this.#sweepAt = options.sweepAt ?? 10_000;
  }

  /** Takes one token of `key`'s bucket: 0 when allowed, else milliseconds to wait. */
  take(key: string): number {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep();
      bucket = new TokenBucket(this.#options);
      this.#buckets.set(key, bucket);
    }
    return bucket.take();
  }

  #sweep(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.full) this.#buckets.delete(key);
  }
}
