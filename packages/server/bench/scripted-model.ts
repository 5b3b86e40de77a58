import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';

/** The prompt that asks the bench model for stream `seed`'s answer of `tokens` tokens. */
export const promptFor = (seed: string, tokens: number): string => `bench ${seed} ${tokens}`;

/** Token `index` of stream `seed`'s answer (unique per stream, so cross-talk shows). */
export const tokenText = (seed: string, index: number): string => `${seed}.${index} `;

/** The whole answer of stream `seed`: what a client must reassemble, character for character. */
export function expectedText(seed: string, tokens: number): string {
  let text = '';
  for (let index = 0; index < tokens; index += 1) text += tokenText(seed, index);
  return text;
}

/** The seed and token count a {@link promptFor} prompt (the last message) asks for. */
function parsePrompt(messages: BaseMessage[]): { seed: string; tokens: number } {
  const last = messages[messages.length - 1];
  const content = typeof last?.content === 'string' ? last.content : '';
  const [word, seed, tokens] = content.split(' ');
  if (word !== 'bench' || !seed || !tokens) throw new Error(`not a bench prompt: ${content}`);
  return { seed, tokens: Number(tokens) };
}

/** What the model generated in this process (read around a measurement window). */
export interface Generated {
  calls: number;
  tokens: number;
  chars: number;
}

/**
 * The bench's chat model: answers {@link promptFor}`(seed, n)` with n tokens
 * ({@link tokenText}), one every `delayMs` ms (also before the first one, so its own
 * time to first token is `delayMs` plus LangChain's call overhead). Counts what it generates.
 */
export class BenchChatModel extends BaseChatModel {
  readonly delayMs: number;
  readonly generated: Generated = { calls: 0, tokens: 0, chars: 0 };

  constructor(options: { delayMs: number }) {
    super({});
    this.delayMs = options.delayMs;
  }

  _llmType(): string {
    return 'bench-scripted';
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    this.generated.calls += 1;
    const { seed, tokens } = parsePrompt(messages);
    const signal = options.signal;
    for (let index = 0; index < tokens; index += 1) {
      await new Promise<void>((resolve) => setTimeout(resolve, this.delayMs));
      signal?.throwIfAborted();
      const token = tokenText(seed, index);
      const chunk = new ChatGenerationChunk({ text: token, message: new AIMessageChunk(token) });
      this.generated.tokens += 1;
      this.generated.chars += token.length;
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
