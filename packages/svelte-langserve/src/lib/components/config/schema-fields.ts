/**
 * Turns a JSON Schema of an agent's settings (what LangServe's `GET …/config_schema` returns)
 * into form fields. Framework-free: no Svelte here.
 */

/** What every field has. */
interface FieldBase {
  /** The property's name: the key of its value in `configurable`. */
  name: string;
  /** The schema's `title`, else the name in words (`maxTokens` → "Max tokens"). */
  label: string;
  /** The schema's `description`, if any. */
  description?: string;
}

/** A number or integer, with its bounds; the panel shows a slider when both are known. */
export interface NumberField extends FieldBase {
  kind: 'number';
  /** `minimum` (or just above `exclusiveMinimum`); undefined when the schema sets none. */
  min?: number;
  /** `maximum` (or just below `exclusiveMaximum`); undefined when the schema sets none. */
  max?: number;
  /** True for `type: 'integer'` (then `min` and `max` are whole too). */
  integer: boolean;
  /** `multipleOf`, else 1 for integers, else 0.01. */
  step: number;
  /** The schema's `default`, when it is a number. */
  default?: number;
}

/** One choice of an {@link EnumField}. */
export interface EnumOption {
  /** The value sent: a string or number, as the schema lists it. */
  value: string | number;
  /** The `const`'s `title`, else the value. */
  label: string;
}

/** One of a list of values (`enum`, or `anyOf` / `oneOf` of `const`s). */
export interface EnumField extends FieldBase {
  kind: 'enum';
  options: EnumOption[];
  /** The schema's `default`, when it is one of the options. */
  default?: string | number;
}

/** On or off. */
export interface BooleanField extends FieldBase {
  kind: 'boolean';
  /** The schema's `default`, when it is a boolean. */
  default?: boolean;
}

/** Free text, optionally limited by length and a pattern. */
export interface StringField extends FieldBase {
  kind: 'string';
  minLength?: number;
  maxLength?: number;
  /** The schema's `pattern` (Unicode regular expression), when it compiles. */
  pattern?: string;
  /** The schema's `default`, when it is a string. */
  default?: string;
}

/** A field of a settings form, built from one property of a JSON Schema. */
export type SchemaField = NumberField | EnumField | BooleanField | StringField;

/** A property that was left out, and why. */
export interface SkippedProperty {
  /** The property's name (empty when the whole schema was unusable). */
  name: string;
  reason: string;
}

/** What {@link schemaFields} found. */
export interface SchemaFields {
  /** One field per supported property, in the schema's order. */
  fields: SchemaField[];
  /** Properties with a shape the form cannot edit (objects, arrays, unresolved `$ref`s…). */
  skipped: SkippedProperty[];
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const finite = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** `maxTokens` / `max_tokens` / `max-tokens` → "Max tokens". */
export function labelOfName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Resolves a local `$ref` (`#/definitions/X`, `#/$defs/X`, any `#/…` pointer) against `root`. */
function resolveRef(root: JsonObject, ref: string): JsonObject | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

/**
 * The schema with `$ref`s followed, a single-entry `allOf` merged in (pydantic wraps enums and
 * refs that way), and a nullable union (`anyOf: [X, { type: 'null' }]`, `type: [X, 'null']`)
 * narrowed to X — the form treats "no value" as "the default". Undefined if a `$ref` dangles.
 */
function normalize(root: JsonObject, schema: JsonObject, depth = 0): JsonObject | undefined {
  if (depth > 16) return undefined;
  let node = schema;
  if (typeof node.$ref === 'string') {
    const target = resolveRef(root, node.$ref);
    if (!target) return undefined;
    const { $ref: _ref, ...rest } = node;
    const resolved = normalize(root, target, depth + 1);
    if (!resolved) return undefined;
    node = { ...resolved, ...rest };
  }
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && isObject(node.allOf[0])) {
    const { allOf, ...rest } = node;
    const inner = normalize(root, allOf[0] as JsonObject, depth + 1);
    if (!inner) return undefined;
    node = { ...inner, ...rest };
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = node[key];
    if (!Array.isArray(members)) continue;
    const notNull = members.filter((member) => !(isObject(member) && member.type === 'null'));
    if (notNull.length === 1 && notNull.length < members.length && isObject(notNull[0])) {
      const { [key]: _members, ...rest } = node;
      const inner = normalize(root, notNull[0], depth + 1);
      if (!inner) return undefined;
      node = { ...inner, ...rest };
    }
  }
  if (Array.isArray(node.type)) {
    const types = node.type.filter((type) => type !== 'null');
    if (types.length === 1) node = { ...node, type: types[0] };
  }
  return node;
}

/** The options of an enum-like schema, or a reason it is not one; undefined if not enum-like. */
function enumOptions(root: JsonObject, schema: JsonObject): EnumOption[] | string | undefined {
  if (Array.isArray(schema.enum)) {
    const options: EnumOption[] = [];
    for (const value of schema.enum) {
      if (typeof value !== 'string' && !finite(value))
        return 'enum values must be strings or numbers';
      options.push({ value, label: String(value) });
    }
    return options.length > 0 ? options : 'enum lists no values';
  }
  const members = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : undefined;
  if (!members) return undefined;
  const options: EnumOption[] = [];
  for (const raw of members) {
    const member = isObject(raw) ? normalize(root, raw) : undefined;
    if (!member) return 'anyOf / oneOf members must be constants';
    const value =
      'const' in member
        ? member.const
        : Array.isArray(member.enum) && member.enum.length === 1
          ? member.enum[0]
          : undefined;
    if (typeof value !== 'string' && !finite(value))
      return 'anyOf / oneOf members must be string or number constants';
    options.push({ value, label: typeof member.title === 'string' ? member.title : String(value) });
  }
  return options.length > 0 ? options : 'anyOf / oneOf lists no values';
}

/** The field for one property, or why it cannot be one. */
function fieldOf(root: JsonObject, name: string, raw: unknown): SchemaField | string {
  if (raw === true || (isObject(raw) && Object.keys(raw).length === 0))
    return 'any value: no type to edit';
  if (!isObject(raw)) return 'not a schema object';
  const schema = normalize(root, raw);
  if (!schema) return 'unresolved $ref';
  const base: FieldBase = {
    name,
    label:
      typeof schema.title === 'string' && schema.title.trim() ? schema.title : labelOfName(name),
    ...(typeof schema.description === 'string' && schema.description.trim()
      ? { description: schema.description }
      : {}),
  };
  if (schema.readOnly === true) return 'read-only';

  const options = enumOptions(root, schema);
  if (typeof options === 'string') return options;
  if (options) {
    const fallback = options.find((option) => option.value === schema.default);
    return {
      ...base,
      kind: 'enum',
      options,
      ...(fallback ? { default: fallback.value } : {}),
    };
  }
  if ('const' in schema) return 'a constant: nothing to choose';

  switch (schema.type) {
    case 'number':
    case 'integer':
      return numberField(base, schema);
    case 'boolean':
      return {
        ...base,
        kind: 'boolean',
        ...(typeof schema.default === 'boolean' ? { default: schema.default } : {}),
      };
    case 'string':
      return stringField(base, schema);
    case undefined:
      return 'no type';
    default:
      return `type ${JSON.stringify(schema.type)} is not supported`;
  }
}

function numberField(base: FieldBase, schema: JsonObject): NumberField | string {
  const integer = schema.type === 'integer';
  const multipleOf = finite(schema.multipleOf) && schema.multipleOf > 0 ? schema.multipleOf : 0;
  const step = multipleOf || (integer ? 1 : 0.01);
  let min = finite(schema.minimum) ? schema.minimum : undefined;
  let max = finite(schema.maximum) ? schema.maximum : undefined;
  if (finite(schema.exclusiveMinimum)) {
    const above = integer
      ? Math.floor(schema.exclusiveMinimum) + 1
      : schema.exclusiveMinimum + step;
    min = min === undefined ? above : Math.max(min, above);
  }
  if (finite(schema.exclusiveMaximum)) {
    const below = integer ? Math.ceil(schema.exclusiveMaximum) - 1 : schema.exclusiveMaximum - step;
    max = max === undefined ? below : Math.min(max, below);
  }
  if (integer) {
    if (min !== undefined) min = Math.ceil(min);
    if (max !== undefined) max = Math.floor(max);
  }
  if (min !== undefined && max !== undefined && min > max)
    return `minimum ${min} is above maximum ${max}`;
  const fallback =
    finite(schema.default) &&
    (min === undefined || schema.default >= min) &&
    (max === undefined || schema.default <= max) &&
    (!integer || Number.isInteger(schema.default))
      ? schema.default
      : undefined;
  return {
    ...base,
    kind: 'number',
    integer,
    step,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(fallback !== undefined ? { default: fallback } : {}),
  };
}

function stringField(base: FieldBase, schema: JsonObject): StringField {
  const length = (value: unknown) =>
    finite(value) && value >= 0 && Number.isInteger(value) ? value : undefined;
  const minLength = length(schema.minLength);
  const maxLength = length(schema.maxLength);
  let pattern: string | undefined;
  if (typeof schema.pattern === 'string') {
    try {
      new RegExp(schema.pattern, 'u');
      pattern = schema.pattern;
    } catch {
      pattern = undefined; // A pattern JavaScript cannot compile is not enforced.
    }
  }
  return {
    ...base,
    kind: 'string',
    ...(minLength !== undefined ? { minLength } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    ...(typeof schema.default === 'string' ? { default: schema.default } : {}),
  };
}

/**
 * The object whose properties are the settings: LangServe's `config_schema` nests them under
 * `properties.configurable` (possibly a `$ref`); any other object schema is taken as it is.
 */
function settingsObject(root: JsonObject): JsonObject | undefined {
  const properties = root.properties;
  if (isObject(properties) && isObject(properties.configurable)) {
    const configurable = normalize(root, properties.configurable);
    if (configurable && isObject(configurable.properties)) return configurable;
  }
  return isObject(properties) ? root : undefined;
}

/**
 * The form fields for a JSON Schema of settings: one per property of `schema` (or of its
 * `properties.configurable`, LangServe's `config_schema` shape), in order. Numbers and integers
 * (bounds, `multipleOf` as the step), string or number enums (`enum`, or `anyOf` / `oneOf` of
 * `const`s whose `title` labels them), booleans and strings (length limits, `pattern`) are
 * supported; local `$ref`s, single-entry `allOf` and nullable unions are unwrapped. Anything
 * else is listed in `skipped` with a reason; it never throws.
 */
export function schemaFields(schema: unknown): SchemaFields {
  if (!isObject(schema))
    return { fields: [], skipped: [{ name: '', reason: 'not a JSON Schema object' }] };
  const object = settingsObject(schema);
  if (!object) return { fields: [], skipped: [{ name: '', reason: 'no properties' }] };
  const fields: SchemaField[] = [];
  const skipped: SkippedProperty[] = [];
  for (const [name, property] of Object.entries(object.properties as JsonObject)) {
    const field = fieldOf(schema, name, property);
    if (typeof field === 'string') skipped.push({ name, reason: field });
    else fields.push(field);
  }
  return { fields, skipped };
}

/** Whether `value` is one `field` accepts (in range, one of its options, matching its pattern). */
export function fieldAccepts(field: SchemaField, value: unknown): boolean {
  switch (field.kind) {
    case 'number':
      return (
        finite(value) &&
        (field.min === undefined || value >= field.min) &&
        (field.max === undefined || value <= field.max) &&
        (!field.integer || Number.isInteger(value))
      );
    case 'enum':
      return field.options.some((option) => option.value === value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return (
        typeof value === 'string' &&
        (field.minLength === undefined || [...value].length >= field.minLength) &&
        (field.maxLength === undefined || [...value].length <= field.maxLength) &&
        (field.pattern === undefined || new RegExp(field.pattern, 'u').test(value))
      );
  }
}

/** `value` brought inside a number field's range (and rounded, for integers). */
export function clampNumber(field: NumberField, value: number): number {
  const rounded = field.integer ? Math.round(value) : value;
  return Math.min(field.max ?? Infinity, Math.max(field.min ?? -Infinity, rounded));
}
