import type { Component } from 'svelte';
import ConfigNumberField from './ConfigNumberField.svelte';
import ConfigSelectField from './ConfigSelectField.svelte';
import ConfigTextField from './ConfigTextField.svelte';
import ConfigToggleField from './ConfigToggleField.svelte';
import type { SchemaField } from './schema-fields.js';

/** The kinds of field a config form renders: `number`, `enum`, `boolean`, `string`. */
export type ConfigFieldKind = SchemaField['kind'];

/** A part that renders one field of `kind` (inside a `ConfigForm`, whose context it reads). */
export type ConfigFieldComponent<Kind extends ConfigFieldKind = ConfigFieldKind> = Component<{
  field: Extract<SchemaField, { kind: Kind }>;
}>;

/** Which part renders each kind of field. */
export type ConfigFieldRegistry = {
  readonly [Kind in ConfigFieldKind]: ConfigFieldComponent<Kind>;
};

/**
 * The built-in field parts by kind: a slider and number box for numbers, a select for enums, a
 * switch for booleans, a text box for strings. `ConfigForm` renders each field with the part
 * its `registry` prop (merged over this one) names, so a form built from any JSON Schema (an
 * agent's `config_schema`, a tool's arguments) can swap one kind's part and keep the rest.
 */
export const configFieldRegistry: ConfigFieldRegistry = Object.freeze({
  number: ConfigNumberField,
  enum: ConfigSelectField,
  boolean: ConfigToggleField,
  string: ConfigTextField,
});

/** The part `registry` names for `field` (the built-in one for kinds it leaves out). */
export function configFieldComponent(
  field: SchemaField,
  registry: Partial<ConfigFieldRegistry> = {},
): Component<{ field: SchemaField }> {
  return (registry[field.kind] ?? configFieldRegistry[field.kind]) as Component<{
    field: SchemaField;
  }>;
}
