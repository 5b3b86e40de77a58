import type { FastifyBaseLogger } from 'fastify';
import {
  applyRunEventToParts,
  type MessageMetadata,
  type MessagePart,
  type RunEvent,
  type RunTerminalStatus,
} from 'svelte-langserve/protocol';
import type { DeltaType } from './delta-coalescer.js';
import type { UnnumberedRunEvent } from './stream-adapter.js';

/** What {@link RunOutput} needs. */
export interface RunOutputOptions {
  runId: string;
  conversationId: string;
  /** Where the events go (the conversation's room). */
  sink: (event: RunEvent) => void;
  logger: FastifyBaseLogger;
  /** Told of each event just before it is numbered in and sent (the run's metrics). */
  emitted(type: RunEvent['type']): void;
}

/**
 * A run's output: the events it emitted, numbered (`seq` 0 = start, then +1 per event) and kept
 * for replay, and the parts of the answer they add up to.
 */
export class RunOutput {
  readonly #options: RunOutputOptions;
  readonly #events: RunEvent[] = [];
  #seq = -1;
  /** Parts emitted so far, text and tool calls in order (equal to the stored message's). */
  #parts: MessagePart[] = [];
  /** The last activity sent (`status` events), so an unchanged one is not sent again. */
  #activity = '';

  constructor(options: RunOutputOptions) {
    this.#options = options;
  }

  /** The last emitted event's `seq` (-1 before start). */
  get seq(): number {
    return this.#seq;
  }

  /** Whether the answer's last part is reasoning. */
  get inReasoning(): boolean {
    return this.#parts.at(-1)?.type === 'reasoning';
  }

  /** The events emitted after `seq`, oldest first. */
  eventsAfter(seq: number): RunEvent[] {
    return this.#events.filter((event) => event.seq > seq);
  }

  /** Sends an event (numbered by the caller), keeping it for replay. */
  emit(event: RunEvent): void {
    this.#options.emitted(event.type);
    this.#seq = event.seq;
    this.#events.push(event);
    try {
      this.#options.sink(event);
    } catch (error) {
      this.#options.logger.error(
        { err: error, runId: this.#options.runId },
        'emitting a run event failed',
      );
    }
  }

  /** Emits the terminal event. */
  end(status: RunTerminalStatus, metadata: MessageMetadata, error: string | undefined): void {
    const end: RunEvent = {
      type: 'end',
      runId: this.#options.runId,
      conversationId: this.#options.conversationId,
      seq: this.#seq + 1,
      status,
      metadata,
    };
    if (error !== undefined) end.error = error;
    this.emit(end);
  }

  /** Emits coalesced text or reasoning (see `DeltaCoalescer`) and adds it to the parts. */
  delta(type: DeltaType, text: string, durationMs: number): void {
    const { runId, conversationId } = this.#options;
    const seq = this.#seq + 1;
    // Object literals, not a spread of shared fields: every delta then shares one hidden class
    // (a spread object gets its own, ~300 bytes more per event held for replay).
    const delta: RunEvent =
      type === 'reasoning-delta'
        ? { runId, conversationId, seq, text, type: 'reasoning-delta', durationMs }
        : { runId, conversationId, seq, text, type: 'text-delta' };
    this.#parts = applyRunEventToParts(this.#parts, delta);
    this.emit(delta);
  }

  /** Whether `event` is a status event whose text was the last sent (it is not sent again). */
  repeatsActivity(event: Exclude<UnnumberedRunEvent, { type: DeltaType }>): boolean {
    return event.type === 'status' && event.text === this.#activity;
  }

  /**
   * Numbers a tool, data or status event, applies it to the parts and emits it. A status event
   * changes no part and is not stored. Returns whether the parts changed.
   */
  push(event: Exclude<UnnumberedRunEvent, { type: DeltaType }>): boolean {
    const numbered = {
      ...event,
      runId: this.#options.runId,
      conversationId: this.#options.conversationId,
      seq: this.#seq + 1,
    } as RunEvent;
    if (numbered.type === 'status') {
      this.#activity = numbered.text;
      this.emit(numbered);
      return false;
    }
    const parts = applyRunEventToParts(this.#parts, numbered);
    // A repeated start, or an event for a call that never started, changes nothing: not sent.
    if (parts === this.#parts) return false;
    this.#parts = parts;
    this.emit(numbered);
    return true;
  }

  /** The parts as stored: a copy; an empty answer is one empty text part. */
  snapshot(): MessagePart[] {
    if (this.#parts.length === 0) return [{ type: 'text', text: '' }];
    return this.#parts.map((part) => ({ ...part }));
  }

  /** The final parts: a tool call the run did not finish ends as failed (as clients show it). */
  endParts(status: RunTerminalStatus): MessagePart[] {
    return applyRunEventToParts(this.snapshot(), {
      type: 'end',
      runId: this.#options.runId,
      conversationId: this.#options.conversationId,
      seq: this.#seq + 1,
      status,
    });
  }
}
