import type {
  AgentSettingsSpec,
  NumberSettingSpec,
  RunSettingName,
  RunSettings,
} from 'svelte-langserve/protocol';
import { RUN_SETTING_NAMES } from 'svelte-langserve/protocol';

/** A narrowing of a settings spec (e.g. an agent's, of its provider's). */
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
