import type { EnumField, NumberField, SchemaField, StringField } from './schema-fields.js';

/** "0 to 2", "at least 1, whole numbers", "Any number"…: a number field's accepted range. */
export function rangeText(field: NumberField): string {
  const whole = field.integer ? ', whole numbers' : '';
  if (field.min !== undefined && field.max !== undefined)
    return `${field.min} to ${field.max}${whole}`;
  if (field.min !== undefined) return `at least ${field.min}${whole}`;
  if (field.max !== undefined) return `at most ${field.max}${whole}`;
  return field.integer ? 'Whole numbers' : 'Any number';
}

/** What a field's default is, in words: its value (an option's label), or "the agent's own". */
export function defaultText(field: SchemaField): string {
  if (field.default === undefined) return "the agent's own";
  switch (field.kind) {
    case 'enum':
      return (
        field.options.find((option) => option.value === field.default)?.label ??
        String(field.default)
      );
    case 'boolean':
      return field.default ? 'on' : 'off';
    case 'string':
      return `“${field.default}”`;
    default:
      return String(field.default);
  }
}

function lengthText(field: StringField): string | undefined {
  if (field.minLength !== undefined && field.maxLength !== undefined)
    return `${field.minLength} to ${field.maxLength} characters`;
  if (field.maxLength !== undefined) return `up to ${field.maxLength} characters`;
  if (field.minLength !== undefined) return `at least ${field.minLength} characters`;
  return undefined;
}

/**
 * The hint beside a field's label: what it accepts and its default, e.g.
 * "0 to 2 · default: 0.7" or "Up to 40 characters · default: the agent's own".
 */
export function fieldHint(field: SchemaField, fallback: string = defaultText(field)): string {
  const limits =
    field.kind === 'number'
      ? rangeText(field)
      : field.kind === 'string'
        ? lengthText(field)
        : undefined;
  const text = [limits, `default: ${fallback}`].filter(Boolean).join(' · ');
  return field.kind === 'string' ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** Why the text in a string field's box is not sent (the box is marked invalid). */
export function stringProblem(field: StringField, text: string): string {
  const length = [...text].length;
  if (field.maxLength !== undefined && length > field.maxLength)
    return `Too long: at most ${field.maxLength} characters. The default is sent until then.`;
  if (field.minLength !== undefined && length < field.minLength)
    return `Too short: at least ${field.minLength} characters. The default is sent until then.`;
  return 'Not in the expected format. The default is sent until it is fixed.';
}

/** The label of an enum field's "default" option, e.g. "Default (Balanced)". */
export function enumDefaultOption(field: EnumField): string {
  return `Default (${defaultText(field)})`;
}
