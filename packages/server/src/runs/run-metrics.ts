import type { AIMessage } from '@langchain/core/messages';
import type { MessageMetadata, RunEvent, RunSettings, TokenUsage } from 'svelte-langserve/protocol';
import type { Agent } from '../agents/agent.js';

/** Events that are not the model's output: they do not end the wait for the first token. */
const NOT_TOKENS = new Set<RunEvent['type']>(['start', 'end', 'status', 'data']);

/** What {@link RunMetrics} needs. */
export interface RunMetricsOptions {
  /** The run's agent (whether its model must report why it stopped). */
  agent: Pick<Agent, 'requiresFinishReason'>;
  /** The message's runtime settings (reported in the metadata). */
  settings: RunSettings | undefined;
}

/**
 * What a run measures and observes of its model: attempts, timings (start, first token), the
 * reported token usage, model chunks, and whether the latest model turn said why it stopped.
 * At the end it becomes the message's metadata ({@link RunMetrics.end}).
 */
export class RunMetrics {
  readonly #options: RunMetricsOptions;
  #attempt = 1;
  #startedAt = 0;
  #startedAtIso: string | undefined;
  #firstTokenAt = 0;
  #modelChunks = 0;
  #usage: TokenUsage | undefined;
  /** Whether the latest model turn reported why it stopped (false: the stream was cut short). */
  #finished = true;
  /** Set once at the end: facts known only then (usage, timings, attempts). */
  #endMetadata: MessageMetadata | undefined;

  constructor(options: RunMetricsOptions) {
    this.#options = options;
  }

  /** The model call attempt under way (1 = the first). */
  get attempt(): number {
    return this.#attempt;
  }

  /** When the run started (`performance.now()`; 0 before). */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** When the run started, as an ISO date (undefined before). */
  get startedAtIso(): string | undefined {
    return this.#startedAtIso;
  }

  /** The token usage the attempt's model turns reported so far, added up. */
  get usage(): TokenUsage | undefined {
    return this.#usage;
  }

  /** Whether the latest model turn reported why it stopped (false: the stream was cut short). */
  get finished(): boolean {
    return this.#finished;
  }

  /** The metadata measured at the end (undefined before). */
  get endMetadata(): MessageMetadata | undefined {
    return this.#endMetadata;
  }

  /** Notes the start of the run. */
  start(): void {
    this.#startedAt = performance.now();
    this.#startedAtIso = new Date().toISOString();
  }

  /** Notes an emitted event: the first of the model's output is the first token. */
  emitted(type: RunEvent['type']): void {
    if (this.#firstTokenAt === 0 && !NOT_TOKENS.has(type)) this.#firstTokenAt = performance.now();
  }

  /** Counts a streamed model chunk with content. */
  chunk(): void {
    this.#modelChunks += 1;
  }

  /** Adds a model turn's reported usage, and notes whether it said why it stopped. */
  observeModelMessage(message: AIMessage): void {
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

  /** Starts the next attempt: what the failed one's model reported is dropped. */
  nextAttempt(): void {
    this.#attempt += 1;
    this.#usage = undefined;
    this.#modelChunks = 0;
    this.#finished = true;
  }

  /** Usage, time to first token, tokens per second, settings and attempts, as far as known. */
  measure(): MessageMetadata {
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

  /** Measures the ended run: the result is kept as {@link RunMetrics.endMetadata}. */
  end(): MessageMetadata {
    this.#endMetadata = this.measure();
    return this.#endMetadata;
  }
}
