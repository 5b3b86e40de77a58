import type { FastifyBaseLogger } from 'fastify';
import type {
  MessageMetadata,
  MessagePart,
  RunTerminalStatus,
  TokenUsage,
} from 'svelte-langserve/protocol';
import type { ConversationStore, MessagePatch, RunEndDetails } from '../conversations/store.js';
import { messageStatusOf } from './run-phases.js';

/** How often a live run stores its answer so far, in ms. */
export const PERSIST_INTERVAL_MS = 250;

/** What {@link RunPersistence} needs. */
export interface RunPersistenceOptions {
  runId: string;
  /** The run's assistant message (already in the store). */
  messageId: string;
  store: ConversationStore;
  logger: FastifyBaseLogger;
  /** Whether the run still streams (a periodic write is skipped once it does not). */
  streaming(): boolean;
  /** The parts so far, as stored (a copy). */
  parts(): MessagePart[];
}

/** What a run's end stores: the final message and the run record's end. */
export interface RunEndState {
  status: RunTerminalStatus;
  error: string | undefined;
  /** The final parts (see `Run`'s end parts). */
  parts: MessagePart[];
  metadata: MessageMetadata;
  attempt: number;
  startedAt: string | undefined;
  usage: TokenUsage | undefined;
}

/**
 * What a run writes to the store, and when: its parts so far at most once per
 * {@link PERSIST_INTERVAL_MS}, then once its final message (with the checkpoint head of a
 * completed turn) and its run record's end. Writes are chained, in order.
 */
export class RunPersistence {
  readonly #options: RunPersistenceOptions;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The latest checkpoint the graph wrote on the run's thread (the head, once it completes). */
  #head: string | undefined;
  readonly #stored: Promise<void>;
  #resolveStored!: () => void;

  constructor(options: RunPersistenceOptions) {
    this.#options = options;
    this.#stored = new Promise((resolve) => (this.#resolveStored = resolve));
  }

  /** Resolves once the run's end is stored (or storing it failed and was logged). */
  get stored(): Promise<void> {
    return this.#stored;
  }

  /** Notes a checkpoint the graph wrote on the run's thread; undefined forgets (a new attempt). */
  checkpoint(id: string | undefined): void {
    this.#head = id;
  }

  /**
   * Stores the parts so far at most once per {@link PERSIST_INTERVAL_MS}: live runs are served
   * from memory (joins overlay them), so the store only needs to be close for a restart, and
   * copying the whole answer on every delta cost more CPU than streaming it.
   */
  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#options.streaming()) void this.#write({ parts: this.#options.parts() });
    }, PERSIST_INTERVAL_MS);
  }

  #write(patch: MessagePatch): Promise<unknown> {
    const { store, messageId, logger, runId } = this.#options;
    // Writes are chained so the store sees them in order.
    this.#chain = this.#chain
      .then(() => store.updateMessage(messageId, patch))
      .catch((error: unknown) => logger.error({ err: error, runId }, 'storing run output failed'));
    return this.#chain;
  }

  /** Stores the final message, then the run's end; {@link RunPersistence.stored} resolves after. */
  end(state: RunEndState): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const { status, error } = state;
    const patch: MessagePatch = {
      parts: state.parts,
      status: messageStatusOf[status],
      metadata: state.metadata,
      // Only a completed turn is a head to continue from; any other ends mid-graph.
      ...(status === 'completed' && this.#head !== undefined ? { checkpointId: this.#head } : {}),
    };
    if (error !== undefined) patch.error = error;
    const details: RunEndDetails = {
      attempt: state.attempt,
      ...(state.startedAt ? { startedAt: state.startedAt } : {}),
      ...(state.usage ? { usage: { ...state.usage } } : {}),
      ...(error !== undefined ? { error } : {}),
    };
    const { store, runId, logger } = this.#options;
    void this.#write(patch)
      .then(() => store.updateRunStatus(runId, status, details))
      .catch((storeError: unknown) =>
        logger.error({ err: storeError, runId }, 'storing run end failed'),
      )
      .finally(() => this.#resolveStored());
  }
}
