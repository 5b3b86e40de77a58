import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';

/**
 * A tiny scripted chat model for tests: yields `tokens` with `delayMs` between them (0 = no
 * pause at all, as fast as possible), and records what it saw — calls, abort, chunks yielded.
 */
export class ScriptedChatModel extends BaseChatModel {
  tokens: string[];
  delayMs: number;
  /** Throw this error after `failAfter` tokens. */
  failWith: Error | undefined;
  failAfter = 0;
  /** Only the first this-many calls fail with `failWith` (undefined: every call). */
  failCalls: number | undefined;
  /** Before token `stallAt`, wait silently until the call is aborted. */
  stallAt: number | undefined;
  /** Only the first this-many calls stall (undefined: every call). */
  stallCalls: number | undefined;
  /** Awaited before each token: lets a test hold a stream at a point it chooses. */
  beforeToken: ((index: number, messages: BaseMessage[]) => Promise<void> | void) | undefined;
  calls = 0;
  aborted = 0;
  yielded = 0;
  lastInput: BaseMessage[] = [];
  #onAbort: Array<() => void> = [];

  constructor(options: {
    tokens: string[];
    delayMs?: number;
    failWith?: Error;
    failAfter?: number;
    failCalls?: number;
    stallAt?: number;
    stallCalls?: number;
    beforeToken?: (index: number, messages: BaseMessage[]) => Promise<void> | void;
  }) {
    super({});
    this.tokens = options.tokens;
    this.delayMs = options.delayMs ?? 0;
    this.failWith = options.failWith;
    this.failAfter = options.failAfter ?? 0;
    this.failCalls = options.failCalls;
    this.stallAt = options.stallAt;
    this.stallCalls = options.stallCalls;
    this.beforeToken = options.beforeToken;
  }

  _llmType(): string {
    return 'scripted';
  }

  /** Resolves when the model has observed an abort signal. */
  waitForAbort(): Promise<void> {
    if (this.aborted > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onAbort.push(resolve));
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    this.calls += 1;
    this.lastInput = messages;
    const signal = options.signal;
    signal?.addEventListener(
      'abort',
      () => {
        this.aborted += 1;
        for (const resolve of this.#onAbort.splice(0)) resolve();
      },
      { once: true },
    );
    const call = this.calls;
    const fails = this.failWith && (this.failCalls === undefined || call <= this.failCalls);
    const stalls = this.stallCalls === undefined || call <= this.stallCalls;
    for (const [index, token] of this.tokens.entries()) {
      if (fails && index === this.failAfter) throw this.failWith;
      if (stalls && index === this.stallAt) {
        await new Promise<void>((_resolve, reject) => {
          if (signal?.aborted) reject(new Error('aborted'));
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
      }
      await this.beforeToken?.(index, messages);
      if (this.delayMs > 0) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          };
          const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, this.delayMs);
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      }
      signal?.throwIfAborted();
      const chunk = new ChatGenerationChunk({ text: token, message: new AIMessageChunk(token) });
      this.yielded += 1;
      yield chunk;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, {
        chunk,
      });
    }
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
  ): Promise<ChatResult> {
    let text = '';
    for await (const chunk of this._streamResponseChunks(messages, options)) text += chunk.text;
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}
