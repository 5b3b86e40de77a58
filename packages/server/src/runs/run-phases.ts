import type { MessageStatus, RunStatus, RunTerminalStatus } from 'svelte-langserve/protocol';

/** The status a run's stored message takes when the run ends with a status. */
export const messageStatusOf: Record<RunTerminalStatus, MessageStatus> = {
  completed: 'complete',
  cancelled: 'cancelled',
  failed: 'failed',
  interrupted: 'interrupted',
};

/**
 * The lifecycle of a run.
 *
 * - `pending`: created and announced in the send's acknowledgement; no event emitted yet.
 * - `running`: the start event is out and the agent's graph is streaming.
 * - `retrying`: an attempt failed before anything was shown and the run waits to try again;
 *   nothing is emitted, but the run is live and ends (cancel, timeout, shutdown) as when running.
 * - `ended`: the one terminal event is out (or, for a pending run interrupted by shutdown, the
 *   store says `interrupted`); nothing more is emitted.
 *
 * Legal transitions: `pending → running` ({@link RunPhases.start}), `pending → ended`
 * ({@link RunPhases.endUnstarted}), `running ⇄ retrying` ({@link RunPhases.retry},
 * {@link RunPhases.resume}), `running | retrying → ended` ({@link RunPhases.end}).
 */
export type RunPhase = 'pending' | 'running' | 'retrying' | 'ended';

/**
 * A run's phase machine, with the status it reports: `running` until the run ends, then its
 * terminal status (and error). Each transition returns whether it was legal; an illegal one
 * changes nothing.
 */
export class RunPhases {
  #phase: RunPhase = 'pending';
  #status: RunStatus = 'running';
  /** A terminal status asked for before the run started. */
  #pendingEnd: RunTerminalStatus | null = null;
  #error: string | undefined;

  get phase(): RunPhase {
    return this.#phase;
  }

  /** Whether the run has not ended yet. */
  get live(): boolean {
    return this.#phase !== 'ended';
  }

  /** Whether the graph is streaming: the run takes output and emits events. */
  get running(): boolean {
    return this.#phase === 'running';
  }

  /** The run's status: `running`, or the terminal status it ended with. */
  get status(): RunStatus {
    return this.#status;
  }

  /** The status the protocol reports: a terminal status asked for before start counts already. */
  get reportedStatus(): RunStatus {
    return this.#pendingEnd ?? this.#status;
  }

  /** The terminal status asked for before the run started, if any. */
  get pendingEnd(): RunTerminalStatus | null {
    return this.#pendingEnd;
  }

  /** The error the run ended with (user-safe), if any. */
  get error(): string | undefined {
    return this.#error;
  }

  /** The status the stored message has right now. */
  get messageStatus(): MessageStatus {
    return this.#status === 'running' ? 'streaming' : messageStatusOf[this.#status];
  }

  /** `pending → running`. */
  start(): boolean {
    if (this.#phase !== 'pending') return false;
    this.#phase = 'running';
    return true;
  }

  /**
   * Asks a pending run to end as `status` as soon as it starts (it then starts and ends at once,
   * keeping start → end order). False when the run is not pending or an end was asked already.
   */
  requestEnd(status: RunTerminalStatus): boolean {
    if (this.#phase !== 'pending' || this.#pendingEnd) return false;
    this.#pendingEnd = status;
    return true;
  }

  /**
   * `pending → ended` with `status`, for a run nobody saw start (an end asked for before is
   * overtaken).
   */
  endUnstarted(status: RunTerminalStatus): boolean {
    if (this.#phase !== 'pending') return false;
    this.#phase = 'ended';
    this.#status = status;
    this.#pendingEnd = null;
    return true;
  }

  /** `running → retrying`. */
  retry(): boolean {
    if (this.#phase !== 'running') return false;
    this.#phase = 'retrying';
    return true;
  }

  /** `retrying → running`. */
  resume(): boolean {
    if (this.#phase !== 'retrying') return false;
    this.#phase = 'running';
    return true;
  }

  /**
   * `running | retrying → ended`. The status is recorded apart, with {@link RunPhases.settle}:
   * the run flushes its buffered text in between, still as part of a running answer.
   */
  end(): boolean {
    if (this.#phase !== 'running' && this.#phase !== 'retrying') return false;
    this.#phase = 'ended';
    return true;
  }

  /** Records the terminal status (and error) of a run that {@link RunPhases.end}ed. */
  settle(status: RunTerminalStatus, error: string | undefined): void {
    this.#status = status;
    this.#error = error;
  }
}
