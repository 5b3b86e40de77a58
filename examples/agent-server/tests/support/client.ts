import { io as connect, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from 'svelte-langserve/protocol';

// No imports from the server or vitest: the transcript recorder script uses this too.

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects a real socket.io-client; resolves once connected. */
export async function connectClient(
  url: string,
  options: { auth?: Record<string, unknown>; extraHeaders?: Record<string, string> } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.auth ?? { protocolVersion: PROTOCOL_VERSION },
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
}
