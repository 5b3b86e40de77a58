import { randomUUID } from 'node:crypto';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { FastifyBaseLogger } from 'fastify';
import type { Message, RunEvent, RunInfo } from 'svelte-langserve/protocol';
import type { Agent } from '../agents/agent.js';
import {
  runInfoFromRecord,
  type ConversationStore,
  type RunRecord,
} from '../conversations/store.js';
import type { RunSettings } from 'svelte-langserve/protocol';
import { Run, type RunPolicy } from './run.js';

/** Options for {@link RunManager}. */
export interface RunManagerOptions {
  store: ConversationStore;
  /** Delivers a run's event to its conversation's room. */
  emit: (conversationId: string, event: RunEvent) => void;
  flushIntervalMs: number;
  logger: FastifyBaseLogger;
  /**
   * How long an ended run (with its events) stays in memory after its final state is stored, in
   * ms: a client that re-joins within this time has the events it missed replayed; later it is
   * told the run is `unreplayable` and takes the stored answer. @default DEFAULT_RETAIN_ENDED_RUNS_MS
   */
  retainEndedRunsMs?: number;
  /** At most this many ended runs stay in memory, however recent. @default 500 */
  retainEndedRuns?: number;
  /** Timeouts and retries of every run. @default DEFAULT_RUN_POLICY */
  policy?: RunPolicy;
  /** On shutdown, how long live runs may finish before they are interrupted, in ms. @default 0 */
  shutdownGraceMs?: number;
  /** This server instance, recorded on every run (see `ConversationStore.heartbeat`). */
  instanceId?: string;
  /** The app's LangGraph checkpointer (read when a run starts; see `RunOptions.checkpointer`). */
  checkpointer?: () => BaseCheckpointSaver;
}

/**
 * How long ended runs are kept for replay by default: a minute covers a dropped connection's
 * reconnects (the library's client retries within seconds) and a page reload.
 */
export const DEFAULT_RETAIN_ENDED_RUNS_MS = 60_000;

/** An agent to run and the settings it runs with (see {@link RunManager.prepare}). */
export interface PlannedRun {
  agent: Agent;
  settings?: RunSettings;
}

/** What {@link RunManager.cancel} reports. */
export type CancelOutcome =
  | { outcome: 'cancelled'; run: RunInfo }
  | { outcome: 'ended'; run: RunInfo }
  | { outcome: 'not_found' };

/** Run slots held for a send while it is stored (see {@link RunManager.admitRuns}). */
export interface RunAdmission {
  /** The send is stored: its runs now count for the user; the reservation is dropped. */
  bind(runs: readonly Run[]): void;
  /** The send failed: the reservation is dropped. */
  release(): void;
}

/**
 * Does `work` (the store writes that create runs) holding `admission`: released if `work`
 * throws, else bound to the runs `runsOf` finds in its result.
 */
export async function underAdmission<T>(
  admission: RunAdmission,
  work: () => Promise<T>,
  runsOf: (result: T) => readonly Run[],
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    admission.release();
    throw error;
  }
  admission.bind(runsOf(result));
  return result;
}

/**
 * Creates, tracks, cancels and interrupts runs. Live runs are kept in memory, and so are ended
 * ones, with their emitted events, for `retainEndedRunsMs` after they are stored (at most
 * `retainEndedRuns` of them): long enough for a late re-join to have its missed events replayed.
 */
export class RunManager {
  readonly #options: RunManagerOptions;
  readonly #runs = new Map<string, Run>();
  /** Ended runs still held, oldest first, with when they were retired (`performance.now()`). */
  readonly #ended: Array<{ runId: string; at: number }> = [];
  /** Drops the oldest ended run when its retention period is over. */
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Who started each live run (the sender's user id) and by which send, if known. */
  readonly #owners = new Map<string, { userId: string; sendKey?: string }>();
  /** Run slots reserved for sends still being stored. */
  readonly #reservations = new Set<{ userId: string; sendKey: string; count: number }>();
  #closing = false;

  constructor(options: RunManagerOptions) {
    this.#options = options;
  }

  /** Whether {@link RunManager.shutdown} has begun (no new runs are accepted). */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Creates one run per planned agent answering `trigger`. One transaction
   * (`ConversationStore.createRuns`) stores each run's record and empty `streaming` answer, and
   * first `trigger` itself with `storeTrigger` (a new user message): a crash never leaves a user
   * message without its runs. With `onlyIfUnanswered`, nothing is created (`[]`) when `trigger`
   * has runs already. The runs emit nothing until {@link Run.start}.
   */
  async prepare(
    trigger: Message,
    planned: readonly PlannedRun[],
    options: { storeTrigger?: boolean; onlyIfUnanswered?: boolean } = {},
  ): Promise<Run[]> {
    const { store, instanceId } = this.#options;
    const createdAt = new Date().toISOString();
    const drafts = planned.map(({ agent, settings }) => {
      const id = randomUUID();
      const answer: Message = {
        id: randomUUID(),
        conversationId: trigger.conversationId,
        role: 'assistant',
        parts: [{ type: 'text', text: '' }],
        status: 'streaming',
        createdAt,
        agentId: agent.info.id,
        runId: id,
        metadata: agent.metadata,
        // An answer's parent in the message tree is the user message it replies to.
        parentId: trigger.id,
      };
      const run: RunRecord = {
        id,
        conversationId: trigger.conversationId,
        messageId: answer.id,
        triggerMessageId: trigger.id,
        agentId: agent.info.id,
        status: 'running',
        createdAt,
        ...(instanceId !== undefined ? { instanceId } : {}),
      };
      return { answer, run, agent, settings };
    });
    const stored = await store.createRuns(drafts, {
      ...(options.storeTrigger ? { question: trigger } : {}),
      ...(options.onlyIfUnanswered ? { onlyIfUnanswered: true } : {}),
    });
    if (!stored) return [];
    return drafts.map(({ run: { id }, answer, agent, settings }) => {
      const run = new Run({
        id,
        conversationId: trigger.conversationId,
        messageId: answer.id,
        triggerMessageId: trigger.id,
        agent,
        createdAt,
        store,
        emit: (event) => this.#options.emit(trigger.conversationId, event),
        flushIntervalMs: this.#options.flushIntervalMs,
        logger: this.#options.logger,
        ...(settings ? { settings } : {}),
        ...(this.#options.policy ? { policy: this.#options.policy } : {}),
        ...(this.#options.checkpointer ? { checkpointer: this.#options.checkpointer } : {}),
      });
      this.#runs.set(id, run);
      void run.done.then(() => this.#retire(id));
      // Shutting down while this run was being prepared: it must not start.
      if (this.#closing) run.interrupt();
      return run;
    });
  }

  /**
   * How many runs `userId` has live (plus run slots reserved for that user's sends that are
   * still being stored). Runs count for the user who sent the message that started them.
   */
  liveRunCount(userId: string): number {
    let count = 0;
    for (const [runId, owner] of this.#owners)
      if (owner.userId === userId && this.#runs.get(runId)?.live) count += 1;
    for (const reservation of this.#reservations)
      if (reservation.userId === userId) count += reservation.count;
    return count;
  }

  /**
   * Admits a send by `userId` that will start `count` runs if that keeps the user within
   * `limit` live runs, holding the slots until the send is stored (so concurrent sends cannot
   * overshoot); null when it would not. A retry of a send (same `sendKey`) whose runs are
   * still live or being stored is always admitted: it starts nothing new.
   */
  admitRuns(request: {
    userId: string;
    count: number;
    limit: number;
    sendKey: string;
  }): RunAdmission | null {
    const { userId, sendKey } = request;
    const retry =
      [...this.#reservations].some((held) => held.userId === userId && held.sendKey === sendKey) ||
      [...this.#owners].some(
        ([runId, owner]) =>
          owner.userId === userId && owner.sendKey === sendKey && this.#runs.get(runId)?.live,
      );
    const count = retry ? 0 : request.count;
    if (count > 0 && this.liveRunCount(userId) + count > request.limit) return null;
    const reservation = { userId, sendKey, count };
    this.#reservations.add(reservation);
    return {
      bind: (runs) => {
        this.#reservations.delete(reservation);
        for (const run of runs) if (run.live) this.#owners.set(run.id, { userId, sendKey });
      },
      release: () => {
        this.#reservations.delete(reservation);
      },
    };
  }

  /** A run kept in memory (live or recently ended). */
  get(runId: string): Run | undefined {
    return this.#runs.get(runId);
  }

  /** The live runs of a conversation. */
  liveRuns(conversationId: string): Run[] {
    return [...this.#runs.values()].filter(
      (run) => run.live && run.conversationId === conversationId,
    );
  }

  /**
   * The events a run emitted after `seq`, or undefined when the run is not in memory (a
   * re-join lists it in `unreplayable` and the client takes the stored message).
   */
  eventsAfter(runId: string, seq: number): RunEvent[] | undefined {
    return this.#runs.get(runId)?.eventsAfter(seq);
  }

  /** Cancels a run. */
  async cancel(runId: string): Promise<CancelOutcome> {
    const run = this.#runs.get(runId);
    if (run) {
      return run.cancel()
        ? { outcome: 'cancelled', run: run.info() }
        : { outcome: 'ended', run: run.info() };
    }
    const record = await this.#options.store.getRun(runId);
    if (!record) return { outcome: 'not_found' };
    // Not in memory any more: its events are gone.
    return { outcome: 'ended', run: runInfoFromRecord(record) };
  }

  /**
   * Stops accepting runs, lets live runs finish for up to the grace period, then ends the rest
   * as `interrupted`, and waits until every one is stored.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    const live = [...this.#runs.values()].filter((run) => run.live);
    const grace = this.#options.shutdownGraceMs ?? 0;
    if (grace > 0 && live.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(live.map((run) => run.done)),
        new Promise((resolve) => (timer = setTimeout(resolve, grace))),
      ]);
      clearTimeout(timer);
    }
    for (const run of live) if (run.live) run.interrupt();
    await Promise.all(live.map((run) => run.done));
    clearTimeout(this.#expiryTimer);
    this.#expiryTimer = undefined;
  }

  /** How many ended runs are held in memory (for their replay). */
  get endedRunCount(): number {
    return this.#ended.length;
  }

  #retire(runId: string): void {
    this.#owners.delete(runId);
    this.#ended.push({ runId, at: performance.now() });
    this.#dropExpired();
  }

  /**
   * Drops the ended runs past their retention period, and the oldest beyond the count, then
   * sets a timer for the next one to expire (unref'd: it never holds the process open).
   */
  #dropExpired(): void {
    const keepMs = this.#options.retainEndedRunsMs ?? DEFAULT_RETAIN_ENDED_RUNS_MS;
    const keep = this.#options.retainEndedRuns ?? 500;
    const now = performance.now();
    for (;;) {
      const oldest = this.#ended[0];
      if (!oldest || (this.#ended.length <= keep && now - oldest.at < keepMs)) break;
      this.#ended.shift();
      this.#runs.delete(oldest.runId);
    }
    clearTimeout(this.#expiryTimer);
    this.#expiryTimer = undefined;
    const next = this.#ended[0];
    if (!next || this.#closing) return;
    // Whole seconds: runs ending together share one timer list (a run may stay up to 1 s longer).
    const delay = Math.ceil((next.at + keepMs - now) / 1000) * 1000;
    this.#expiryTimer = setTimeout(() => this.#dropExpired(), delay);
    this.#expiryTimer.unref?.();
  }
}
