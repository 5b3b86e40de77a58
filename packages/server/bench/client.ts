/** The bench's typed socket.io client: the protocol's events, both ways. */
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from 'svelte-langserve/protocol';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
