import { ok } from 'svelte-langserve/protocol';
import { ServiceError } from '../../service/conversation-service.js';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `presence:typing`: the caller's connection starts (`true`, lapsing unless sent again) or stops
 * typing in a conversation it has joined. The room hears it through throttled `presence` events.
 */
export const presenceTyping = defineHandler({
  event: 'presence:typing',
  async handle(payload, { conversations, presence, socket }) {
    const { conversationId, typing } = payload;
    const userId = userIdOf(socket);
    await conversations.requireAccess({ conversationId, userId });
    if (!socket.rooms.has(conversationRoom(conversationId)))
      throw new ServiceError('conflict', 'Join the conversation before saying you are typing.');
    presence.typing(conversationId, { socketId: socket.id, userId }, typing);
    return ok({});
  },
});
