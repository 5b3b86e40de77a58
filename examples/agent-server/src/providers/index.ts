import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AgentSettingsSpec, MessageMetadata, RunSettings } from 'svelte-langserve/protocol';
import type { AgentConfig } from '../agents/config-file.js';
import type { AppConfig } from '../config.js';
import { createAnthropicChatModel } from './anthropic.js';
import { DemoChatModel } from './demo.js';
import { createOpenAiChatModel } from './openai.js';
import { PROVIDER_SETTINGS } from './settings.js';

/** A chat model plus the facts about it that agents report and messages carry. */
export interface ModelProvider {
  /** `demo`, `openai`, `anthropic`, or any name a test or embedder chooses. */
  provider: string;
  model: string;
  demo: boolean;
  /** The model with the provider's defaults. */
  chatModel: BaseChatModel;
  /**
   * The model for a run's settings. Absent: the provider takes no runtime settings (and
   * `settings` should be empty).
   */
  withSettings?: (settings: RunSettings) => BaseChatModel;
  /** The runtime settings the model accepts. Default: none. */
  settings?: AgentSettingsSpec;
  /** Set when the provider lacks settings: its agents report `health: unconfigured`. */
  unconfiguredReason?: string;
  /** The model reports a finish/stop reason at the end of every answer (see `Agent`). */
  reportsFinishReason?: boolean;
}

/** The metadata an assistant message written with `provider` carries. */
export function providerMetadata(provider: ModelProvider): MessageMetadata {
  return provider.demo
    ? { provider: provider.provider, model: provider.model, demo: true }
    : { provider: provider.provider, model: provider.model };
}

/** Models are cached per distinct settings; this bounds the cache of one provider. */
const MAX_CACHED_MODELS = 32;

function cachedFactory(create: (settings: RunSettings) => BaseChatModel) {
  const cache = new Map<string, BaseChatModel>();
  return (settings: RunSettings): BaseChatModel => {
    const key = JSON.stringify([settings.temperature, settings.maxTokens, settings.topP]);
    let model = cache.get(key);
    if (!model) {
      model = create(settings);
      if (cache.size >= MAX_CACHED_MODELS) cache.delete(cache.keys().next().value as string);
      cache.set(key, model);
    }
    return model;
  };
}

/** Builds the provider one agent's configuration selects. */
export function createProvider(
  config: Pick<AppConfig, 'openai' | 'anthropic' | 'demoTokenDelayMs'>,
  agent: Pick<AgentConfig, 'provider' | 'model' | 'settings'>,
): ModelProvider {
  const settings = agent.settings;
  /** A provider over a real model API: models per settings, and why it cannot run, if so. */
  const hosted = (
    provider: 'openai' | 'anthropic',
    create: (runSettings: RunSettings) => BaseChatModel,
    unconfiguredReason: string | undefined,
  ): ModelProvider => {
    const factory = cachedFactory(create);
    return {
      provider,
      model: agent.model,
      demo: false,
      reportsFinishReason: true,
      chatModel: factory({}),
      withSettings: factory,
      settings,
      ...(unconfiguredReason !== undefined ? { unconfiguredReason } : {}),
    };
  };
  switch (agent.provider) {
    case 'openai':
      return hosted(
        'openai',
        (runSettings) =>
          createOpenAiChatModel({ ...config.openai, model: agent.model, settings: runSettings }),
        config.openai.apiKey !== undefined || config.openai.baseURL !== undefined
          ? undefined
          : 'Set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server.',
      );
    case 'anthropic':
      return hosted(
        'anthropic',
        (runSettings) =>
          createAnthropicChatModel({
            ...config.anthropic,
            // Unconfigured agents are never run (sends to them are refused), but the client
            // must still be constructible.
            apiKey: config.anthropic.apiKey ?? 'unconfigured',
            model: agent.model,
            settings: runSettings,
          }),
        config.anthropic.apiKey !== undefined ? undefined : 'Set ANTHROPIC_API_KEY.',
      );
    case 'demo': {
      const factory = cachedFactory(
        (runSettings) =>
          new DemoChatModel({
            tokenDelayMs: config.demoTokenDelayMs,
            ...(runSettings.maxTokens !== undefined ? { maxTokens: runSettings.maxTokens } : {}),
          }),
      );
      return {
        provider: 'demo',
        model: 'demo',
        demo: true,
        chatModel: factory({}),
        withSettings: factory,
        settings,
      };
    }
  }
}

export { PROVIDER_SETTINGS };
