import type { ProtocolSocket } from '../types.js';

/** The user of sockets the handshake established no identity for. */
const ANONYMOUS = 'anonymous';

/**
 * Who a socket acts for: `socket.data.userId`, set by the handshake (from the token), or
 * `anonymous` when it set none. Every service call takes it; the service checks membership.
 */
export function userIdOf(socket: ProtocolSocket): string {
  const { userId } = socket.data as { userId?: unknown };
  return typeof userId === 'string' && userId !== '' ? userId : ANONYMOUS;
}
