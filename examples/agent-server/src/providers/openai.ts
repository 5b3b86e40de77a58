import { ChatOpenAI } from '@langchain/openai';

/** Options for {@link createOpenAiChatModel}. */
export interface OpenAiProviderOptions {
  model: string;
  apiKey?: string;
  /** Any OpenAI-compatible server (llama.cpp, vLLM, Ollama, LM Studio...). */
  baseURL?: string;
  /** Retries of a failed request before any output. @default 2 */
  maxRetries?: number;
}

/**
 * Used as the API key when only a base URL is configured: local OpenAI-compatible servers
 * usually ignore the key, but the OpenAI client refuses to start without one.
 */
export const PLACEHOLDER_API_KEY = 'not-needed-for-local-servers';

/** A streaming `ChatOpenAI` for OpenAI or any OpenAI-compatible server. */
export function createOpenAiChatModel(options: OpenAiProviderOptions): ChatOpenAI {
  return new ChatOpenAI({
    model: options.model,
    apiKey: options.apiKey ?? PLACEHOLDER_API_KEY,
    streaming: true,
    // Chat Completions is what OpenAI-compatible servers speak; never switch to Responses.
    useResponsesApi: false,
    maxRetries: options.maxRetries ?? 2,
    ...(options.baseURL ? { configuration: { baseURL: options.baseURL } } : {}),
  });
}
