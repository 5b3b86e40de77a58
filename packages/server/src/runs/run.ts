import type { FastifyBaseLogger } from 'fastify';
import {
  applyRunEventToParts,
  type Message,
  type MessagePart,
  type MessageStatus,
  type RunEvent,
  type RunInfo,
  type RunStatus,
  type RunTerminalStatus,
} from 'svelte-langserve/protocol';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { Agent, RunThread } from '../agents/agent.js';
import { MAX_HISTORY_MESSAGES, toLangChainHistory } from '../agents/history.js';
import type { ConversationStore, MessagePatch, RunEndDetails } from '../conversations/store.js';
import type { AIMessage } from '@langchain/core/messages';
import type { MessageMetadata, RunSettings, TokenUsage } from 'svelte-langserve/protocol';
import { userSafeRunError } from './errors.js';
import { RUN_STREAM_MODES, THREAD_STREAM_MODES } from '../agents/agent.js';
import { planThreadTurn } from './thread-turn.js';
import {
  IncompleteAnswerError,
  isRetryable,
  ModelIdleTimeoutError,
  retryDelayMs,
  RunTimeoutError,
  sleep,
} from './retry.js';
import { adaptMessageStream, type UnnumberedRunEvent } from './stream-adapter.js';

/** How often a live run stores its answer so far, in ms. */
export const PERSIST_INTERVAL_MS = 250;

/** Limits and retry policy of a run. */
export interface RunPolicy {
  /** The run fails (and its model call is aborted) when it has not ended after this, in ms. */
  timeoutMs: number;
  /** A model stream silent for this long is abandoned, in ms. */
  idleTimeoutMs: number;
  /** Model calls when they fail before the first token (1 = no retry). */
  maxAttempts: number;
  /** First retry delay without Retry-After, doubling per attempt, in ms. */
  retryBaseDelayMs: number;
}

/** The policy used when none is given (the configuration's defaults). */
export const DEFAULT_RUN_POLICY: RunPolicy = {
  timeoutMs: 300_000,
  idleTimeoutMs: 60_000,
  maxAttempts: 3,
  retryBaseDelayMs: 500,
};

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

/** Events that are not the model's output: they do not end the wait for the first token. */
const NOT_TOKENS = new Set<RunEvent['type']>(['start', 'end', 'status', 'data']);

const messageStatusOf: Record<RunTerminalStatus, MessageStatus> = {
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
 * - `ended`: the one terminal event is out (or, for a pending run interrupted by shutdown, the
 *   store says `interrupted`); nothing more is emitted.
 */
type RunPhase = 'pending' | 'running' | 'ended';

/**
 * One agent run: streams the agent's answer as numbered events (`seq` 0 = start, then +1 per
 * event), coalesces text deltas, keeps the stored assistant message equal to what was emitted,
 * and ends with exactly one terminal event through the guarded {@link Run.finish} path.
 */
export class Run {
  readonly id: string;
  readonly conversationId: string;
  readonly messageId: string;
  readonly agentId: string;
  readonly #options: RunOptions;
  readonly #controller = new AbortController();
  readonly #events: RunEvent[] = [];
  #phase: RunPhase = 'pending';
  #status: RunStatus = 'running';
  /** A terminal status asked for before the run started. */
  #pendingEnd: RunTerminalStatus | null = null;
  #seq = -1;
  #error: string | undefined;
  /** Text emitted so far (equals the stored message's text). */
  /** Parts emitted so far, text and tool calls in order (equal to the stored message's). */
  #parts: MessagePart[] = [];
  /** The last activity sent (`status` events), so an unchanged one is not sent again. */
  #activity = '';
  /** Text received from the model but not emitted yet, of the kind `#bufferType` says. */
  #buffer = '';
  #bufferType: 'text-delta' | 'reasoning-delta' = 'text-delta';
  /** When the reasoning part being streamed got its first token (for its `durationMs`). */
  #reasoningStartedAt = 0;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #lastDeltaAt = 0;
  #persistChain: Promise<unknown> = Promise.resolve();
  #attempt = 1;
  #startedAt = 0;
  #startedAtIso: string | undefined;
  #firstTokenAt = 0;
  #modelChunks = 0;
  #usage: TokenUsage | undefined;
  /** Whether the latest model turn reported why it stopped (false: the stream was cut short). */
  #finished = true;
  #timeoutTimer: ReturnType<typeof setTimeout> | null = null;
  #persistTimer: ReturnType<typeof setTimeout> | null = null;
  /** The latest checkpoint the graph wrote on the run's thread (the head, once it completes). */
  #head: string | undefined;
  /** Set once at the end: facts known only then (usage, timings, attempts). */
  #endMetadata: MessageMetadata | undefined;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(options: RunOptions) {
    this.#options = options;
    this.id = options.id;
    this.conversationId = options.conversationId;
    this.messageId = options.messageId;
    this.agentId = options.agent.info.id;
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** The run as the protocol reports it; `seq` is the last emitted event's (-1 before start). */
  info(): RunInfo {
    return {
      id: this.id,
      conversationId: this.conversationId,
      messageId: this.messageId,
      agentId: this.agentId,
      status: this.#pendingEnd ?? this.#status,
      seq: this.#seq,
    };
  }

  /** Whether the run has not ended yet. */
  get live(): boolean {
    return this.#phase !== 'ended';
  }

  /** The status the stored message has right now. */
  get messageStatus(): MessageStatus {
    return this.#status === 'running' ? 'streaming' : messageStatusOf[this.#status];
  }

  /** The parts, status and error the run's assistant message has right now. */
  messageSnapshot(): Pick<Message, 'parts' | 'status'> & { error?: string } {
    const snapshot: Pick<Message, 'parts' | 'status'> & { error?: string } = {
      parts: this.#status === 'running' ? this.#partsSnapshot() : this.#endParts(this.#status),
      status: this.messageStatus,
    };
    if (this.#error !== undefined) snapshot.error = this.#error;
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
    return { ...this.#options.agent.metadata, ...this.#endMetadata };
  }

  /** Resolves when the run has ended and its final state is stored. */
  get done(): Promise<void> {
    return this.#done;
  }

  /** The events emitted after `seq`, oldest first. */
  eventsAfter(seq: number): RunEvent[] {
    return this.#events.filter((event) => event.seq > seq);
  }

  /** Emits the start event and starts the agent. Call once, after the send is acknowledged. */
  start(): void {
    if (this.#phase !== 'pending') return;
    this.#phase = 'running';
    this.#startedAt = performance.now();
    this.#startedAtIso = new Date().toISOString();
    this.#emit({
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
    if (this.#pendingEnd) {
      this.finish(this.#pendingEnd);
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
    if (this.#phase === 'ended') return false;
    if (this.#phase === 'pending') {
      // Announced but not started: it starts and ends at once, keeping start → end order.
      if (this.#pendingEnd) return false;
      this.#pendingEnd = 'cancelled';
      this.#controller.abort();
      return true;
    }
    return this.finish('cancelled');
  }

  /** Ends the run as `interrupted` (server shutdown). */
  interrupt(): void {
    if (this.#phase === 'pending') {
      // Nobody saw it start: end it quietly in the store. (A pending cancel is overtaken.)
      this.#phase = 'ended';
      this.#status = 'interrupted';
      this.#pendingEnd = null;
      this.#controller.abort();
      this.#persistEnd(undefined);
      return;
    }
    this.finish('interrupted');
  }

  /**
   * The single guarded path to the terminal event: flushes buffered text, emits `end` once,
   * aborts the model call, stores the final state. Returns false if the run had already ended.
   */
  finish(status: RunTerminalStatus, error?: string): boolean {
    if (this.#phase !== 'running') return false;
    this.#phase = 'ended';
    if (this.#timeoutTimer) {
      clearTimeout(this.#timeoutTimer);
      this.#timeoutTimer = null;
    }
    this.#flush();
    this.#status = status;
    this.#error = error;
    this.#endMetadata = this.#measure();
    const end: RunEvent = {
      type: 'end',
      runId: this.id,
      conversationId: this.conversationId,
      seq: this.#seq + 1,
      status,
      metadata: this.#endMetadata,
    };
    if (error !== undefined) end.error = error;
    this.#emit(end);
    if (!this.#controller.signal.aborted) this.#controller.abort();
    this.#persistEnd(error);
    return true;
  }

  get #policy(): RunPolicy {
    return this.#options.policy ?? DEFAULT_RUN_POLICY;
  }

  /** Usage, time to first token, tokens per second, settings and attempts, as far as known. */
  #measure(): MessageMetadata {
    const metadata: MessageMetadata = { attempts: this.#attempt };
    const settings = this.#options.settings;
    if (settings && Object.keys(settings).length > 0) metadata.settings = { ...settings };
    if (this.#usage) metadata.usage = { ...this.#usage };
    if (this.#firstTokenAt > 0) {
      metadata.timeToFirstTokenMs = Math.round(this.#firstTokenAt - this.#startedAt);
      const seconds = (performance.now() - this.#firstTokenAt) / 1000;
      const tokens = this.#usage?.outputTokens || this.#modelChunks;
      if (seconds > 0 && tokens > 0)
        metadata.tokensPerSecond = Math.round((tokens / seconds) * 10) / 10;
    }
    return metadata;
  }

  /** Adds a model turn's reported usage, and notes whether it said why it stopped. */
  #observeModelMessage(message: AIMessage): void {
    const usage = message.usage_metadata;
    if (usage) {
      const total = this.#usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
      this.#usage = {
        inputTokens: total.inputTokens + (usage.input_tokens ?? 0),
        outputTokens: total.outputTokens + (usage.output_tokens ?? 0),
        totalTokens: total.totalTokens + (usage.total_tokens ?? 0),
      };
    }
    // OpenAI reports `finish_reason` (response metadata); Anthropic `stop_reason` (additional
    // kwargs). A stream cut short without its end frames carries neither.
    const metadata = message.response_metadata as Record<string, unknown> | undefined;
    const kwargs = message.additional_kwargs as Record<string, unknown> | undefined;
    this.#finished =
      metadata?.finish_reason != null ||
      metadata?.stop_reason != null ||
      kwargs?.stop_reason != null ||
      // Models that do not report a reason (scripted or embedder models) are taken at their word.
      !this.#options.agent.requiresFinishReason;
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
      const attempt = new AbortController();
      const forward = () => attempt.abort(signal.reason);
      signal.addEventListener('abort', forward, { once: true });
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      const touch = () => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(
          () => attempt.abort(new ModelIdleTimeoutError(policy.idleTimeoutMs)),
          policy.idleTimeoutMs,
        );
      };
      try {
        if (signal.aborted) break;
        touch();
        this.#head = undefined;
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
          modelMessage: (message: AIMessage) => this.#observeModelMessage(message),
          chunk: () => {
            this.#modelChunks += 1;
          },
          // Each checkpoint the graph writes on the thread; the last is the turn's head.
          checkpoint: (id: string | undefined) => {
            this.#head = id;
          },
          droppedCustom: (reason: string) =>
            logger.warn({ runId: this.id, agentId: this.agentId, reason }, 'custom write not sent'),
        };
        for await (const event of adaptMessageStream(stream, observer)) {
          touch();
          if (this.#phase !== 'running') break;
          if (event.type === 'text-delta' || event.type === 'reasoning-delta')
            this.#pushText(event.text, event.type);
          else this.#pushEvent(event);
        }
        if (attempt.signal.aborted && !signal.aborted) throw attempt.signal.reason;
        if (!this.#finished) throw new IncompleteAnswerError();
        if (!signal.aborted && this.#phase === 'running') agent.health.succeeded();
        this.finish(signal.aborted ? 'cancelled' : 'completed');
        return;
      } catch (caught) {
        if (this.#phase !== 'running') return;
        if (signal.aborted) break;
        // An attempt abandoned for silence surfaces as an abort: report the silence.
        const error: unknown = attempt.signal.aborted ? attempt.signal.reason : caught;
        const nothingShown = this.#seq === 0 && this.#buffer.length === 0;
        if (nothingShown && this.#attempt < policy.maxAttempts && isRetryable(error)) {
          const delay = retryDelayMs(error, this.#attempt, policy.retryBaseDelayMs);
          const left = this.#startedAt + policy.timeoutMs - performance.now();
          if (delay < left) {
            logger.warn(
              { err: error, runId: this.id, agentId: this.agentId, attempt: this.#attempt, delay },
              'model call failed before its first token; retrying',
            );
            try {
              await sleep(delay, signal);
            } catch {
              break;
            }
            this.#attempt += 1;
            this.#usage = undefined;
            this.#modelChunks = 0;
            this.#finished = true;
            continue;
          }
        }
        logger.error({ err: error, runId: this.id, agentId: this.agentId }, 'run failed');
        const message = userSafeRunError(error);
        if (this.finish('failed', message)) agent.health.failed(message);
        return;
      } finally {
        clearTimeout(idleTimer);
        signal.removeEventListener('abort', forward);
      }
    }
    this.finish('cancelled');
  }

  /** Buffers answer text or reasoning; a change of kind sends what was buffered first. */
  #pushText(text: string, type: 'text-delta' | 'reasoning-delta' = 'text-delta'): void {
    if (this.#phase !== 'running' || text.length === 0) return;
    if (type !== this.#bufferType) {
      this.#flush();
      this.#bufferType = type;
    }
    if (
      type === 'reasoning-delta' &&
      this.#buffer.length === 0 &&
      this.#parts.at(-1)?.type !== 'reasoning'
    )
      this.#reasoningStartedAt = performance.now();
    this.#buffer += text;
    const interval = this.#options.flushIntervalMs;
    // The first delta goes out at once; later ones at most once per interval.
    if (this.#lastDeltaAt === 0) {
      this.#flush();
      return;
    }
    if (this.#flushTimer) return;
    const wait = this.#lastDeltaAt + interval - performance.now();
    if (wait <= 0) {
      this.#flush();
      return;
    }
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      if (this.#phase === 'running') this.#flush();
    }, wait);
  }

  #flush(): void {
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    if (this.#buffer.length === 0) return;
    const text = this.#buffer;
    this.#buffer = '';
    this.#lastDeltaAt = performance.now();
    const { id: runId, conversationId } = this;
    const seq = this.#seq + 1;
    // Object literals, not a spread of shared fields: every delta then shares one hidden class
    // (a spread object gets its own, ~300 bytes more per event held for replay).
    const delta: RunEvent =
      this.#bufferType === 'reasoning-delta'
        ? {
            runId,
            conversationId,
            seq,
            text,
            type: 'reasoning-delta',
            durationMs: Math.round(this.#lastDeltaAt - this.#reasoningStartedAt),
          }
        : { runId, conversationId, seq, text, type: 'text-delta' };
    this.#parts = applyRunEventToParts(this.#parts, delta);
    this.#emit(delta);
    this.#schedulePersist();
  }

  /**
   * Applies a tool or data event to the parts and emits it, after any pending text (keeps
   * order). A status event changes no part and is not stored: it is sent when its text changed.
   */
  #pushEvent(event: Exclude<UnnumberedRunEvent, { type: 'text-delta' | 'reasoning-delta' }>): void {
    if (this.#phase !== 'running') return;
    if (event.type === 'status' && event.text === this.#activity) return;
    this.#flush();
    const numbered = {
      ...event,
      runId: this.id,
      conversationId: this.conversationId,
      seq: this.#seq + 1,
    } as RunEvent;
    if (numbered.type === 'status') {
      this.#activity = numbered.text;
      this.#emit(numbered);
      return;
    }
    const parts = applyRunEventToParts(this.#parts, numbered);
    // A repeated start, or an event for a call that never started, changes nothing: not sent.
    if (parts === this.#parts) return;
    this.#parts = parts;
    this.#emit(numbered);
    this.#schedulePersist();
  }

  /** The parts as stored: a copy; an empty answer is one empty text part. */
  #partsSnapshot(): MessagePart[] {
    if (this.#parts.length === 0) return [{ type: 'text', text: '' }];
    return this.#parts.map((part) => ({ ...part }));
  }

  #emit(event: RunEvent): void {
    if (this.#firstTokenAt === 0 && !NOT_TOKENS.has(event.type))
      this.#firstTokenAt = performance.now();
    this.#seq = event.seq;
    this.#events.push(event);
    try {
      this.#options.emit(event);
    } catch (error) {
      this.#options.logger.error({ err: error, runId: this.id }, 'emitting a run event failed');
    }
  }

  /**
   * Stores the parts so far at most once per {@link PERSIST_INTERVAL_MS}: live runs are served
   * from memory (joins overlay them), so the store only needs to be close for a restart, and
   * copying the whole answer on every delta cost more CPU than streaming it.
   */
  #schedulePersist(): void {
    if (this.#persistTimer) return;
    this.#persistTimer = setTimeout(() => {
      this.#persistTimer = null;
      if (this.#phase === 'running') void this.#persist({ parts: this.#partsSnapshot() });
    }, PERSIST_INTERVAL_MS);
  }

  #persist(patch: MessagePatch): Promise<unknown> {
    // Writes are chained so the store sees them in order.
    this.#persistChain = this.#persistChain
      .then(() => this.#options.store.updateMessage(this.messageId, patch))
      .catch((error: unknown) =>
        this.#options.logger.error({ err: error, runId: this.id }, 'storing run output failed'),
      );
    return this.#persistChain;
  }

  /** The final parts: a tool call the run did not finish ends as failed (as clients show it). */
  #endParts(status: RunTerminalStatus): MessagePart[] {
    return applyRunEventToParts(this.#partsSnapshot(), {
      type: 'end',
      runId: this.id,
      conversationId: this.conversationId,
      seq: this.#seq + 1,
      status,
    });
  }

  #persistEnd(error: string | undefined): void {
    if (this.#persistTimer) {
      clearTimeout(this.#persistTimer);
      this.#persistTimer = null;
    }
    const status = this.#status as RunTerminalStatus;
    const patch: MessagePatch = {
      parts: this.#endParts(status),
      status: messageStatusOf[status],
      metadata: this.#metadata(),
      // Only a completed turn is a head to continue from; any other ends mid-graph.
      ...(status === 'completed' && this.#head !== undefined ? { checkpointId: this.#head } : {}),
    };
    if (error !== undefined) patch.error = error;
    const details: RunEndDetails = {
      attempt: this.#attempt,
      ...(this.#startedAtIso ? { startedAt: this.#startedAtIso } : {}),
      ...(this.#usage ? { usage: { ...this.#usage } } : {}),
      ...(error !== undefined ? { error } : {}),
    };
    void this.#persist(patch)
      .then(() => this.#options.store.updateRunStatus(this.id, status, details))
      .catch((storeError: unknown) =>
        this.#options.logger.error({ err: storeError, runId: this.id }, 'storing run end failed'),
      )
      .finally(() => this.#resolveDone());
  }
}
