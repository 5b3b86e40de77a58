import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from 'svelte-langserve/protocol';
import type { ClusterEvents } from '../cluster/peers.js';

/** What the handshake stores on each socket. */
export interface SocketData {
  protocolVersion: number;
  /**
   * Who the socket acts for: the token's `sub` claim, or {@link ANONYMOUS_USER_ID} for a
   * socket without a token in development.
   */
  userId: string;
  /** The token's `name` claim, if it has one. */
  name?: string;
  /** When the token expires (ms since the epoch); the socket is disconnected then. */
  expiresAt?: number;
}

export { ANONYMOUS_USER_ID } from '../edge/policy.js';

/** The server's typed Socket.IO server. */
export type ProtocolServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  ClusterEvents,
  SocketData
>;

/** A connected, typed socket. */
export type ProtocolSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  ClusterEvents,
  SocketData
>;

/** The room a conversation's events go to. */
export const conversationRoom = (conversationId: string): string =>
  `conversation:${conversationId}`;
