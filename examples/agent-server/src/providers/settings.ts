import type {
  AgentSettingsSpec,
  NumberSettingSpec,
  RunSettingName,
  RunSettings,
} from 'svelte-langserve/protocol';
import { RUN_SETTING_NAMES } from 'svelte-langserve/protocol';

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

/** An agent's narrowing of its provider's settings (from the agents configuration file). */
export type SettingsOverride = {
  [K in RunSettingName]?: Partial<Omit<NumberSettingSpec, 'integer'>>;
};

/**
 * Applies an agent's override to its provider's settings. Returns the merged spec, or the
 * problems (an override may only narrow the provider's range, and its default must lie in it).
 */
export function mergeSettings(
  base: AgentSettingsSpec,
  override: SettingsOverride | undefined,
  where: string,
): { spec: AgentSettingsSpec; problems: string[] } {
  const spec: AgentSettingsSpec = {};
  const problems: string[] = [];
  for (const name of RUN_SETTING_NAMES) {
    const provided = base[name];
    const change = override?.[name];
    if (!provided) {
      if (change)
        problems.push(`${where}.settings.${name}: this agent's provider does not accept ${name}`);
      continue;
    }
    const merged: NumberSettingSpec = { ...provided, ...change };
    if (merged.min < provided.min || merged.max > provided.max || merged.min > merged.max)
      problems.push(
        `${where}.settings.${name}: the range must lie within ${provided.min}..${provided.max}`,
      );
    else if (merged.default !== undefined && !settingFits(merged, merged.default))
      problems.push(
        `${where}.settings.${name}.default: ${merged.default} is outside ${merged.min}..${merged.max}`,
      );
    spec[name] = merged;
  }
  return { spec, problems };
}

function settingFits(spec: NumberSettingSpec, value: number): boolean {
  return (
    Number.isFinite(value) &&
    value >= spec.min &&
    value <= spec.max &&
    (!spec.integer || Number.isInteger(value))
  );
}

/**
 * Checks a message's settings against an agent's spec. Returns the settings to use (the
 * message's values over the spec's defaults) or a message naming the setting and the agent.
 */
export function resolveRunSettings(
  spec: AgentSettingsSpec,
  requested: RunSettings | undefined,
  agentName: string,
): { ok: true; settings: RunSettings } | { ok: false; error: string } {
  const settings: RunSettings = {};
  for (const name of RUN_SETTING_NAMES) {
    const value = requested?.[name];
    const limits = spec[name];
    if (value === undefined) {
      if (limits?.default !== undefined) settings[name] = limits.default;
      continue;
    }
    if (!limits) return { ok: false, error: `${agentName} does not accept the ${name} setting.` };
    if (!settingFits(limits, value))
      return {
        ok: false,
        error:
          `${name} must be ${limits.integer ? 'a whole number ' : ''}from ${limits.min} to ` +
          `${limits.max} for ${agentName} (got ${value}).`,
      };
    settings[name] = value;
  }
  return { ok: true, settings };
}
