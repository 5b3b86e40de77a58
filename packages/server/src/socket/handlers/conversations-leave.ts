import { ok } from 'svelte-langserve/protocol';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `conversations:leave`: the socket stops receiving the conversation's events (it leaves the
 * room). The caller stays a member: joining again works. The others' presence shows the
 * caller offline once none of their connections is in the room.
 */
export const conversationsLeave = defineHandler({
  event: 'conversations:leave',
  async handle(payload, { conversations, presence, socket }) {
    const { conversationId } = payload;
    await conversations.requireAccess({ conversationId, userId: userIdOf(socket) });
    return {
      commit: () => {
        void socket.leave(conversationRoom(conversationId));
        return ok({ conversationId });
      },
      afterAck: () => presence.left(conversationId, socket.id),
    };
  },
});
