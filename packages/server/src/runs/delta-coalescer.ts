/** The kinds of streamed text a run coalesces. */
export type DeltaType = 'text-delta' | 'reasoning-delta';

/** What a {@link DeltaCoalescer} needs. */
export interface DeltaCoalescerOptions {
  /** Shortest time between two flushes (coalesced delta events), in ms. */
  intervalMs: number;
  /** Whether a flush due on the timer may still go out (the run is running). */
  open(): boolean;
  /** Whether the answer's last part is reasoning (a reasoning delta then continues it). */
  inReasoning(): boolean;
  /**
   * Sends buffered text as one delta. `durationMs` is, for reasoning, the time since the
   * reasoning part got its first token.
   */
  deliver(type: DeltaType, text: string, durationMs: number): void;
}

/**
 * Buffers a run's answer text and reasoning and sends it as coalesced deltas: the first at once,
 * later ones at most once per interval, and what is buffered before a delta of another kind.
 */
export class DeltaCoalescer {
  readonly #options: DeltaCoalescerOptions;
  /** Text received from the model but not emitted yet, of the kind `#type` says. */
  #buffer = '';
  #type: DeltaType = 'text-delta';
  /** When the reasoning part being streamed got its first token (for its `durationMs`). */
  #reasoningStartedAt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastDeltaAt = 0;

  constructor(options: DeltaCoalescerOptions) {
    this.#options = options;
  }

  /** Whether nothing is buffered. */
  get empty(): boolean {
    return this.#buffer.length === 0;
  }

  /** Buffers answer text or reasoning; a change of kind sends what was buffered first. */
  push(text: string, type: DeltaType): void {
    if (type !== this.#type) {
      this.flush();
      this.#type = type;
    }
    if (type === 'reasoning-delta' && this.#buffer.length === 0 && !this.#options.inReasoning())
      this.#reasoningStartedAt = performance.now();
    this.#buffer += text;
    const interval = this.#options.intervalMs;
    // The first delta goes out at once; later ones at most once per interval.
    if (this.#lastDeltaAt === 0) {
      this.flush();
      return;
    }
    if (this.#timer) return;
    const wait = this.#lastDeltaAt + interval - performance.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#options.open()) this.flush();
    }, wait);
  }

  /** Sends what is buffered now (if anything), and drops a pending timed flush. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#buffer.length === 0) return;
    const text = this.#buffer;
    this.#buffer = '';
    this.#lastDeltaAt = performance.now();
    this.#options.deliver(
      this.#type,
      text,
      Math.round(this.#lastDeltaAt - this.#reasoningStartedAt),
    );
  }
}
