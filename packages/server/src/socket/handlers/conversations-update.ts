import { ok } from 'svelte-langserve/protocol';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `conversations:update`: renames a conversation or changes its agents; the room hears
 * `conversation:updated` after the acknowledgement.
 */
export const conversationsUpdate = defineHandler({
  event: 'conversations:update',
  async handle(payload, { conversations, socket, io }) {
    const conversation = await conversations.update({ ...payload, userId: userIdOf(socket) });
    return {
      commit: () => ok({ conversation }),
      afterAck: () => {
        io.to(conversationRoom(conversation.id)).emit('conversation:updated', { conversation });
      },
    };
  },
});
