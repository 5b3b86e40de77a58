import { ChatAnthropic } from '@langchain/anthropic';
import type { RunSettings } from 'svelte-langserve/protocol';

/** Options for {@link createAnthropicChatModel}. */
export interface AnthropicProviderOptions {
  model: string;
  apiKey?: string;
  /** Another Messages API endpoint (a proxy, or the test tree's wire-format server). */
  baseURL?: string;
  settings?: RunSettings;
}

/**
 * A streaming `ChatAnthropic`. The SDK's own retries are off: the run retries failures before
 * the first token itself, honouring `Retry-After`, so every attempt is visible and bounded by
 * the run's timeout.
 */
export function createAnthropicChatModel(options: AnthropicProviderOptions): ChatAnthropic {
  const { settings = {} } = options;
  return new ChatAnthropic({
    model: options.model,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.baseURL !== undefined ? { anthropicApiUrl: options.baseURL } : {}),
    streaming: true,
    maxRetries: 0,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.topP !== undefined ? { topP: settings.topP } : {}),
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
  });
}
