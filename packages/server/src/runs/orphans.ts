import type { FastifyBaseLogger } from 'fastify';
import type { ConversationStore, OrphanedRun } from '../conversations/store.js';
import { ORPHANED_RUN_ERROR } from './errors.js';

export interface OrphanSweeperOptions {
  store: ConversationStore;
  /** This server instance (recorded on its runs). */
  instanceId: string;
  /**
   * Whether other instances share the database (PostgreSQL). Shared: a heartbeat every
   * `heartbeatMs`, and runs of instances silent for `leaseMs` are interrupted. Not shared (a
   * SQLite file serves one process): at start-up, every run left running is interrupted.
   */
  shared: boolean;
  heartbeatMs: number;
  leaseMs: number;
  logger: FastifyBaseLogger;
  /** Called with the runs a sweep ended (their messages are stored as interrupted). */
  onInterrupted(runs: OrphanedRun[]): void | Promise<void>;
}

/**
 * Ends the answers that a server instance which died (SIGKILL, crash, lost machine) left
 * `running`, so no client waits on them forever (ADR 0017).
 */
export class OrphanSweeper {
  readonly #options: OrphanSweeperOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #sweeping: Promise<void> | undefined;

  constructor(options: OrphanSweeperOptions) {
    this.#options = options;
  }

  /** Records this instance and sweeps once; shared databases keep sweeping until {@link stop}. */
  async start(): Promise<void> {
    await this.#tick();
    if (!this.#options.shared) return;
    this.#timer = setInterval(() => {
      // A sweep still running (a slow database) is not overlapped.
      this.#sweeping ??= this.#tick()
        .catch((error: unknown) =>
          this.#options.logger.error({ err: error }, 'instance heartbeat or orphan sweep failed'),
        )
        .finally(() => (this.#sweeping = undefined));
    }, this.#options.heartbeatMs);
    this.#timer.unref();
  }

  /** Stops the heartbeat; resolves when a sweep in progress has finished. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
  }

  async #tick(): Promise<void> {
    const { store, instanceId, shared, leaseMs } = this.#options;
    const now = Date.now();
    await store.heartbeat(instanceId, new Date(now).toISOString());
    const ended = await store.interruptOrphanedRuns(ORPHANED_RUN_ERROR, {
      instanceId,
      ...(shared ? { staleBefore: new Date(now - leaseMs).toISOString() } : {}),
    });
    if (ended.length === 0) return;
    this.#options.logger.warn(
      { runIds: ended.map((run) => run.runId) },
      'runs left running by a server instance that is gone: interrupted',
    );
    await this.#options.onInterrupted(ended);
  }
}
