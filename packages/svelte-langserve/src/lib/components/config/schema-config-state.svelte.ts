import { ConfigFormState } from './config-form-state.svelte.js';
import { schemaFields, type SchemaFields, type SkippedProperty } from './schema-fields.js';
import type { SchemaValues } from './config-form-state.svelte.js';

export { fitValues, type SchemaValues } from './config-form-state.svelte.js';

/** Options for {@link SchemaConfigState}. */
export interface SchemaConfigStateOptions {
  /** A JSON Schema of the settings (LangServe's `config_schema`); undefined while it loads. */
  schema: () => unknown;
  /** The current values (only those the user set). */
  values: () => SchemaValues;
  /** Called with new values whenever the user changes one, or a value no longer fits. */
  onChange: (values: SchemaValues) => void;
}

const none: SchemaFields = { fields: [], skipped: [] };

/**
 * A {@link ConfigFormState} whose fields come from a JSON Schema (`schemaFields`): what
 * `SchemaForm` uses. With no schema (undefined or null) it is loading and leaves the values
 * alone; when the schema changes, values it no longer accepts are clamped or dropped.
 */
export class SchemaConfigState extends ConfigFormState {
  readonly #parsed: () => SchemaFields;

  constructor(options: SchemaConfigStateOptions) {
    const parsed = $derived.by(() => {
      const schema = options.schema();
      return schema === undefined || schema === null ? undefined : schemaFields(schema);
    });
    super({
      fields: () => parsed?.fields,
      values: options.values,
      onChange: options.onChange,
    });
    this.#parsed = () => parsed ?? none;
  }

  /** The properties the form cannot edit, with the reason. */
  get skipped(): SkippedProperty[] {
    return this.#parsed().skipped;
  }
}
