import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { MAX_MESSAGE_LENGTH, RUN_SETTING_NAMES } from 'svelte-langserve/protocol';
import { z } from 'zod';

/**
 * The LangServe wire format of the agent routes (see docs/architecture/0016-langserve-http-api.md).
 *
 * Input: a chat input — a string (one user message), a list of messages, or `{ messages }`.
 * A message is `{ type: 'human' | 'ai', content }` (LangChain's serialized form, which
 * `RemoteRunnable` sends for `HumanMessage`/`AIMessage` objects) or `{ role: 'user' | 'assistant',
 * content }` (OpenAI style). Output: one AI message; streams yield AI message chunks.
 */

/** Most messages one input may carry. */
export const MAX_INPUT_MESSAGES = 500;

const textBlock = z.object({ type: z.literal('text'), text: z.string() }).loose();
const content = z.union([
  z.string().max(MAX_MESSAGE_LENGTH),
  z.array(z.union([textBlock, z.object({ type: z.string() }).loose()])).max(100),
]);

const USER_TYPES = ['human', 'user', 'HumanMessage', 'HumanMessageChunk'] as const;
const AI_TYPES = ['ai', 'assistant', 'AIMessage', 'AIMessageChunk'] as const;

/** One message of a chat input. */
export const inputMessageSchema = z.union([
  z
    .object({
      type: z.enum([...USER_TYPES, ...AI_TYPES]),
      content,
    })
    .loose(),
  z.object({ role: z.enum(['user', 'assistant', 'human', 'ai']), content }).loose(),
]);

const messageList = z.array(inputMessageSchema).min(1).max(MAX_INPUT_MESSAGES);

/** The chat input an agent takes (documentation and JSON Schema; parsing is {@link parseChatInput}). */
export const chatInputSchema = z
  .union([
    z.string().min(1).max(MAX_MESSAGE_LENGTH).describe('One user message.'),
    messageList.describe('The conversation so far; the last message is the user’s.'),
    z.object({ messages: messageList }).loose().describe('A LangGraph-style state.'),
  ])
  .meta({ title: 'ChatInput' });

/** `config` of a request: LangChain's RunnableConfig; only `configurable` is read. */
export const runnableConfigSchema = z
  .object({
    configurable: z
      .object({
        temperature: z.number().finite(),
        maxTokens: z.number().finite(),
        topP: z.number().finite(),
      })
      .partial()
      .strict()
      .optional(),
    tags: z.array(z.string()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    run_name: z.string().optional(),
    runName: z.string().optional(),
  })
  .loose()
  .meta({ title: 'RunnableConfig' });

/** The body of `invoke`, `stream` and `stream_events`. */
export const invokeRequestSchema = z
  .object({
    input: z.unknown(),
    config: runnableConfigSchema.optional(),
    kwargs: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const names = z.array(z.string().max(200)).max(100).nullish();

/** LangServe's filters of a log's sub-runs (see `LogFilters` in stream-log.ts). */
export const logFiltersSchema = z
  .object({
    include_names: names,
    include_types: names,
    include_tags: names,
    exclude_names: names,
    exclude_types: names,
    exclude_tags: names,
  })
  .loose();

/**
 * The body of `stream_log`: an invoke body with the filters of the log's sub-runs (`diff`,
 * which LangChain.js sends, is ignored: the log is always sent as patches).
 */
export const streamLogRequestSchema = invokeRequestSchema.extend({
  ...logFiltersSchema.shape,
  diff: z.boolean().nullish(),
});

/** The body of `batch`: `config` is one config for all inputs, or one per input. */
export const batchRequestSchema = z
  .object({
    inputs: z.array(z.unknown()).min(1).max(64),
    config: z.union([runnableConfigSchema, z.array(runnableConfigSchema)]).optional(),
    kwargs: z.unknown().optional(),
  })
  .loose();

/** The body of `feedback` (LangServe's FeedbackCreateRequest). */
export const feedbackRequestSchema = z
  .object({
    run_id: z.string().min(1).max(100),
    key: z.string().min(1).max(200),
    score: z.union([z.number().finite(), z.boolean()]).nullish(),
    value: z
      .union([
        z.number().finite(),
        z.boolean(),
        z.string().max(10_000),
        z.record(z.string(), z.unknown()),
      ])
      .nullish(),
    comment: z.string().max(10_000).nullish(),
  })
  .strict();

/** An AI message as LangServe serializes it (LangChain's message fields, snake_case). */
export interface WireAiMessage {
  type: 'ai' | 'AIMessageChunk';
  content: string;
  id: string;
  name: null;
  example: false;
  additional_kwargs: Record<string, never>;
  response_metadata: Record<string, unknown>;
  tool_calls: [];
  invalid_tool_calls: [];
  usage_metadata: null;
  tool_call_chunks?: [];
}

/** The JSON Schema of {@link WireAiMessage} (the agents' output schema). */
export const aiMessageJsonSchema = {
  title: 'AIMessage',
  type: 'object',
  required: ['type', 'content'],
  properties: {
    type: { enum: ['ai', 'AIMessageChunk'] },
    content: { type: 'string' },
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    example: { type: 'boolean' },
    additional_kwargs: { type: 'object' },
    response_metadata: { type: 'object' },
    tool_calls: { type: 'array', items: {} },
    invalid_tool_calls: { type: 'array', items: {} },
    usage_metadata: { type: ['object', 'null'] },
    tool_call_chunks: { type: 'array', items: {} },
  },
} as const;

/** An AI message (`ai`) or chunk (`AIMessageChunk`) in the wire format. */
export function wireAiMessage(
  type: WireAiMessage['type'],
  text: string,
  id: string,
  responseMetadata: Record<string, unknown> = {},
): WireAiMessage {
  const message: WireAiMessage = {
    type,
    content: text,
    id,
    name: null,
    example: false,
    additional_kwargs: {},
    response_metadata: responseMetadata,
    tool_calls: [],
    invalid_tool_calls: [],
    usage_metadata: null,
  };
  if (type === 'AIMessageChunk') message.tool_call_chunks = [];
  return message;
}

/** `path: reason` strings for a zod error (as the socket side reports them). */
export function issuesOf(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(body)'}: ${issue.message}`;
  });
}

function textOfInputContent(value: z.infer<typeof content>): string {
  if (typeof value === 'string') return value;
  return value
    .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join('');
}

/**
 * Parses a chat input into LangChain messages, or the issues (each `input…: reason`). The last
 * message must be the user's: that is the one the agent answers.
 */
export function parseChatInput(
  input: unknown,
  prefix = 'input',
): { ok: true; messages: BaseMessage[] } | { ok: false; issues: string[] } {
  let list: unknown;
  let path = prefix;
  if (typeof input === 'string') {
    if (input.trim().length === 0) return { ok: false, issues: [`${prefix}: must not be empty`] };
    if (input.length > MAX_MESSAGE_LENGTH)
      return { ok: false, issues: [`${prefix}: at most ${MAX_MESSAGE_LENGTH} characters`] };
    return { ok: true, messages: [new HumanMessage(input)] };
  }
  if (Array.isArray(input)) list = input;
  else if (input && typeof input === 'object' && 'messages' in input) {
    list = (input as { messages: unknown }).messages;
    path = `${prefix}.messages`;
  } else
    return {
      ok: false,
      issues: [
        `${prefix}: expected a string, a list of messages ({ type | role, content }), or { messages: [...] }`,
      ],
    };
  const parsed = messageList.safeParse(list);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error, path) };
  const messages = parsed.data.map((message) => {
    const kind = String(
      (message as { type?: unknown }).type ?? (message as { role?: unknown }).role,
    );
    const text = textOfInputContent(message.content);
    return (USER_TYPES as readonly string[]).includes(kind)
      ? new HumanMessage(text)
      : new AIMessage(text);
  });
  if (!HumanMessage.isInstance(messages.at(-1)))
    return { ok: false, issues: [`${path}: the last message must be the user's (type "human")`] };
  return { ok: true, messages };
}

/** The settings a request's `config.configurable` names (validated later against the agent). */
export function settingsOf(config: z.infer<typeof runnableConfigSchema> | undefined) {
  const configurable = config?.configurable ?? {};
  return Object.fromEntries(
    RUN_SETTING_NAMES.filter((name) => configurable[name] !== undefined).map((name) => [
      name,
      configurable[name],
    ]),
  );
}
