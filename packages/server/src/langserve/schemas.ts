import type { AgentSettingsSpec } from 'svelte-langserve/protocol';
import { ERROR_CODES, RUN_SETTING_NAMES } from 'svelte-langserve/protocol';
import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import {
  aiMessageJsonSchema,
  batchRequestSchema,
  chatInputSchema,
  feedbackRequestSchema,
  invokeRequestSchema,
  runnableConfigSchema,
  streamLogRequestSchema,
} from './wire.js';

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema (draft 2020-12, as OpenAPI 3.1 uses), without `$schema`. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/** The chat input every agent takes (`GET …/input_schema`). */
export const inputJsonSchema: JsonSchema = jsonSchemaOf(chatInputSchema);

/** What `invoke` answers and streams are made of (`GET …/output_schema`). */
export const outputJsonSchema: JsonSchema = { ...aiMessageJsonSchema };

const SETTING_DOCS: Record<string, { title: string; description: string }> = {
  temperature: {
    title: 'Temperature',
    description: 'Sampling temperature: higher is more varied.',
  },
  maxTokens: { title: 'Max tokens', description: 'Longest answer, in tokens.' },
  topP: { title: 'Top P', description: 'Nucleus sampling: the probability mass considered.' },
};

/**
 * The agent's runtime settings as JSON Schema (`GET …/config_schema`), in LangServe's shape
 * (`{ properties: { configurable: … } }`): one number (or integer) per setting the agent
 * accepts, with its minimum, maximum and default — enough for a UI to render the fields.
 */
export function configJsonSchema(agentId: string, settings: AgentSettingsSpec): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const name of RUN_SETTING_NAMES) {
    const spec = settings[name];
    if (!spec) continue;
    properties[name] = {
      ...SETTING_DOCS[name],
      type: spec.integer ? 'integer' : 'number',
      minimum: spec.min,
      maximum: spec.max,
      ...(spec.default !== undefined ? { default: spec.default } : {}),
    };
  }
  return {
    title: `${agentId}Config`,
    type: 'object',
    properties: {
      configurable: {
        title: 'Configurable',
        type: 'object',
        properties,
        additionalProperties: false,
      },
    },
  };
}

/**
 * Error bodies (ADR 0023): `{ detail, message, error: { code, message, retryable, issues?,
 * limit?, retryAfterMs? } }`. `detail` (LangServe's place) and `message` (where LangChain.js's
 * `RemoteRunnable` reads) are the text a LangServe client shows: the message and any issues.
 */
export const errorBodyJsonSchema: JsonSchema = {
  type: 'object',
  required: ['detail', 'message', 'error'],
  properties: {
    detail: { type: 'string', description: 'What LangServe clients show (as LangServe sends it).' },
    message: { type: 'string', description: 'The same text, where LangChain.js reads it.' },
    error: {
      type: 'object',
      required: ['code', 'message', 'retryable'],
      properties: {
        code: {
          enum: [...ERROR_CODES],
        },
        message: { type: 'string' },
        retryable: { type: 'boolean' },
        issues: { type: 'array', items: { type: 'string' } },
        limit: { type: 'string' },
        retryAfterMs: { type: 'number' },
      },
    },
  },
};

const withInput = (schema: JsonSchema, key: 'input' | 'inputs'): JsonSchema => {
  const properties = { ...(schema.properties as Record<string, JsonSchema>) };
  properties[key] =
    key === 'input' ? inputJsonSchema : { type: 'array', items: inputJsonSchema, maxItems: 64 };
  return { ...schema, properties };
};

/** Request bodies, for the OpenAPI document. */
export const requestJsonSchemas = {
  invoke: withInput(jsonSchemaOf(invokeRequestSchema), 'input'),
  batch: withInput(jsonSchemaOf(batchRequestSchema), 'inputs'),
  streamLog: withInput(jsonSchemaOf(streamLogRequestSchema), 'input'),
  feedback: jsonSchemaOf(feedbackRequestSchema),
  config: jsonSchemaOf(runnableConfigSchema),
};

const metadataSchema: JsonSchema = {
  type: 'object',
  properties: {
    run_id: { type: 'string' },
    feedback_tokens: { type: 'array', items: {} },
  },
};

/** Response bodies, for the OpenAPI document. */
export const responseJsonSchemas = {
  invoke: {
    type: 'object',
    required: ['output', 'metadata'],
    properties: {
      output: outputJsonSchema,
      metadata: metadataSchema,
      callback_events: { type: 'array', items: {} },
    },
  },
  batch: {
    type: 'object',
    required: ['output', 'metadata'],
    properties: {
      output: { type: 'array', items: outputJsonSchema },
      metadata: {
        type: 'object',
        properties: {
          run_ids: { type: 'array', items: { type: 'string' } },
          responses: { type: 'array', items: metadataSchema },
        },
      },
      callback_events: { type: 'array', items: {} },
    },
  },
  feedback: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      run_id: { type: 'string' },
      key: { type: 'string' },
      score: {},
      value: {},
      comment: { type: ['string', 'null'] },
      correction: { type: ['object', 'null'] },
      created_at: { type: 'string' },
      modified_at: { type: 'string' },
    },
  },
  sse: {
    type: 'string',
    description:
      'Server-sent events: `metadata` ({ run_id }), then `data` events (stream: AI message chunks; stream_events: LangChain v2 events; stream_log: RunLogPatch `{ ops }`), then `end`; `error` ({ status_code, message, error: { code, message, retryable } }) ends a failed stream.',
  },
  agents: {
    type: 'object',
    required: ['agents'],
    properties: {
      agents: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            description: { type: 'string' },
            provider: { type: 'string' },
            model: { type: 'string' },
            demo: { type: 'boolean' },
            tools: { type: 'array', items: { type: 'string' } },
            settings: { type: 'object' },
            health: { type: 'object' },
            url: { type: 'string' },
          },
        },
      },
    },
  },
  schema: { type: 'object', description: 'A JSON Schema.' },
} satisfies Record<string, JsonSchema>;

/** The JSON Schema of `agent`'s runtime settings. */
export const agentConfigSchema = (agent: Agent): JsonSchema =>
  configJsonSchema(agent.info.id, agent.settings);
