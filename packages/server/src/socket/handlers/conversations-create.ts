import { ok } from 'svelte-langserve/protocol';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `conversations:create`: creates a conversation owned by the caller (its first member) and puts
 * the socket in its room.
 */
export const conversationsCreate = defineHandler({
  event: 'conversations:create',
  async handle(payload, { conversations, socket }) {
    const conversation = await conversations.create({ ...payload, userId: userIdOf(socket) });
    return {
      commit: () => {
        void socket.join(conversationRoom(conversation.id));
        return ok({ conversation });
      },
    };
  },
});
