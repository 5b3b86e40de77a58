import { describe, expect, it } from 'vitest';
import {
  clampNumber,
  fieldAccepts,
  labelOfName,
  schemaFields,
  type NumberField,
} from '../src/lib/components/config/index.js';
import serverSchema from './fixtures/code-assistant.config-schema.json';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});

describe('schemaFields', () => {
  it('reads the schema the agent server serves (LangServe configurable shape)', () => {
    expect(schemaFields(serverSchema)).toEqual({
      fields: [
        {
          kind: 'number',
          name: 'temperature',
          label: 'Temperature',
          description: 'Sampling temperature: higher is more varied.',
          integer: false,
          step: 0.01,
          min: 0,
          max: 2,
          default: 0.2,
        },
        {
          kind: 'number',
          name: 'maxTokens',
          label: 'Max tokens',
          description: 'Longest answer, in tokens.',
          integer: true,
          step: 1,
          min: 1,
          max: 128_000,
        },
        {
          kind: 'number',
          name: 'topP',
          label: 'Top P',
          description: 'Nucleus sampling: the probability mass considered.',
          integer: false,
          step: 0.01,
          min: 0,
          max: 1,
        },
      ],
      skipped: [],
    });
  });

  it('reads a flat object schema too, naming untitled properties from their keys', () => {
    const { fields } = schemaFields(object({ max_tokens: { type: 'integer' } }));
    expect(fields).toEqual([
      { kind: 'number', name: 'max_tokens', label: 'Max tokens', integer: true, step: 1 },
    ]);
  });

  it('numbers: multipleOf is the step, exclusive bounds become inclusive, bad defaults dropped', () => {
    const { fields, skipped } = schemaFields(
      object({
        ratio: { type: 'number', minimum: 0, maximum: 1, multipleOf: 0.25, default: 0.5 },
        count: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10, default: 2.5 },
        wide: { type: 'number', minimum: 0.5, exclusiveMaximum: 2, multipleOf: 0.5 },
        whole: { type: 'integer', minimum: 0.5, maximum: 3.7, default: 9 },
        backwards: { type: 'number', minimum: 5, maximum: 1 },
      }),
    );
    expect(fields).toEqual([
      expect.objectContaining({ name: 'ratio', step: 0.25, min: 0, max: 1, default: 0.5 }),
      { kind: 'number', name: 'count', label: 'Count', integer: true, step: 1, min: 1, max: 9 },
      expect.objectContaining({ name: 'wide', min: 0.5, max: 1.5, step: 0.5 }),
      { kind: 'number', name: 'whole', label: 'Whole', integer: true, step: 1, min: 1, max: 3 },
    ]);
    expect(skipped).toEqual([{ name: 'backwards', reason: 'minimum 5 is above maximum 1' }]);
  });

  it('enums: enum lists, and anyOf / oneOf of titled constants', () => {
    const { fields } = schemaFields(
      object({
        mode: { type: 'string', enum: ['fast', 'careful'], default: 'careful' },
        depth: {
          title: 'Search depth',
          description: 'How far to look.',
          oneOf: [
            { const: 'quick', title: 'Quick' },
            { const: 'deep' },
            { enum: ['exhaustive'], title: 'Everything' },
          ],
          default: 'nope',
        },
        level: {
          anyOf: [
            { const: 1, title: 'Low' },
            { const: 2, title: 'High' },
          ],
          default: 2,
        },
      }),
    );
    expect(fields).toEqual([
      {
        kind: 'enum',
        name: 'mode',
        label: 'Mode',
        options: [
          { value: 'fast', label: 'fast' },
          { value: 'careful', label: 'careful' },
        ],
        default: 'careful',
      },
      {
        kind: 'enum',
        name: 'depth',
        label: 'Search depth',
        description: 'How far to look.',
        options: [
          { value: 'quick', label: 'Quick' },
          { value: 'deep', label: 'deep' },
          { value: 'exhaustive', label: 'Everything' },
        ],
      },
      {
        kind: 'enum',
        name: 'level',
        label: 'Level',
        options: [
          { value: 1, label: 'Low' },
          { value: 2, label: 'High' },
        ],
        default: 2,
      },
    ]);
  });

  it('booleans and strings', () => {
    const { fields } = schemaFields(
      object({
        stream: { type: 'boolean', default: false },
        persona: {
          type: 'string',
          minLength: 2,
          maxLength: 40,
          pattern: '^[a-z]+$',
          default: 'ada',
        },
        note: { type: 'string', pattern: '(unclosed', default: 3 },
      }),
    );
    expect(fields).toEqual([
      { kind: 'boolean', name: 'stream', label: 'Stream', default: false },
      {
        kind: 'string',
        name: 'persona',
        label: 'Persona',
        minLength: 2,
        maxLength: 40,
        pattern: '^[a-z]+$',
        default: 'ada',
      },
      // A pattern JavaScript cannot compile is not enforced; a non-string default is dropped.
      { kind: 'string', name: 'note', label: 'Note' },
    ]);
  });

  it('follows local $refs (definitions, $defs), single allOf and nullable unions', () => {
    const schema = {
      type: 'object',
      properties: { configurable: { $ref: '#/definitions/Configurable' } },
      definitions: {
        Configurable: {
          type: 'object',
          properties: {
            model: { allOf: [{ $ref: '#/$defs/Model' }], default: 'small' },
            temperature: { anyOf: [{ type: 'number', maximum: 1 }, { type: 'null' }], title: 'T' },
            verbose: { type: ['boolean', 'null'] },
          },
        },
      },
      $defs: { Model: { title: 'Model', enum: ['small', 'large'] } },
    };
    expect(schemaFields(schema).fields).toEqual([
      {
        kind: 'enum',
        name: 'model',
        label: 'Model',
        options: [
          { value: 'small', label: 'small' },
          { value: 'large', label: 'large' },
        ],
        default: 'small',
      },
      { kind: 'number', name: 'temperature', label: 'T', integer: false, step: 0.01, max: 1 },
      { kind: 'boolean', name: 'verbose', label: 'Verbose' },
    ]);
  });

  it('skips and reports shapes it cannot edit, without throwing', () => {
    const { fields, skipped } = schemaFields(
      object({
        ok: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        nested: { type: 'object', properties: { a: { type: 'string' } } },
        anything: {},
        anyTrue: true,
        untyped: { title: 'Untyped' },
        dangling: { $ref: '#/definitions/Missing' },
        external: { $ref: 'https://example.com/schema.json' },
        mixed: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        objects: { enum: [{ a: 1 }] },
        empty: { enum: [] },
        fixed: { const: 'x' },
        nothing: null,
        secret: { type: 'string', readOnly: true },
        self: { $ref: '#/properties/self' },
      }),
    );
    expect(fields.map((field) => field.name)).toEqual(['ok']);
    expect(skipped).toEqual([
      { name: 'tags', reason: 'type "array" is not supported' },
      { name: 'nested', reason: 'type "object" is not supported' },
      { name: 'anything', reason: 'any value: no type to edit' },
      { name: 'anyTrue', reason: 'any value: no type to edit' },
      { name: 'untyped', reason: 'no type' },
      { name: 'dangling', reason: 'unresolved $ref' },
      { name: 'external', reason: 'unresolved $ref' },
      { name: 'mixed', reason: 'anyOf / oneOf members must be string or number constants' },
      { name: 'objects', reason: 'enum values must be strings or numbers' },
      { name: 'empty', reason: 'enum lists no values' },
      { name: 'fixed', reason: 'a constant: nothing to choose' },
      { name: 'nothing', reason: 'not a schema object' },
      { name: 'secret', reason: 'read-only' },
      { name: 'self', reason: 'unresolved $ref' },
    ]);
  });

  it('reports a schema that is not an object schema at all', () => {
    for (const bad of [null, 'schema', [], 42])
      expect(schemaFields(bad)).toEqual({
        fields: [],
        skipped: [{ name: '', reason: 'not a JSON Schema object' }],
      });
    expect(schemaFields({ type: 'string' })).toEqual({
      fields: [],
      skipped: [{ name: '', reason: 'no properties' }],
    });
  });
});

describe('fieldAccepts and clampNumber', () => {
  const { fields } = schemaFields(
    object({
      count: { type: 'integer', minimum: 1, maximum: 10 },
      mode: { enum: ['a', 1] },
      flag: { type: 'boolean' },
      name: { type: 'string', minLength: 2, maxLength: 3, pattern: '^[a-zé]+$' },
    }),
  );
  const [count, mode, flag, name] = fields as [NumberField, ...typeof fields];

  it('checks range, options, type, length and pattern', () => {
    expect([1, 10, 5].every((value) => fieldAccepts(count, value))).toBe(true);
    expect([0, 11, 2.5, Number.NaN, '3'].some((value) => fieldAccepts(count, value))).toBe(false);
    expect(fieldAccepts(mode!, 'a') && fieldAccepts(mode!, 1)).toBe(true);
    expect(fieldAccepts(mode!, '1')).toBe(false);
    expect(fieldAccepts(flag!, false)).toBe(true);
    expect(fieldAccepts(flag!, 'false')).toBe(false);
    expect(fieldAccepts(name!, 'éé')).toBe(true);
    expect(['a', 'abcd', 'AB', 12].some((value) => fieldAccepts(name!, value))).toBe(false);
  });

  it('clamps and rounds numbers', () => {
    expect(clampNumber(count, 42)).toBe(10);
    expect(clampNumber(count, -3)).toBe(1);
    expect(clampNumber(count, 4.6)).toBe(5);
  });
});

describe('labelOfName', () => {
  it('turns keys into words', () => {
    expect(labelOfName('maxTokens')).toBe('Max tokens');
    expect(labelOfName('top_p')).toBe('Top p');
    expect(labelOfName('search-depth')).toBe('Search depth');
  });
});
