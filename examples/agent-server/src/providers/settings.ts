import type { AgentSettingsSpec } from 'svelte-langserve/protocol';

export { mergeSettings, type SettingsOverride } from '@svelte-langserve/server';

/** The providers an agent can be configured with. */
export const PROVIDER_NAMES = ['demo', 'openai', 'anthropic'] as const;

/** A provider an agent can be configured with. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/**
 * The runtime settings each provider's model accepts, with the provider's own limits. The demo
 * model is deterministic: it honours only `maxTokens` (it stops after that many tokens).
 */
export const PROVIDER_SETTINGS: Record<ProviderName, AgentSettingsSpec> = {
  demo: { maxTokens: { min: 1, max: 4096, integer: true } },
  openai: {
    temperature: { min: 0, max: 2 },
    topP: { min: 0, max: 1 },
    maxTokens: { min: 1, max: 128_000, integer: true },
  },
  anthropic: {
    temperature: { min: 0, max: 1 },
    topP: { min: 0, max: 1 },
    // The Messages API requires max_tokens: this default is sent when a message sets none.
    maxTokens: { min: 1, max: 64_000, integer: true, default: 4096 },
  },
};
