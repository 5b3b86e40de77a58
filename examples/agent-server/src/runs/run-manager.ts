import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Message, RunEvent, RunInfo } from 'svelte-langserve/protocol';
import type { Agent } from '../agents/agent.js';
import { runInfoFromRecord, type ConversationStore } from '../conversations/store.js';
import { Run } from './run.js';

/** Options for {@link RunManager}. */
export interface RunManagerOptions {
  store: ConversationStore;
  /** Delivers a run's event to its conversation's room. */
  emit: (conversationId: string, event: RunEvent) => void;
  flushIntervalMs: number;
  logger: FastifyBaseLogger;
  /** How many ended runs (and their events) stay in memory. @default 500 */
  retainEndedRuns?: number;
}

/** What {@link RunManager.cancel} reports. */
export type CancelOutcome =
  | { outcome: 'cancelled'; run: RunInfo }
  | { outcome: 'ended'; run: RunInfo }
  | { outcome: 'not_found' };

/**
 * Creates, tracks, cancels and interrupts runs. Live runs (and recently ended ones, with their
 * emitted events) are kept in memory.
 */
export class RunManager {
  readonly #options: RunManagerOptions;
  readonly #runs = new Map<string, Run>();
  readonly #ended: string[] = [];
  #closing = false;

  constructor(options: RunManagerOptions) {
    this.#options = options;
  }

  /** Whether {@link RunManager.shutdown} has begun (no new runs are accepted). */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Creates a run of `agent` answering `trigger`: stores an empty `streaming` assistant message
   * and the run record. The run emits nothing until {@link Run.start}.
   */
  async prepare(agent: Agent, trigger: Message): Promise<Run> {
    const { store } = this.#options;
    const id = randomUUID();
    const messageId = randomUUID();
    const createdAt = new Date().toISOString();
    await store.appendMessage({
      id: messageId,
      conversationId: trigger.conversationId,
      role: 'assistant',
      parts: [{ type: 'text', text: '' }],
      status: 'streaming',
      createdAt,
      agentId: agent.info.id,
      runId: id,
      metadata: agent.metadata,
    });
    await store.createRun({
      id,
      conversationId: trigger.conversationId,
      messageId,
      triggerMessageId: trigger.id,
      agentId: agent.info.id,
      status: 'running',
      createdAt,
    });
    const run = new Run({
      id,
      conversationId: trigger.conversationId,
      messageId,
      triggerMessageId: trigger.id,
      agent,
      createdAt,
      store,
      emit: (event) => this.#options.emit(trigger.conversationId, event),
      flushIntervalMs: this.#options.flushIntervalMs,
      logger: this.#options.logger,
    });
    this.#runs.set(id, run);
    void run.done.then(() => this.#retire(id));
    // Shutting down while this run was being prepared: it must not start.
    if (this.#closing) run.interrupt();
    return run;
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
   * The events a run emitted after `seq`, or undefined when the run is not in memory.
   * (Replay on re-join is not wired to the protocol yet.)
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

  /** Stops accepting runs, ends every live run as `interrupted`, and waits until they are stored. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    const live = [...this.#runs.values()].filter((run) => run.live);
    for (const run of live) run.interrupt();
    await Promise.all(live.map((run) => run.done));
  }

  #retire(runId: string): void {
    this.#ended.push(runId);
    const keep = this.#options.retainEndedRuns ?? 500;
    while (this.#ended.length > keep) {
      const oldest = this.#ended.shift();
      if (oldest) this.#runs.delete(oldest);
    }
  }
}
