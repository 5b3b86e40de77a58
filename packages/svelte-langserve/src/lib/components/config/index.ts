export { default as ConfigPanel } from './ConfigPanel.svelte';
export {
  ConfigPanelState,
  clampSetting,
  fitSettings,
  sharedSettings,
  type ConfigPanelStateOptions,
  type SharedSetting,
} from './config-panel-state.svelte.js';
export {
  ConfigSchemaError,
  fetchConfigSchema,
  type FetchConfigSchemaOptions,
} from './fetch-config-schema.js';
export {
  SchemaConfigState,
  fitValues,
  type SchemaConfigStateOptions,
  type SchemaValues,
} from './schema-config-state.svelte.js';
export {
  clampNumber,
  fieldAccepts,
  labelOfName,
  schemaFields,
  type BooleanField,
  type EnumField,
  type EnumOption,
  type NumberField,
  type SchemaField,
  type SchemaFields,
  type SkippedProperty,
  type StringField,
} from './schema-fields.js';
