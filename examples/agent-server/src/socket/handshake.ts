import {
  handshakeAuthSchema,
  PROTOCOL_VERSION,
  type HandshakeErrorData,
} from 'svelte-langserve/protocol';
import type { ProtocolSocket } from './types.js';

/** An error refusing a handshake; Socket.IO sends `message` and `data` to the client. */
export interface HandshakeError extends Error {
  data: HandshakeErrorData;
}

function refuse(code: HandshakeError['data']['code'], message: string): HandshakeError {
  const error = new Error(message) as HandshakeError;
  error.data = { code, serverProtocolVersion: PROTOCOL_VERSION };
  return error;
}

/**
 * Checks `socket.handshake.auth` and returns the reason to refuse it, or null to accept.
 *
 * Authentication is NOT implemented yet (a later issue adds JWT verification): an optional
 * `token` is accepted by the schema and deliberately ignored here. Do not rely on it.
 */
export function checkHandshake(socket: Pick<ProtocolSocket, 'handshake'>): HandshakeError | null {
  const parsed = handshakeAuthSchema.safeParse(socket.handshake.auth ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'auth'}: ${issue.message}`)
      .join('; ');
    return refuse(
      'invalid_handshake',
      `Handshake refused: the auth object must carry protocolVersion (this server speaks protocol version ${PROTOCOL_VERSION}). ${issues}`,
    );
  }
  if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
    return refuse(
      'protocol_version_mismatch',
      `Handshake refused: protocol version mismatch — the client speaks version ${parsed.data.protocolVersion}, this server speaks version ${PROTOCOL_VERSION}. Update the client or the server so they match.`,
    );
  }
  return null;
}
