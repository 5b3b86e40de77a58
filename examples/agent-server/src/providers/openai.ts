import { ChatOpenAI } from '@langchain/openai';
import type { RunSettings } from 'svelte-langserve/protocol';

/** Options for {@link createOpenAiChatModel}. */
export interface OpenAiProviderOptions {
  model: string;
  apiKey?: string;
  /** Any OpenAI-compatible server (llama.cpp, vLLM, Ollama, LM Studio...). */
  baseURL?: string;
  settings?: RunSettings;
}

/**
 * Used as the API key when only a base URL is configured: local OpenAI-compatible servers
 * usually ignore the key, but the OpenAI client refuses to start without one.
 */
export const PLACEHOLDER_API_KEY = 'not-needed-for-local-servers';

/**
 * A streaming `ChatOpenAI` for OpenAI or any OpenAI-compatible server. The SDK's own retries
 * are off: the run retries failures before the first token itself, honouring `Retry-After`.
 */
export function createOpenAiChatModel(options: OpenAiProviderOptions): ChatOpenAI {
  const { settings = {} } = options;
  return new ChatOpenAI({
    model: options.model,
    apiKey: options.apiKey ?? PLACEHOLDER_API_KEY,
    streaming: true,
    // Token usage arrives in a last chunk (stream_options.include_usage).
    streamUsage: true,
    // Chat Completions is what OpenAI-compatible servers speak; never switch to Responses.
    useResponsesApi: false,
    maxRetries: 0,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.topP !== undefined ? { topP: settings.topP } : {}),
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    ...(options.baseURL ? { configuration: { baseURL: options.baseURL } } : {}),
  });
}
