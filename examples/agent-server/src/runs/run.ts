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
import type { Agent } from '../agents/agent.js';
import { toLangChainHistory } from '../agents/history.js';
import type { ConversationStore, MessagePatch } from '../conversations/store.js';
import { userSafeRunError } from './errors.js';
import { RUN_STREAM_MODES } from '../agents/agent.js';
import { adaptMessageStream, type UnnumberedRunEvent } from './stream-adapter.js';

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
}

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
  /** Text received from the model but not emitted yet. */
  #buffer = '';
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #lastDeltaAt = 0;
  #persistChain: Promise<unknown> = Promise.resolve();
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
      metadata: this.#options.agent.metadata,
      ...this.messageSnapshot(),
    };
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
    this.#emit({
      type: 'start',
      runId: this.id,
      conversationId: this.conversationId,
      seq: 0,
      messageId: this.messageId,
      agentId: this.agentId,
      attempt: 1,
      createdAt: this.#options.createdAt,
      metadata: this.#options.agent.metadata,
    });
    if (this.#pendingEnd) {
      this.finish(this.#pendingEnd);
      return;
    }
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
    this.#flush();
    this.#status = status;
    this.#error = error;
    const end: RunEvent = {
      type: 'end',
      runId: this.id,
      conversationId: this.conversationId,
      seq: this.#seq + 1,
      status,
    };
    if (error !== undefined) end.error = error;
    this.#emit(end);
    if (!this.#controller.signal.aborted) this.#controller.abort();
    this.#persistEnd(error);
    return true;
  }

  async #execute(): Promise<void> {
    const { agent, store, logger } = this.#options;
    const signal = this.#controller.signal;
    try {
      const messages = await toLangChainHistory(
        await store.listMessages(this.conversationId),
        this.#options.triggerMessageId,
      );
      signal.throwIfAborted();
      const stream = await agent.graph.stream(
        { messages },
        { streamMode: RUN_STREAM_MODES, signal },
      );
      for await (const event of adaptMessageStream(stream)) {
        if (this.#phase !== 'running') break;
        if (event.type === 'text-delta') this.#pushText(event.text);
        else this.#pushToolEvent(event);
      }
      this.finish(signal.aborted ? 'cancelled' : 'completed');
    } catch (error) {
      if (this.#phase !== 'running') return;
      if (signal.aborted) {
        this.finish('cancelled');
        return;
      }
      logger.error({ err: error, runId: this.id, agentId: this.agentId }, 'run failed');
      this.finish('failed', userSafeRunError(error));
    }
  }

  #pushText(text: string): void {
    if (this.#phase !== 'running' || text.length === 0) return;
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
    const delta: RunEvent = {
      type: 'text-delta',
      runId: this.id,
      conversationId: this.conversationId,
      seq: this.#seq + 1,
      text,
    };
    this.#parts = applyRunEventToParts(this.#parts, delta);
    this.#emit(delta);
    this.#persist({ parts: this.#partsSnapshot() });
  }

  /** Applies a tool event to the parts and emits it, after any pending text (keeps order). */
  #pushToolEvent(event: Exclude<UnnumberedRunEvent, { type: 'text-delta' }>): void {
    if (this.#phase !== 'running') return;
    this.#flush();
    const numbered = {
      ...event,
      runId: this.id,
      conversationId: this.conversationId,
      seq: this.#seq + 1,
    } as RunEvent;
    const parts = applyRunEventToParts(this.#parts, numbered);
    // A repeated start, or an event for a call that never started, changes nothing: not sent.
    if (parts === this.#parts) return;
    this.#parts = parts;
    this.#emit(numbered);
    this.#persist({ parts: this.#partsSnapshot() });
  }

  /** The parts as stored: a copy; an empty answer is one empty text part. */
  #partsSnapshot(): MessagePart[] {
    if (this.#parts.length === 0) return [{ type: 'text', text: '' }];
    return this.#parts.map((part) => ({ ...part }));
  }

  #emit(event: RunEvent): void {
    this.#seq = event.seq;
    this.#events.push(event);
    try {
      this.#options.emit(event);
    } catch (error) {
      this.#options.logger.error({ err: error, runId: this.id }, 'emitting a run event failed');
    }
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
    const status = this.#status as RunTerminalStatus;
    const patch: MessagePatch = {
      parts: this.#endParts(status),
      status: messageStatusOf[status],
    };
    if (error !== undefined) patch.error = error;
    void this.#persist(patch)
      .then(() => this.#options.store.updateRunStatus(this.id, status))
      .catch((storeError: unknown) =>
        this.#options.logger.error({ err: storeError, runId: this.id }, 'storing run end failed'),
      )
      .finally(() => this.#resolveDone());
  }
}
