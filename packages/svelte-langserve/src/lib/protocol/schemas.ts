import { z } from 'zod';

/** Longest message text a client may send, in characters. */
export const MAX_MESSAGE_LENGTH = 32_000;
/** Longest id (conversation, message, run, agent, client message) accepted, in characters. */
export const MAX_ID_LENGTH = 128;
/** Most agents one message may address. */
export const MAX_AGENTS_PER_MESSAGE = 8;
/** Largest page of conversations or messages a request may ask for. */
export const MAX_PAGE_SIZE = 100;
/** Longest user id (a token's `sub`) accepted, in characters. */
export const MAX_USER_ID_LENGTH = 256;
/** Longest feedback comment accepted, in characters. */
export const MAX_FEEDBACK_COMMENT_LENGTH = 2_000;

const id = z.string().trim().min(1).max(MAX_ID_LENGTH);

/**
 * The shape of a message's runtime settings. Ranges depend on the agent (`AgentInfo.settings`)
 * and are checked by the server, which names the setting and the agent in its error.
 */
export const runSettingsSchema = z
  .object({
    temperature: z.number().finite().min(0).optional(),
    maxTokens: z.number().int().positive().optional(),
    topP: z.number().finite().min(0).max(1).optional(),
  })
  .strict();

/** Runtime schemas for every client→server payload, keyed by event name. */
export const requestSchemas = {
  'agents:list': z.object({}).strict(),
  'conversations:create': z
    .object({
      title: z.string().trim().min(1).max(200).optional(),
      agentIds: z.array(id).min(1).max(MAX_AGENTS_PER_MESSAGE).optional(),
    })
    .strict(),
  'conversations:list': z
    .object({
      /** Page size. @default 20 */
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      /** `nextCursor` of the previous page. */
      cursor: z.string().min(1).max(512).optional(),
    })
    .strict(),
  'conversations:update': z
    .object({
      conversationId: id,
      title: z.string().trim().min(1).max(200).optional(),
      agentIds: z.array(id).min(1).max(MAX_AGENTS_PER_MESSAGE).optional(),
    })
    .strict()
    .refine((value) => value.title !== undefined || value.agentIds !== undefined, {
      message: 'give a title or agentIds to change',
    }),
  'conversations:delete': z.object({ conversationId: id }).strict(),
  'conversations:join': z
    .object({
      conversationId: id,
      /** Messages in the first page (the latest ones). @default 50 */
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      /**
       * The last `seq` this client applied for runs it saw live: the server replays each one's
       * later events (when it still has them) right after the acknowledgement.
       */
      runs: z
        .array(z.object({ runId: id, seq: z.number().int().min(-1) }).strict())
        .max(MAX_AGENTS_PER_MESSAGE * 4)
        .optional(),
    })
    .strict(),
  'conversations:leave': z.object({ conversationId: id }).strict(),
  'messages:history': z
    .object({
      conversationId: id,
      /** The oldest message the client has: the page ends just before it. */
      before: id,
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
    })
    .strict(),
  'messages:send': z
    .object({
      conversationId: id,
      /** Chosen by the client; sending the same id twice creates one message. */
      clientMessageId: id,
      text: z
        .string()
        .min(1)
        .max(MAX_MESSAGE_LENGTH)
        .refine((text) => text.trim().length > 0, {
          message: 'must not be blank',
        }),
      agentIds: z.array(id).min(1).max(MAX_AGENTS_PER_MESSAGE).optional(),
      /** Checked against each agent's `settings` by the server. */
      settings: runSettingsSchema.optional(),
      /**
       * The message this one follows: the last one of the branch the user is looking at.
       * `null` starts a new root (editing the first message); absent: the conversation's latest
       * message. Editing a message = sending with the edited message's `parentId`.
       */
      parentId: id.nullable().optional(),
    })
    .strict(),
  'messages:regenerate': z
    .object({
      conversationId: id,
      /** The assistant message to answer again: the new answer becomes its sibling. */
      messageId: id,
      /** Default: the agent that wrote `messageId`. */
      agentIds: z.array(id).min(1).max(MAX_AGENTS_PER_MESSAGE).optional(),
      settings: runSettingsSchema.optional(),
    })
    .strict(),
  'messages:feedback': z
    .object({
      conversationId: id,
      /** The assistant message rated. */
      messageId: id,
      /** 1 (thumbs up), -1 (thumbs down), or null to clear the caller's feedback. */
      value: z.union([z.literal(1), z.literal(-1)]).nullable(),
      /** A note with the rating (trimmed; blank = none). Not with `value: null`. */
      comment: z.string().trim().max(MAX_FEEDBACK_COMMENT_LENGTH).optional(),
    })
    .strict()
    .refine((value) => value.value !== null || value.comment === undefined, {
      message: 'a comment needs a value',
      path: ['comment'],
    }),
  'runs:cancel': z.object({ runId: id }).strict(),
  'conversations:invite': z
    .object({
      conversationId: id,
      /** The user to add, exactly as the server knows them (a token's `sub`; not trimmed). */
      userId: z
        .string()
        .min(1)
        .max(MAX_USER_ID_LENGTH)
        .refine((userId) => userId.trim().length > 0, { message: 'must not be blank' }),
    })
    .strict(),
  'presence:typing': z
    .object({
      conversationId: id,
      /** True while the user types (send again within the expiry to keep it), false to stop. */
      typing: z.boolean(),
    })
    .strict(),
} as const;

/** The handshake's `auth` object. */
export const handshakeAuthSchema = z.object({
  protocolVersion: z.number().int().positive(),
  token: z.string().max(4096).optional(),
});

/** The name of every client→server request. */
export type RequestName = keyof typeof requestSchemas;

/** The payload type of request `E`, as the client sends it. */
export type RequestPayload<E extends RequestName> = z.input<(typeof requestSchemas)[E]>;

/** The handshake's `auth` object. */
export type HandshakeAuth = z.infer<typeof handshakeAuthSchema>;

/**
 * What a server puts in the `data` of a refused handshake's `connect_error`, so the client can
 * tell a version mismatch ("update the app") from a malformed handshake or a missing, invalid
 * or expired token (`unauthenticated`: log in again, or reconnect with a refreshed token).
 */
export interface HandshakeErrorData {
  code: 'invalid_handshake' | 'protocol_version_mismatch' | 'unauthenticated';
  /** The protocol version the server speaks. */
  serverProtocolVersion: number;
}

/** All request names, for runtime iteration. */
export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];

/**
 * Parses a payload against its event's schema. Returns the parsed value or a list of
 * `path: reason` strings describing every problem.
 */
export function parseRequest<E extends RequestName>(
  event: E,
  payload: unknown,
): { ok: true; value: z.output<(typeof requestSchemas)[E]> } | { ok: false; issues: string[] } {
  const result = requestSchemas[event].safeParse(payload);
  if (result.success) {
    return { ok: true, value: result.data as z.output<(typeof requestSchemas)[E]> };
  }
  return {
    ok: false,
    issues: result.error.issues.map(
      (issue) => `${issue.path.length ? issue.path.join('.') : '(payload)'}: ${issue.message}`,
    ),
  };
}
