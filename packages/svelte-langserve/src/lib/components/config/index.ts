export { default as AgentSettingsPanel } from './AgentSettingsPanel.svelte';
export { default as ConfigField } from './ConfigField.svelte';
export { default as ConfigForm } from './ConfigForm.svelte';
export { default as ConfigNumberField } from './ConfigNumberField.svelte';
export { default as ConfigPanel } from './ConfigPanel.svelte';
export { default as ConfigSelectField } from './ConfigSelectField.svelte';
export { default as ConfigTextField } from './ConfigTextField.svelte';
export { default as ConfigToggleField } from './ConfigToggleField.svelte';
export { default as SchemaForm } from './SchemaForm.svelte';
export {
  configFieldComponent,
  configFieldRegistry,
  type ConfigFieldComponent,
  type ConfigFieldKind,
  type ConfigFieldRegistry,
} from './config-field-registry.js';
export {
  ConfigFormState,
  fitValues,
  getConfigFormContext,
  setConfigFormContext,
  type ConfigFormContext,
  type ConfigFormStateOptions,
  type SchemaValues,
} from './config-form-state.svelte.js';
export {
  AgentSettingsState,
  ConfigPanelState,
  RUN_SETTING_LABELS,
  clampSetting,
  fitSettings,
  settingDefaultText,
  settingField,
  sharedSettings,
  type ConfigPanelStateOptions,
  type SharedSetting,
} from './config-panel-state.svelte.js';
export {
  ConfigSchemaError,
  fetchConfigSchema,
  type FetchConfigSchemaOptions,
} from './fetch-config-schema.js';
export { SchemaConfigState, type SchemaConfigStateOptions } from './schema-config-state.svelte.js';
export { defaultText, fieldHint, rangeText } from './field-text.js';
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
