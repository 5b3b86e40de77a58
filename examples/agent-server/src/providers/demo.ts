import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import {
  AIMessageChunk,
  ToolMessage,
  type AIMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { textOfContent } from '@svelte-langserve/server';
import {
  asksToReason,
  composeDemoAnswer,
  composeDemoReasoning,
  hashText,
  tokenize,
} from './demo-answers.js';
import { composeToolAnswer, pickDemoToolCall, splitIntoPieces } from './demo-tools.js';

/** Call options of {@link DemoChatModel}: the tools bound with `bindTools`. */
export interface DemoChatModelCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

function toolNameOf(input: BindToolsInput): string | undefined {
  const value = input as { name?: unknown; function?: { name?: unknown } };
  if (typeof value.name === 'string') return value.name;
  if (typeof value.function?.name === 'string') return value.function.name;
  return undefined;
}

/** Options for {@link DemoChatModel}. */
export interface DemoChatModelFields extends BaseChatModelParams {
  /** Pause before each chunk, in ms. @default 25 */
  tokenDelayMs?: number;
  /** Stop after this many text tokens (finish reason `length`). @default no limit */
  maxTokens?: number;
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
  return message ? textOfContent(message.content) : '';
}

/**
 * The offline demo model: a real LangChain chat model that streams a deterministic markdown
 * answer, chosen by a hash of the last user message, one word-ish chunk at a time. A message
 * that says "think" or "reason" gets a short reasoning first, streamed as
 * `additional_kwargs.reasoning_content` (as OpenAI-compatible servers send it). It needs no key
 * and no network, and stops as soon as its call's abort signal fires.
 */
export class DemoChatModel extends BaseChatModel<DemoChatModelCallOptions> {
  readonly tokenDelayMs: number;
  readonly maxTokens: number | undefined;

  static lc_name(): string {
    return 'DemoChatModel';
  }

  constructor(fields: DemoChatModelFields = {}) {
    const { tokenDelayMs, maxTokens, ...rest } = fields;
    super(rest);
    this.tokenDelayMs = tokenDelayMs ?? 25;
    this.maxTokens = maxTokens;
  }

  _llmType(): string {
    return 'demo';
  }

  /** Binds tools: the demo model calls them when a user message triggers one (see demo-tools). */
  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<DemoChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, DemoChatModelCallOptions> {
    return this.withConfig({ tools, ...kwargs });
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
    const last = messages[messages.length - 1];
    if (last && ToolMessage.isInstance(last)) {
      const name = last.name ?? this.#toolNameFor(messages, last.tool_call_id) ?? 'tool';
      const content = textOf(last).replace(/\s*Please fix your mistakes\.?\s*$/, '');
      yield* this.#streamText(
        composeToolAnswer(name, content.replace(/^Error:\s*/, ''), last.status === 'error'),
        messages,
        options,
        runManager,
      );
      return;
    }
    const tools = new Set(
      (options.tools ?? []).map(toolNameOf).filter((name): name is string => !!name),
    );
    const call = last && last.getType() === 'human' ? pickDemoToolCall(textOf(last), tools) : null;
    if (call) {
      const id = `call_demo_${hashText(`${messages.length}:${textOf(last)}`).toString(16)}`;
      const pieces = splitIntoPieces(JSON.stringify(call.args), 3);
      for (const [index, piece] of ['', ...pieces].entries()) {
        await sleep(this.tokenDelayMs, signal);
        signal?.throwIfAborted();
        const chunk = new ChatGenerationChunk({
          text: '',
          message: new AIMessageChunk({
            content: '',
            tool_call_chunks: [
              index === 0
                ? { type: 'tool_call_chunk', id, name: call.name, args: piece, index: 0 }
                : { type: 'tool_call_chunk', args: piece, index: 0 },
            ],
            response_metadata: { model_provider: 'demo', model_name: 'demo' },
          }),
        });
        yield chunk;
        await runManager?.handleLLMNewToken('', undefined, undefined, undefined, undefined, {
          chunk,
        });
      }
      return;
    }
    if (last && last.getType() === 'human' && asksToReason(textOf(last)))
      yield* this.#streamReasoning(composeDemoReasoning(textOf(last)), options, runManager);
    yield* this.#streamText(this.answerFor(messages), messages, options, runManager);
  }

  /** Streams `reasoning` token by token as `reasoning_content`, before the answer. */
  async *#streamReasoning(
    reasoning: string,
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    for (const token of tokenize(reasoning)) {
      await sleep(this.tokenDelayMs, options.signal);
      options.signal?.throwIfAborted();
      const chunk = new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          additional_kwargs: { reasoning_content: token },
          response_metadata: { model_provider: 'demo', model_name: 'demo' },
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken('', undefined, undefined, undefined, undefined, {
        chunk,
      });
    }
  }

  #toolNameFor(messages: BaseMessage[], toolCallId: string): string | undefined {
    for (const message of messages) {
      const calls = (message as AIMessage).tool_calls;
      const call = calls?.find((candidate) => candidate.id === toolCallId);
      if (call) return call.name;
    }
    return undefined;
  }

  async *#streamText(
    text: string,
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const signal = options.signal;
    const all = tokenize(text);
    const tokens = this.maxTokens !== undefined ? all.slice(0, this.maxTokens) : all;
    for (const token of tokens) {
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
    // The demo's own token counts (its tokenizer, not a real model's), and why it stopped.
    const inputTokens = messages.reduce(
      (total, message) => total + tokenize(textOf(message)).length,
      0,
    );
    yield new ChatGenerationChunk({
      text: '',
      message: new AIMessageChunk({
        content: '',
        response_metadata: {
          model_provider: 'demo',
          model_name: 'demo',
          finish_reason: tokens.length < all.length ? 'length' : 'stop',
        },
        usage_metadata: {
          input_tokens: inputTokens,
          output_tokens: tokens.length,
          total_tokens: inputTokens + tokens.length,
        },
      }),
    });
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let whole: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) {
      whole = whole ? whole.concat(chunk) : chunk;
    }
    const message = whole?.message ?? new AIMessageChunk('');
    return { generations: [{ text: whole?.text ?? '', message }] };
  }
}
