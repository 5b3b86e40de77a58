import { ConfigFormState, fitValues, type SchemaValues } from './config-form-state.svelte.js';
import { clampNumber, type NumberField } from './schema-fields.js';
import {
  RUN_SETTING_NAMES,
  type AgentInfo,
  type RunSettingName,
  type RunSettings,
} from '../../protocol/index.js';

/** One setting every given agent accepts, with the range all of them accept. */
export interface SharedSetting {
  name: RunSettingName;
  /** The largest of the agents' minimums. */
  min: number;
  /** The smallest of the agents' maximums. */
  max: number;
  /** True when any agent accepts only whole numbers (then `min` and `max` are whole too). */
  integer: boolean;
  /** The step of the controls: 1 for whole numbers, else 0.01. */
  step: number;
  /**
   * What the server uses when the setting is not sent: a number when every agent has that same
   * default, `'provider'` when none has one (the model's own default), `'mixed'` otherwise.
   */
  default: number | 'provider' | 'mixed';
}

/**
 * The settings every agent in `agents` accepts, in {@link RUN_SETTING_NAMES} order, each with
 * the narrowest range (the largest minimum, the smallest maximum). A setting whose ranges do
 * not overlap is left out. No agents: no settings.
 */
export function sharedSettings(agents: readonly AgentInfo[]): SharedSetting[] {
  if (agents.length === 0) return [];
  const shared: SharedSetting[] = [];
  for (const name of RUN_SETTING_NAMES) {
    const specs = agents.map((agent) => agent.settings?.[name]);
    if (specs.some((spec) => spec === undefined)) continue;
    const defined = specs as NonNullable<(typeof specs)[number]>[];
    const integer = defined.some((spec) => spec.integer === true);
    let min = Math.max(...defined.map((spec) => spec.min));
    let max = Math.min(...defined.map((spec) => spec.max));
    if (integer) {
      min = Math.ceil(min);
      max = Math.floor(max);
    }
    if (!(min <= max)) continue;
    const first = defined[0]!.default;
    const same = defined.every((spec) => spec.default === first);
    shared.push({
      name,
      min,
      max,
      integer,
      step: integer ? 1 : 0.01,
      default: !same ? 'mixed' : first === undefined ? 'provider' : first,
    });
  }
  return shared;
}

/** The run settings' names as shown. */
export const RUN_SETTING_LABELS: Readonly<Record<RunSettingName, string>> = Object.freeze({
  temperature: 'Temperature',
  maxTokens: 'Max tokens',
  topP: 'Top-p',
});

/**
 * A shared setting as a form field (what `AgentSettingsPanel` renders): its range, step and,
 * when every agent has the same one, its default.
 */
export function settingField(setting: SharedSetting): NumberField {
  return {
    kind: 'number',
    name: setting.name,
    label: RUN_SETTING_LABELS[setting.name],
    min: setting.min,
    max: setting.max,
    integer: setting.integer,
    step: setting.step,
    ...(typeof setting.default === 'number' ? { default: setting.default } : {}),
  };
}

/** A shared setting's default in words: its value, "differs by agent" or "the model's own". */
export function settingDefaultText(setting: SharedSetting): string {
  if (setting.default === 'mixed') return 'differs by agent';
  if (setting.default === 'provider') return "the model's own";
  return String(setting.default);
}

/** `value` brought inside `setting`'s range (and rounded, for whole-number settings). */
export function clampSetting(setting: SharedSetting, value: number): number {
  return clampNumber(settingField(setting), value);
}

/**
 * `settings` made to fit `shared`: a value outside its range is clamped to the nearest limit
 * (and rounded to a whole number where one is required); a setting not shared, or not a finite
 * number, is dropped. Returns `settings` itself when it already fits.
 */
export function fitSettings(settings: RunSettings, shared: readonly SharedSetting[]): RunSettings {
  return fitValues(settings as SchemaValues, shared.map(settingField)) as RunSettings;
}

/** Options for {@link ConfigPanelState}. */
export interface ConfigPanelStateOptions {
  /** The agents that will answer: only settings all of them accept are offered. */
  agents: () => readonly AgentInfo[];
  /** The current settings (only those the user set). */
  settings: () => RunSettings;
  /** Called with new settings whenever the user changes one, or a value no longer fits. */
  onChange: (settings: RunSettings) => void;
}

/**
 * A {@link ConfigFormState} over the run settings every agent in `agents` accepts (what
 * `AgentSettingsPanel` uses): its fields are {@link settingField}s of {@link sharedSettings}.
 * With no agents it leaves the settings alone (e.g. while the agent list loads); when the
 * agents change, a value outside the new range is clamped and a setting they no longer all
 * accept is dropped.
 */
export class AgentSettingsState extends ConfigFormState {
  readonly #agents: () => readonly AgentInfo[];
  readonly #shared: () => SharedSetting[];

  constructor(options: ConfigPanelStateOptions) {
    const shared = $derived(sharedSettings(options.agents()));
    const fields = $derived(shared.map(settingField));
    super({
      fields: () => (options.agents().length === 0 ? undefined : fields),
      values: () => options.settings() as SchemaValues,
      onChange: (values) => options.onChange(values as RunSettings),
    });
    this.#agents = options.agents;
    this.#shared = () => shared;
  }

  /** The settings every agent accepts, with their shared ranges. */
  get shared(): SharedSetting[] {
    return this.#shared();
  }

  /** Whether there are agents but no setting all of them accept. */
  get empty(): boolean {
    return this.#agents().length > 0 && this.#shared().length === 0;
  }

  /** Whether there are no agents to take settings from. */
  get noAgents(): boolean {
    return this.#agents().length === 0;
  }

  /** The text after "default:" in a setting's hint (`'differs by agent'`, …). */
  defaultOf(name: string): string | undefined {
    const setting = this.#shared().find((candidate) => candidate.name === name);
    return setting && settingDefaultText(setting);
  }
}

/**
 * The behaviour of the agent-settings panel, by setting name.
 *
 * @deprecated Use {@link AgentSettingsState} (a {@link ConfigFormState}: the same methods, by
 * field, with `shared` for what `fields` returned here). Kept for 0.1 code; removed in 1.0.
 */
export class ConfigPanelState {
  readonly #state: AgentSettingsState;

  constructor(options: ConfigPanelStateOptions) {
    this.#state = new AgentSettingsState(options);
  }

  /** The settings every agent accepts, with their shared ranges. */
  get fields(): SharedSetting[] {
    return this.#state.shared;
  }
  /** Whether there are agents but no setting all of them accept. */
  get empty(): boolean {
    return this.#state.empty;
  }
  /** Whether there are no agents to take settings from. */
  get noAgents(): boolean {
    return this.#state.noAgents;
  }
  /** Whether the user set `name` (rather than leaving it to the agents' defaults). */
  isSet(name: RunSettingName): boolean {
    return this.#state.isSet(name);
  }
  /** Whether the number box for `name` holds text that is not a value in range. */
  isInvalid(name: RunSettingName): boolean {
    return this.#state.isInvalid(name);
  }
  /** Where the slider sits: the value set, else the shared default, else mid-range. */
  position(setting: SharedSetting): number {
    return this.#state.position(settingField(setting));
  }
  /** What the number box shows: the value set, or nothing. */
  text(name: RunSettingName): string {
    return this.#state.text(name);
  }
  /** The slider's spoken value: the number, or that the agents' default applies. */
  valueText(setting: SharedSetting): string {
    return this.#state.valueText(settingField(setting));
  }
  /** Sets `name` to `value`, brought into its range. */
  set(name: RunSettingName, value: number): void {
    this.#state.set(name, value);
  }
  /** Removes `name`, so the server applies each agent's default. */
  reset(name: RunSettingName): void {
    this.#state.reset(name);
  }
  /** The number box changed while typing (see {@link ConfigFormState.input}). */
  input(name: RunSettingName, raw: string): void {
    this.#state.input(name, raw);
  }
  /** The number box was committed; returns the text it should show. */
  commit(name: RunSettingName, raw: string): string {
    return this.#state.commit(name, raw);
  }
}
