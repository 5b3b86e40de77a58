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

/** `value` brought inside `setting`'s range (and rounded, for whole-number settings). */
export function clampSetting(setting: SharedSetting, value: number): number {
  const rounded = setting.integer ? Math.round(value) : value;
  return Math.min(setting.max, Math.max(setting.min, rounded));
}

/**
 * `settings` made to fit `shared`: a value outside its range is clamped to the nearest limit
 * (and rounded to a whole number where one is required); a setting not shared, or not a finite
 * number, is dropped. Returns `settings` itself when it already fits.
 */
export function fitSettings(settings: RunSettings, shared: readonly SharedSetting[]): RunSettings {
  const fitted: RunSettings = {};
  let changed = false;
  for (const [name, value] of Object.entries(settings) as [RunSettingName, unknown][]) {
    if (value === undefined) {
      changed = true;
      continue;
    }
    const setting = shared.find((candidate) => candidate.name === name);
    if (!setting || typeof value !== 'number' || !Number.isFinite(value)) {
      changed = true;
      continue;
    }
    const clamped = clampSetting(setting, value);
    if (clamped !== value) changed = true;
    fitted[name] = clamped;
  }
  return changed ? fitted : settings;
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
 * The config panel's behaviour: which settings the chosen agents share, what each control
 * shows, and how edits become settings. Only settings the user changed are kept; resetting one
 * removes it, so the server applies each agent's own default.
 *
 * Created in a component (or an effect root), it also keeps the settings fitting the agents:
 * when the agents change, a value outside the new range is clamped to it and a setting they no
 * longer all accept is dropped. With no agents it leaves the settings alone (e.g. while the
 * agent list loads).
 */
export class ConfigPanelState {
  readonly #agents: () => readonly AgentInfo[];
  readonly #settings: () => RunSettings;
  readonly #onChange: (settings: RunSettings) => void;
  /** Settings whose number box holds text that is not (yet) a value in range. */
  #invalid = $state<Partial<Record<RunSettingName, true>>>({});
  readonly #shared = $derived.by(() => sharedSettings(this.#agents()));

  constructor(options: ConfigPanelStateOptions) {
    this.#agents = options.agents;
    this.#settings = options.settings;
    this.#onChange = options.onChange;
    $effect.pre(() => {
      if (this.#agents().length === 0) return;
      const settings = this.#settings();
      const fitted = fitSettings(settings, this.#shared);
      if (fitted !== settings) this.#onChange(fitted);
    });
  }

  /** The settings every agent accepts, with their shared ranges. */
  get fields(): SharedSetting[] {
    return this.#shared;
  }

  /** Whether there are agents but no setting all of them accept. */
  get empty(): boolean {
    return this.#agents().length > 0 && this.#shared.length === 0;
  }

  /** Whether there are no agents to take settings from. */
  get noAgents(): boolean {
    return this.#agents().length === 0;
  }

  /** Whether the user set `name` (rather than leaving it to the agents' defaults). */
  isSet(name: RunSettingName): boolean {
    return this.#settings()[name] !== undefined;
  }

  /** Whether the number box for `name` holds text that is not a value in range. */
  isInvalid(name: RunSettingName): boolean {
    return this.#invalid[name] === true;
  }

  /**
   * Where the slider for `setting` sits: the value set, else the shared default, else the
   * middle of the range (then marked as the default by {@link valueText}).
   */
  position(setting: SharedSetting): number {
    const value = this.#settings()[setting.name];
    if (value !== undefined) return value;
    if (typeof setting.default === 'number') return setting.default;
    return clampSetting(setting, (setting.min + setting.max) / 2);
  }

  /** What the number box shows: the value set, or nothing (its placeholder names the default). */
  text(name: RunSettingName): string {
    const value = this.#settings()[name];
    return value === undefined ? '' : String(value);
  }

  /** The slider's spoken value: the number, or that the agents' default applies. */
  valueText(setting: SharedSetting): string {
    if (this.isSet(setting.name)) return String(this.position(setting));
    return typeof setting.default === 'number'
      ? `${setting.default} (default)`
      : "the agent's default";
  }

  /** Sets `name` to `value`, brought into its range. */
  set(name: RunSettingName, value: number): void {
    const setting = this.#shared.find((candidate) => candidate.name === name);
    if (!setting || !Number.isFinite(value)) return;
    this.#clearInvalid(name);
    const next = clampSetting(setting, value);
    if (this.#settings()[name] === next) return;
    this.#onChange({ ...this.#settings(), [name]: next });
  }

  /** Removes `name`, so the server applies each agent's default. */
  reset(name: RunSettingName): void {
    this.#clearInvalid(name);
    if (!this.isSet(name)) return;
    const next: RunSettings = { ...this.#settings() };
    delete next[name];
    this.#onChange(next);
  }

  /**
   * The number box changed while typing: a value in range is applied at once; anything else
   * marks the box invalid and waits for {@link commit} (so typing "15" into 10..100 works).
   */
  input(name: RunSettingName, raw: string): void {
    const setting = this.#shared.find((candidate) => candidate.name === name);
    if (!setting) return;
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    const fits =
      Number.isFinite(value) &&
      value >= setting.min &&
      value <= setting.max &&
      (!setting.integer || Number.isInteger(value));
    if (fits) this.set(name, value);
    else if (raw.trim() !== '') this.#invalid = { ...this.#invalid, [name]: true };
  }

  /**
   * The number box was committed (Enter or leaving it): empty resets to the default, a number
   * is clamped into range. Returns the text the box should show.
   */
  commit(name: RunSettingName, raw: string): string {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (raw.trim() === '') this.reset(name);
    else if (Number.isFinite(value)) this.set(name, value);
    this.#clearInvalid(name);
    return this.text(name);
  }

  #clearInvalid(name: RunSettingName): void {
    if (!this.#invalid[name]) return;
    const next = { ...this.#invalid };
    delete next[name];
    this.#invalid = next;
  }
}
