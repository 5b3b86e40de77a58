import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { composeDemoAnswer, tokenize } from './demo-answers.js';

/** Options for {@link DemoChatModel}. */
export interface DemoChatModelFields extends BaseChatModelParams {
  /** Pause before each chunk, in ms. @default 25 */
  tokenDelayMs?: number;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The demo model call was aborted.');
  error.name = 'AbortError';
  return error;
}

function textOf(message: BaseMessage | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join('');
}

/**
 * The offline demo model: a real LangChain chat model that streams a deterministic markdown
 * answer, chosen by a hash of the last user message, one word-ish chunk at a time. It needs no
 * key and no network, and stops as soon as its call's abort signal fires.
 */
export class DemoChatModel extends BaseChatModel<BaseChatModelCallOptions> {
  readonly tokenDelayMs: number;

  static lc_name(): string {
    return 'DemoChatModel';
  }

  constructor(fields: DemoChatModelFields = {}) {
    const { tokenDelayMs, ...rest } = fields;
    super(rest);
    this.tokenDelayMs = tokenDelayMs ?? 25;
  }

  _llmType(): string {
    return 'demo';
  }

  /** The answer this model gives to `messages` (what a full stream concatenates to). */
  answerFor(messages: BaseMessage[]): string {
    const lastUser = [...messages].reverse().find((message) => message.getType() === 'human');
    return composeDemoAnswer(textOf(lastUser));
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const signal = options.signal;
    for (const token of tokenize(this.answerFor(messages))) {
      await sleep(this.tokenDelayMs, signal);
      // An abort that fired while the chunk was being consumed also stops the stream here.
      signal?.throwIfAborted();
      const chunk = new ChatGenerationChunk({
        text: token,
        message: new AIMessageChunk({
          content: token,
          response_metadata: { model_provider: 'demo', model_name: 'demo' },
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, {
        chunk,
      });
    }
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let text = '';
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) {
      text += chunk.text;
    }
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}
