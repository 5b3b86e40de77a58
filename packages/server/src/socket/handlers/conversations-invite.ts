import { ok } from 'svelte-langserve/protocol';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `conversations:invite`: a member adds another user as a member (role `member`; inviting a
 * member again changes nothing). After the acknowledgement the room's presence lists them.
 */
export const conversationsInvite = defineHandler({
  event: 'conversations:invite',
  async handle(payload, { conversations, presence, socket }) {
    const { conversationId, userId } = payload;
    const { added } = await conversations.invite({
      conversationId,
      userId: userIdOf(socket),
      inviteeId: userId,
    });
    return {
      commit: () => ok({ conversationId, userId }),
      afterAck: () => {
        if (added) presence.changed(conversationId);
      },
    };
  },
});
