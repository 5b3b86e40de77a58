import { z } from 'zod';

/** Longest message text a client may send, in characters. */
export const MAX_MESSAGE_LENGTH = 32_000;
/** Longest id (conversation, message, run, agent, client message) accepted, in characters. */
export const MAX_ID_LENGTH = 128;
/** Most agents one message may address. */
export const MAX_AGENTS_PER_MESSAGE = 8;

const id = z.string().trim().min(1).max(MAX_ID_LENGTH);

/** Runtime schemas for every client→server payload, keyed by event name. */
export const requestSchemas = {
  'agents:list': z.object({}).strict(),
  'conversations:create': z
    .object({
      title: z.string().trim().min(1).max(200).optional(),
      agentIds: z.array(id).min(1).max(MAX_AGENTS_PER_MESSAGE).optional(),
    })
    .strict(),
  'conversations:join': z.object({ conversationId: id }).strict(),
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
    })
    .strict(),
  'runs:cancel': z.object({ runId: id }).strict(),
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
 * tell a version mismatch ("update the app") from a malformed handshake.
 */
export interface HandshakeErrorData {
  code: 'invalid_handshake' | 'protocol_version_mismatch';
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
