import type { Message, RunEvent } from 'svelte-langserve/protocol';

/**
 * The port through which the server tells a conversation's room what happened: everyone who has
 * the conversation open, on this instance or (over Redis) another. The Socket.IO server
 * implements it (the socket-server plugin); runs and the orphan sweeper only know this.
 */
export interface RoomBroadcaster {
  /** A run's event, to the run's conversation. */
  runEvent(conversationId: string, event: RunEvent): void;
  /** A stored message changed outside a run (e.g. a run a dead instance left ended). */
  messageUpdated(conversationId: string, message: Message): void;
}
