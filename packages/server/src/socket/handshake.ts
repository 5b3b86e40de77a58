import {
  handshakeAuthSchema,
  PROTOCOL_VERSION,
  type HandshakeErrorData,
} from 'svelte-langserve/protocol';
import type { TokenAuthority } from '../auth/tokens.js';
import { identify, isRefusal } from '../edge/policy.js';
import type { ProtocolSocket, SocketData } from './types.js';

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
 * Checks `socket.handshake.auth` (shape and protocol version) and returns the reason to refuse
 * it, or null to accept. The token is checked by {@link authenticateHandshake}.
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

/** Who a socket acts for, as established by {@link authenticateHandshake}. */
export type SocketIdentity = Pick<SocketData, 'userId' | 'name' | 'expiresAt'>;

/**
 * Verifies the handshake's `auth.token` (call after {@link checkHandshake} accepted it):
 *
 * - a valid token → its identity (`sub` → userId, `name`, `exp` → expiresAt);
 * - an invalid or expired token → an `unauthenticated` refusal saying why;
 * - no token → the {@link ANONYMOUS_USER_ID} user in development, an `unauthenticated`
 *   refusal in production.
 */
export async function authenticateHandshake(
  socket: Pick<ProtocolSocket, 'handshake'>,
  options: { authority: TokenAuthority; production: boolean },
): Promise<SocketIdentity | HandshakeError> {
  const token = (socket.handshake.auth as { token?: string } | undefined)?.token;
  const identity = await identify(token, {
    ...options,
    missingToken: 'a token is required (auth.token, a JWT).',
  });
  if (isRefusal(identity))
    return refuse('unauthenticated', `Handshake refused: ${identity.message}`);
  return identity;
}
