import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { MessageMetadata } from 'svelte-langserve/protocol';
import type { AppConfig } from '../config.js';
import { DemoChatModel } from './demo.js';
import { createOpenAiChatModel } from './openai.js';

/** A chat model plus the facts about it that agents report and messages carry. */
export interface ModelProvider {
  /** `demo`, `openai`, or any name a test or embedder chooses. */
  provider: string;
  model: string;
  demo: boolean;
  chatModel: BaseChatModel;
  /** Set when the provider lacks settings: its agents report `health: unconfigured`. */
  unconfiguredReason?: string;
}

/** The metadata an assistant message written with `provider` carries. */
export function providerMetadata(provider: ModelProvider): MessageMetadata {
  return provider.demo
    ? { provider: provider.provider, model: provider.model, demo: true }
    : { provider: provider.provider, model: provider.model };
}

/** Builds the provider the configuration selects: OpenAI(-compatible) when set up, else demo. */
export function createProvider(config: AppConfig): ModelProvider {
  if (config.provider === 'openai') {
    return {
      provider: 'openai',
      model: config.openai.model,
      demo: false,
      chatModel: createOpenAiChatModel(config.openai),
    };
  }
  return {
    provider: 'demo',
    model: 'demo',
    demo: true,
    chatModel: new DemoChatModel({ tokenDelayMs: config.demoTokenDelayMs }),
  };
}
