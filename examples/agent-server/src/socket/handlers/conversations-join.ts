import { ok } from 'svelte-langserve/protocol';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';

/**
 * `conversations:join`: the conversation, its messages and its live runs. The snapshot is
 * taken, the socket joins the room and the acknowledgement goes out in one synchronous step,
 * so the first run event the socket receives afterwards is the one after the snapshot's `seq`.
 */
export const conversationsJoin = defineHandler({
  event: 'conversations:join',
  async handle(payload, { conversations, socket }) {
    const snapshot = await conversations.join(payload.conversationId);
    return {
      commit: () => {
        const data = snapshot.commit();
        void socket.join(conversationRoom(payload.conversationId));
        return ok(data);
      },
    };
  },
});
