import { ok } from 'svelte-langserve/protocol';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `conversations:delete` (owner only): deletes the conversation with its messages and runs
 * (live runs are cancelled first). After the acknowledgement the room hears
 * `conversation:deleted`, then every socket leaves the room.
 */
export const conversationsDelete = defineHandler({
  event: 'conversations:delete',
  async handle(payload, { conversations, presence, socket, io }) {
    const { conversationId } = payload;
    await conversations.delete({ conversationId, userId: userIdOf(socket) });
    const room = conversationRoom(conversationId);
    return {
      commit: () => ok({ conversationId }),
      afterAck: () => {
        io.to(room).emit('conversation:deleted', { conversationId });
        io.in(room).socketsLeave(room);
        presence.forget(conversationId);
      },
    };
  },
});
