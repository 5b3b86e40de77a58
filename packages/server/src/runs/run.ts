import type { FastifyBaseLogger } from 'fastify';
import type {
  Message,
  MessageStatus,
  RunEvent,
  RunInfo,
  RunTerminalStatus,
} from 'svelte-langserve/protocol';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { Agent, RunThread } from '../agents/agent.js';
import { MAX_HISTORY_MESSAGES, toLangChainHistory } from '../agents/history.js';
import type { ConversationStore } from '../conversations/store.js';
import type { AIMessage } from '@langchain/core/messages';
import type { MessageMetadata, RunSettings } from 'svelte-langserve/protocol';
import { userSafeRunError } from './errors.js';
import { RUN_STREAM_MODES, THREAD_STREAM_MODES } from '../agents/agent.js';
import { planThreadTurn } from './thread-turn.js';
import {
  AttemptSignal,
  DEFAULT_RUN_POLICY,
  IncompleteAnswerError,
  nextAttemptDelay,
  RunTimeoutError,
  sleep,
  type RunPolicy,
} from './retry.js';
import { adaptMessageStream, type UnnumberedRunEvent } from './stream-adapter.js';
import { DeltaCoalescer, type DeltaType } from './delta-coalescer.js';
import { RunMetrics } from './run-metrics.js';
import { RunOutput } from './run-output.js';
import { RunPersistence } from './run-persistence.js';
import { RunPhases } from './run-phases.js';

export { PERSIST_INTERVAL_MS } from './run-persistence.js';
export { DEFAULT_RUN_POLICY, type RunPolicy } from './retry.js';

/** Where a run sends its events (the conversation's room). */
export type RunEventSink = (event: RunEvent) => void;

/** What a {@link Run} needs. */
export interface RunOptions {
  id: string;
  conversationId: string;
  /** The assistant message the run writes (already in the store, empty, `streaming`). */
  messageId: string;
  /** The user message that started the run. */
  triggerMessageId: string;
  agent: Agent;
  createdAt: string;
  store: ConversationStore;
  emit: RunEventSink;
  /** Shortest time between two coalesced `text-delta` events, in ms. */
  flushIntervalMs: number;
  logger: FastifyBaseLogger;
  /** The message's runtime settings, already checked against the agent. */
  settings?: RunSettings;
  policy?: RunPolicy;
  /**
   * The app's LangGraph checkpointer: an agent whose graph keeps threads runs on its thread in
   * this conversation (ADR 0029). Absent: every run sends the branch's text history.
   */
  checkpointer?: () => BaseCheckpointSaver;
}

/**
 * One agent run: streams the agent's answer as numbered events (`seq` 0 = start, then +1 per
 * event), coalesces text deltas, keeps the stored assistant message equal to what was emitted,
 * and ends with exactly one terminal event through the guarded {@link Run.finish} path.
 *
 * It drives the agent's graph (attempts, retries, timeouts) and coordinates: its phases and
 * status ({@link RunPhases}), the coalescing of text and reasoning ({@link DeltaCoalescer}), its
 * numbered events and the parts they add up to ({@link RunOutput}), its metrics
 * ({@link RunMetrics}) and its store writes ({@link RunPersistence}).
 */
export class Run {
  readonly id: string;
  readonly conversationId: string;
  readonly messageId: string;
  readonly agentId: string;
  readonly #options: RunOptions;
  readonly #controller = new AbortController();
  readonly #phases = new RunPhases();
  readonly #metrics: RunMetrics;
  readonly #output: RunOutput;
  readonly #deltas: DeltaCoalescer;
  readonly #persistence: RunPersistence;
  #timeoutTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: RunOptions) {
    this.#options = options;
    this.id = options.id;
    this.conversationId = options.conversationId;
    this.messageId = options.messageId;
    this.agentId = options.agent.info.id;
    this.#metrics = new RunMetrics({ agent: options.agent, settings: options.settings });
    this.#output = new RunOutput({
      runId: this.id,
      conversationId: this.conversationId,
      sink: (event) => options.emit(event),
      logger: options.logger,
      emitted: (type) => this.#metrics.emitted(type),
    });
    this.#deltas = new DeltaCoalescer({
      intervalMs: options.flushIntervalMs,
      open: () => this.#phases.running,
      inReasoning: () => this.#output.inReasoning,
      deliver: (type, text, durationMs) => {
        this.#output.delta(type, text, durationMs);
        this.#persistence.schedule();
      },
    });
    this.#persistence = new RunPersistence({
      runId: this.id,
      messageId: this.messageId,
      store: options.store,
      logger: options.logger,
      streaming: () => this.#phases.running,
      parts: () => this.#output.snapshot(),
    });
  }

  /** The run as the protocol reports it; `seq` is the last emitted event's (-1 before start). */
  info(): RunInfo {
    return {
      id: this.id,
      conversationId: this.conversationId,
      messageId: this.messageId,
      agentId: this.agentId,
      status: this.#phases.reportedStatus,
      seq: this.#output.seq,
    };
  }

  /** Whether the run has not ended yet. */
  get live(): boolean {
    return this.#phases.live;
  }

  /** The status the stored message has right now. */
  get messageStatus(): MessageStatus {
    return this.#phases.messageStatus;
  }

  /** The parts, status and error the run's assistant message has right now. */
  messageSnapshot(): Pick<Message, 'parts' | 'status'> & { error?: string } {
    const status = this.#phases.status;
    const snapshot: Pick<Message, 'parts' | 'status'> & { error?: string } = {
      parts: status === 'running' ? this.#output.snapshot() : this.#output.endParts(status),
      status: this.messageStatus,
    };
    const error = this.#phases.error;
    if (error !== undefined) snapshot.error = error;
    return snapshot;
  }

  /** The run's assistant message as it stands now. */
  message(): Message {
    return {
      id: this.messageId,
      conversationId: this.conversationId,
      role: 'assistant',
      createdAt: this.#options.createdAt,
      agentId: this.agentId,
      runId: this.id,
      parentId: this.#options.triggerMessageId,
      metadata: this.#metadata(),
      ...this.messageSnapshot(),
    };
  }

  #metadata(): MessageMetadata {
    return { ...this.#options.agent.metadata, ...this.#metrics.endMetadata };
  }

  /** Resolves when the run has ended and its final state is stored. */
  get done(): Promise<void> {
    return this.#persistence.stored;
  }

  /** The events emitted after `seq`, oldest first. */
  eventsAfter(seq: number): RunEvent[] {
    return this.#output.eventsAfter(seq);
  }

  /** Emits the start event and starts the agent. Call once, after the send is acknowledged. */
  start(): void {
    if (!this.#phases.start()) return;
    this.#metrics.start();
    this.#output.emit({
      type: 'start',
      runId: this.id,
      conversationId: this.conversationId,
      seq: 0,
      messageId: this.messageId,
      agentId: this.agentId,
      parentId: this.#options.triggerMessageId,
      attempt: 1,
      createdAt: this.#options.createdAt,
      metadata: this.#options.agent.metadata,
    });
    const pendingEnd = this.#phases.pendingEnd;
    if (pendingEnd) {
      this.finish(pendingEnd);
      return;
    }
    const { timeoutMs } = this.#policy;
    this.#timeoutTimer = setTimeout(() => {
      this.#timeoutTimer = null;
      const error = new RunTimeoutError(timeoutMs);
      this.#options.logger.warn(
        { runId: this.id, agentId: this.agentId, timeoutMs },
        'run timed out',
      );
      if (this.finish('failed', userSafeRunError(error)))
        this.#options.agent.health.failed(error.message);
    }, timeoutMs);
    void this.#execute();
  }

  /**
   * Cancels the run: aborts the model call and ends the run as `cancelled`. Returns false when
   * the run had already ended.
   */
  cancel(): boolean {
    if (!this.#phases.live) return false;
    if (this.#phases.phase === 'pending') {
      // Announced but not started: it starts and ends at once, keeping start → end order.
      if (!this.#phases.requestEnd('cancelled')) return false;
      this.#controller.abort();
      return true;
    }
    return this.finish('cancelled');
  }

  /** Ends the run as `interrupted` (server shutdown). */
  interrupt(): void {
    if (this.#phases.endUnstarted('interrupted')) {
      // Nobody saw it start: end it quietly in the store. (A pending cancel is overtaken.)
      this.#controller.abort();
      this.#persistEnd();
      return;
    }
    this.finish('interrupted');
  }

  /**
   * The single guarded path to the terminal event: flushes buffered text, emits `end` once,
   * aborts the model call, stores the final state. Returns false if the run had already ended.
   */
  finish(status: RunTerminalStatus, error?: string): boolean {
    if (!this.#phases.end()) return false;
    if (this.#timeoutTimer) {
      clearTimeout(this.#timeoutTimer);
      this.#timeoutTimer = null;
    }
    this.#deltas.flush();
    this.#phases.settle(status, error);
    this.#output.end(status, this.#metrics.end(), error);
    if (!this.#controller.signal.aborted) this.#controller.abort();
    this.#persistEnd();
    return true;
  }

  get #policy(): RunPolicy {
    return this.#options.policy ?? DEFAULT_RUN_POLICY;
  }

  /**
   * Streams the agent's graph. A failure before anything was emitted (rate limit, server error,
   * reset, silence) is retried up to the policy's attempts, after the provider's Retry-After or
   * a jittered backoff; a failure after output ends the run as failed, keeping the partial
   * answer (partials are never spliced with a new attempt).
   */
  async #execute(): Promise<void> {
    const { agent, store, logger } = this.#options;
    const policy = this.#policy;
    const signal = this.#controller.signal;
    let messages;
    let thread: RunThread | undefined;
    try {
      const branch = await store.listBranch(this.#options.triggerMessageId, MAX_HISTORY_MESSAGES);
      const checkpointer = agent.graph.threads ? this.#options.checkpointer?.() : undefined;
      if (checkpointer) {
        ({ messages, thread } = await planThreadTurn({
          conversationId: this.conversationId,
          agentId: this.agentId,
          branch,
          store,
          checkpointer,
          ...(agent.contextTokens !== undefined ? { contextTokens: agent.contextTokens } : {}),
        }));
      } else
        messages = await toLangChainHistory(
          branch,
          this.#options.triggerMessageId,
          agent.contextTokens,
        );
    } catch (error) {
      logger.error({ err: error, runId: this.id }, 'loading the history failed');
      this.finish('failed', userSafeRunError(error));
      return;
    }
    for (;;) {
      const attempt = new AttemptSignal(signal, policy.idleTimeoutMs);
      try {
        if (signal.aborted) break;
        attempt.touch();
        this.#persistence.checkpoint(undefined);
        const stream = await agent.graph.stream(
          { messages },
          {
            streamMode: thread ? THREAD_STREAM_MODES : RUN_STREAM_MODES,
            signal: attempt.signal,
            ...(this.#options.settings ? { settings: this.#options.settings } : {}),
            ...(thread ? { thread } : {}),
          },
        );
        const observer = {
          modelMessage: (message: AIMessage) => this.#metrics.observeModelMessage(message),
          chunk: () => this.#metrics.chunk(),
          // Each checkpoint the graph writes on the thread; the last is the turn's head.
          checkpoint: (id: string | undefined) => this.#persistence.checkpoint(id),
          droppedCustom: (reason: string) =>
            logger.warn({ runId: this.id, agentId: this.agentId, reason }, 'custom write not sent'),
        };
        for await (const event of adaptMessageStream(stream, observer)) {
          attempt.touch();
          if (!this.#phases.running) break;
          if (event.type === 'text-delta' || event.type === 'reasoning-delta')
            this.#pushText(event.text, event.type);
          else this.#pushEvent(event);
        }
        if (attempt.signal.aborted && !signal.aborted) throw attempt.signal.reason;
        if (!this.#metrics.finished) throw new IncompleteAnswerError();
        if (!signal.aborted && this.#phases.running) agent.health.succeeded();
        this.finish(signal.aborted ? 'cancelled' : 'completed');
        return;
      } catch (caught) {
        if (!this.#phases.running) return;
        if (signal.aborted) break;
        // An attempt abandoned for silence surfaces as an abort: report the silence.
        const error: unknown = attempt.signal.aborted ? attempt.signal.reason : caught;
        const nothingShown = this.#output.seq === 0 && this.#deltas.empty;
        const { attempt: tried, startedAt } = this.#metrics;
        const delay = nothingShown ? nextAttemptDelay(error, tried, policy, startedAt) : undefined;
        if (delay !== undefined) {
          logger.warn(
            { err: error, runId: this.id, agentId: this.agentId, attempt: tried, delay },
            'model call failed before its first token; retrying',
          );
          this.#phases.retry();
          try {
            await sleep(delay, signal);
          } catch {
            break;
          }
          this.#phases.resume();
          this.#metrics.nextAttempt();
          continue;
        }
        logger.error({ err: error, runId: this.id, agentId: this.agentId }, 'run failed');
        const message = userSafeRunError(error);
        if (this.finish('failed', message)) agent.health.failed(message);
        return;
      } finally {
        attempt.close();
      }
    }
    this.finish('cancelled');
  }

  /** Buffers answer text or reasoning; a change of kind sends what was buffered first. */
  #pushText(text: string, type: DeltaType = 'text-delta'): void {
    if (!this.#phases.running || text.length === 0) return;
    this.#deltas.push(text, type);
  }

  /**
   * Applies a tool or data event to the parts and emits it, after any pending text (keeps
   * order). A status event changes no part and is not stored: it is sent when its text changed.
   */
  #pushEvent(event: Exclude<UnnumberedRunEvent, { type: DeltaType }>): void {
    if (!this.#phases.running) return;
    if (this.#output.repeatsActivity(event)) return;
    this.#deltas.flush();
    if (this.#output.push(event)) this.#persistence.schedule();
  }

  /** Stores the ended run's final message and end (see {@link RunPersistence.end}). */
  #persistEnd(): void {
    const status = this.#phases.status as RunTerminalStatus;
    this.#persistence.end({
      status,
      error: this.#phases.error,
      parts: this.#output.endParts(status),
      metadata: this.#metadata(),
      attempt: this.#metrics.attempt,
      startedAt: this.#metrics.startedAtIso,
      usage: this.#metrics.usage,
    });
  }
}
