import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SchemaConfigState,
  fitValues,
  schemaFields,
  type EnumField,
  type NumberField,
  type SchemaValues,
} from '../src/lib/components/config/index.js';
import { richConfigSchema } from '../stories/support/config-schemas.js';
import serverSchema from './fixtures/code-assistant.config-schema.json';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A form over a reactive schema and values, inside an effect root (as in a component). */
function setup(
  initialSchema: Record<string, unknown> | undefined,
  initialValues: SchemaValues = {},
) {
  let schema = $state(initialSchema);
  let values = $state<SchemaValues>(initialValues);
  const changes: SchemaValues[] = [];
  let form!: SchemaConfigState;
  cleanups.push(
    $effect.root(() => {
      form = new SchemaConfigState({
        schema: () => schema,
        values: () => values,
        onChange: (next) => {
          changes.push(next);
          values = next;
        },
      });
    }),
  );
  flushSync();
  return {
    form,
    changes,
    get values() {
      return values;
    },
    setSchema(next: Record<string, unknown> | undefined) {
      schema = next;
      flushSync();
    },
  };
}

describe('fitValues', () => {
  const { fields } = schemaFields(richConfigSchema);

  it('clamps numbers, drops unknown or unaccepted values, keeps the object when it fits', () => {
    expect(
      fitValues(
        { temperature: 3, maxSources: 7.4, searchDepth: 'huge', persona: 'R2-D2', extra: 1 },
        fields,
      ),
    ).toEqual({ temperature: 1, maxSources: 7 });
    const fits = { searchDepth: 'deep', citeSources: false, persona: 'Ada' };
    expect(fitValues(fits, fields)).toBe(fits);
  });
});

describe('SchemaConfigState', () => {
  it('offers the fields and skipped properties; leaves values alone while there is no schema', () => {
    const state = setup(undefined, { temperature: 9 });
    expect(state.form.loading).toBe(true);
    expect(state.form.fields).toEqual([]);
    expect(state.values).toEqual({ temperature: 9 });
    state.setSchema(richConfigSchema);
    expect(state.form.fields.map((field) => field.kind)).toEqual([
      'number',
      'number',
      'enum',
      'boolean',
      'string',
    ]);
    expect(state.form.skipped).toEqual([
      { name: 'filters', reason: 'type "array" is not supported' },
    ]);
    expect(state.values).toEqual({ temperature: 1 });
  });

  it('clamps and drops values when the schema changes', () => {
    const state = setup(richConfigSchema, { temperature: 0.9, citeSources: false });
    expect(state.changes).toEqual([]);
    state.setSchema(serverSchema);
    expect(state.values).toEqual({ temperature: 0.9 });
  });

  it('numbers: in-range input applies at once, commit clamps, slider position and text', () => {
    const state = setup(serverSchema);
    const [temperature] = state.form.fields as NumberField[];
    expect(state.form.position(temperature!)).toBe(0.2);
    expect(state.form.valueText(temperature!)).toBe('0.2 (default)');
    state.form.input('temperature', '1.5');
    expect(state.values).toEqual({ temperature: 1.5 });
    state.form.input('temperature', '5');
    expect(state.form.isInvalid('temperature')).toBe(true);
    expect(state.form.commit('temperature', '5')).toBe('2');
    expect(state.form.isInvalid('temperature')).toBe(false);
    expect(state.values).toEqual({ temperature: 2 });
    expect(state.form.commit('temperature', '')).toBe('');
    expect(state.values).toEqual({});
  });

  it('enums: choose by key, the empty key resets', () => {
    const state = setup(richConfigSchema);
    const depth = state.form.fields.find((field) => field.kind === 'enum') as EnumField;
    expect(state.form.choice(depth)).toBe('');
    state.form.choose(depth, '2');
    expect(state.values).toEqual({ searchDepth: 'deep' });
    expect(state.form.choice(depth)).toBe('2');
    state.form.choose(depth, '');
    expect(state.values).toEqual({});
  });

  it('booleans: the default shows until set; set and reset', () => {
    const state = setup(richConfigSchema);
    const cite = state.form.fields.find((field) => field.kind === 'boolean')!;
    expect(state.form.checked(cite)).toBe(true);
    state.form.set('citeSources', false);
    expect(state.values).toEqual({ citeSources: false });
    expect(state.form.checked(cite)).toBe(false);
    state.form.reset('citeSources');
    expect(state.values).toEqual({});
  });

  it('strings: valid text applies, invalid text is marked and not sent, empty resets', () => {
    const state = setup(richConfigSchema);
    state.form.input('persona', 'Ada');
    expect(state.values).toEqual({ persona: 'Ada' });
    state.form.input('persona', 'Ada 2');
    expect(state.form.isInvalid('persona')).toBe(true);
    expect(state.form.text('persona')).toBe('Ada 2');
    expect(state.values).toEqual({});
    expect(state.form.commit('persona', 'Ada Lovelace')).toBe('Ada Lovelace');
    expect(state.form.isInvalid('persona')).toBe(false);
    expect(state.values).toEqual({ persona: 'Ada Lovelace' });
    state.form.input('persona', '');
    expect(state.values).toEqual({});
  });

  it('ignores values a field does not accept and names it did not list', () => {
    const state = setup(richConfigSchema);
    state.form.set('citeSources', 'yes');
    state.form.set('searchDepth', 'huge');
    state.form.set('unknown', 1);
    expect(state.changes).toEqual([]);
  });
});
