import { createContext } from 'svelte';
import {
  clampNumber,
  fieldAccepts,
  type EnumField,
  type NumberField,
  type SchemaField,
} from './schema-fields.js';

/** Values keyed by field name: what goes in `config.configurable` (or a run's settings). */
export type SchemaValues = Record<string, unknown>;

/**
 * `values` made to fit `fields`: a number outside its range is clamped (and rounded where a
 * whole number is required); a value with no field, or one its field does not accept, is
 * dropped. Returns `values` itself when it already fits.
 */
export function fitValues(values: SchemaValues, fields: readonly SchemaField[]): SchemaValues {
  const fitted: SchemaValues = {};
  let changed = false;
  for (const [name, value] of Object.entries(values)) {
    const field = fields.find((candidate) => candidate.name === name);
    let next = value;
    if (field?.kind === 'number' && typeof value === 'number' && Number.isFinite(value))
      next = clampNumber(field, value);
    if (value === undefined || !field || !fieldAccepts(field, next)) {
      changed = true;
      continue;
    }
    if (next !== value) changed = true;
    fitted[name] = next;
  }
  return changed ? fitted : values;
}

/** Options for {@link ConfigFormState}. Values are getters, read when used. */
export interface ConfigFormStateOptions {
  /** The form's fields (e.g. `schemaFields(schema).fields`); undefined while they load. */
  fields: () => readonly SchemaField[] | undefined;
  /** The current values (only those the user set). */
  values: () => SchemaValues;
  /** Called with new values whenever the user changes one, or a value no longer fits. */
  onChange: (values: SchemaValues) => void;
}

/**
 * The behaviour of a settings form, whatever its fields came from (an agent's `config_schema`,
 * the run settings several agents share, a tool's arguments): what each control shows, and how
 * edits become values. Only values the user changed are kept; resetting one removes it, so the
 * server applies its default.
 *
 * Created in a component (or an effect root), it keeps the values fitting the fields: when they
 * change, a number outside its new range is clamped and any other value no field accepts is
 * dropped. While the fields are undefined it leaves the values alone (e.g. while they load).
 */
export class ConfigFormState {
  readonly #fields: () => readonly SchemaField[] | undefined;
  readonly #values: () => SchemaValues;
  readonly #onChange: (values: SchemaValues) => void;
  /** Fields whose box holds text that is not (yet) a value the field accepts. */
  #invalid = $state<Record<string, true>>({});
  /** The text of string fields marked invalid (not sent, but kept in their box). */
  #drafts = $state<Record<string, string>>({});

  constructor(options: ConfigFormStateOptions) {
    this.#fields = options.fields;
    this.#values = options.values;
    this.#onChange = options.onChange;
    $effect.pre(() => {
      const fields = this.#fields();
      if (fields === undefined) return;
      const values = this.#values();
      const fitted = fitValues(values, fields);
      if (fitted !== values) this.#onChange(fitted);
    });
  }

  /** The fields, in order (none while they load). */
  get fields(): readonly SchemaField[] {
    return this.#fields() ?? [];
  }

  /** Whether the fields are not known yet. */
  get loading(): boolean {
    return this.#fields() === undefined;
  }

  /** Whether the user set `name` (rather than leaving it to the default). */
  isSet(name: string): boolean {
    return this.#values()[name] !== undefined;
  }

  /** Whether the box for `name` holds text the field does not accept. */
  isInvalid(name: string): boolean {
    return this.#invalid[name] === true;
  }

  /**
   * Where the slider of a number field sits: the value set, else the default, else the middle
   * of the range.
   */
  position(field: NumberField): number {
    const value = this.#values()[field.name];
    if (typeof value === 'number') return value;
    if (field.default !== undefined) return field.default;
    return clampNumber(field, ((field.min ?? 0) + (field.max ?? 0)) / 2);
  }

  /** The slider's spoken value: the number, or that the default applies. */
  valueText(field: NumberField): string {
    if (this.isSet(field.name)) return String(this.position(field));
    return field.default !== undefined ? `${field.default} (default)` : "the agent's default";
  }

  /**
   * What a text box shows: text not accepted yet (strings), else the value set, else nothing
   * (its placeholder names the default).
   */
  text(name: string): string {
    const draft = this.#drafts[name];
    if (draft !== undefined) return draft;
    const value = this.#values()[name];
    return value === undefined ? '' : String(value);
  }

  /** Whether a boolean field is on: the value set, else the default, else off. */
  checked(field: SchemaField): boolean {
    const value = this.#values()[field.name];
    if (typeof value === 'boolean') return value;
    return field.kind === 'boolean' && field.default === true;
  }

  /** The key of the chosen option of an enum field (its index), or `''` for the default. */
  choice(field: EnumField): string {
    const value = this.#values()[field.name];
    if (value === undefined) return '';
    const index = field.options.findIndex((option) => option.value === value);
    return index < 0 ? '' : String(index);
  }

  /** Chooses an enum option by its key ({@link choice}); `''` resets to the default. */
  choose(field: EnumField, key: string): void {
    const option = key === '' ? undefined : field.options[Number(key)];
    if (option) this.set(field.name, option.value);
    else this.reset(field.name);
  }

  /**
   * Sets `name` to `value`: a number is brought into its range; a value its field does not
   * accept is ignored.
   */
  set(name: string, value: unknown): void {
    const field = this.#field(name);
    if (!field) return;
    const next =
      field.kind === 'number' && typeof value === 'number' && Number.isFinite(value)
        ? clampNumber(field, value)
        : value;
    if (!fieldAccepts(field, next)) return;
    this.#clearInvalid(name);
    if (this.#values()[name] === next) return;
    this.#onChange({ ...this.#values(), [name]: next });
  }

  /** Removes `name`, so the server applies its default. */
  reset(name: string): void {
    this.#clearInvalid(name);
    if (!this.isSet(name)) return;
    const next = { ...this.#values() };
    delete next[name];
    this.#onChange(next);
  }

  /**
   * A text box changed while typing. Numbers: a value in range is applied at once, anything
   * else waits for {@link commit} (so typing "15" into 10..100 works). Strings: an accepted
   * value is applied, empty text resets, and text the field does not accept is marked invalid
   * and not sent (the default applies until it is fixed).
   */
  input(name: string, raw: string): void {
    const field = this.#field(name);
    if (!field) return;
    if (field.kind === 'string') {
      if (raw === '') this.reset(name);
      else if (fieldAccepts(field, raw)) this.set(name, raw);
      else {
        this.reset(name);
        this.#invalid = { ...this.#invalid, [name]: true };
        this.#drafts = { ...this.#drafts, [name]: raw };
      }
      return;
    }
    if (field.kind !== 'number') return;
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (fieldAccepts(field, value)) this.set(name, value);
    else if (raw.trim() !== '') this.#invalid = { ...this.#invalid, [name]: true };
  }

  /**
   * A text box was committed (Enter or leaving it). Numbers: empty resets, a number is clamped
   * into range. Strings: as {@link input}. Returns the text the box should show.
   */
  commit(name: string, raw: string): string {
    const field = this.#field(name);
    if (field?.kind === 'string') {
      this.input(name, raw);
      return raw;
    }
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (raw.trim() === '') this.reset(name);
    else if (Number.isFinite(value)) this.set(name, value);
    this.#clearInvalid(name);
    return this.text(name);
  }

  #field(name: string): SchemaField | undefined {
    return this.fields.find((candidate) => candidate.name === name);
  }

  #clearInvalid(name: string): void {
    if (this.#drafts[name] !== undefined) {
      const drafts = { ...this.#drafts };
      delete drafts[name];
      this.#drafts = drafts;
    }
    if (!this.#invalid[name]) return;
    const next = { ...this.#invalid };
    delete next[name];
    this.#invalid = next;
  }
}

/** What the parts of a config form share, set once by its root (`ConfigForm`). */
export interface ConfigFormContext {
  /** The form's behaviour. */
  readonly form: ConfigFormState;
  /** A field's name as shown (a `labels` override, else the field's `label`). */
  labelOf(field: SchemaField): string;
  /** The text after "default:" in a field's hint (e.g. "differs by agent"). */
  defaultOf(field: SchemaField): string;
  /** A DOM id for one of a field's elements (`control`, `label`, `hint`, `description`…). */
  idOf(name: string, part: string): string;
  /** The ids that describe a field's control: its hint, its description, and `extra`. */
  describedBy(field: SchemaField, ...extra: string[]): string;
}

const [getConfigForm, setConfigForm] = createContext<ConfigFormContext>();

/**
 * The config form's context (its state, labels and ids) for the field parts inside a
 * `ConfigForm`. Throws outside one.
 */
export const getConfigFormContext: () => ConfigFormContext = getConfigForm;
/** Provides a config form's context to the field parts inside it. Used by `ConfigForm`. */
export const setConfigFormContext: (context: ConfigFormContext) => ConfigFormContext =
  setConfigForm;
