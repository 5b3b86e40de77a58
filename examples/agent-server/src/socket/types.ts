import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from 'svelte-langserve/protocol';

/** What the handshake stores on each socket. */
export interface SocketData {
  protocolVersion: number;
}

/** The server's typed Socket.IO server. */
export type ProtocolServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** A connected, typed socket. */
export type ProtocolSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** The room a conversation's events go to. */
export const conversationRoom = (conversationId: string): string =>
  `conversation:${conversationId}`;
