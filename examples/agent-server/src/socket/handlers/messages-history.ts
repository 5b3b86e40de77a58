import { ok } from 'svelte-langserve/protocol';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `messages:history`: the `limit` (default 50) messages just before `before`, oldest first,
 * and whether older ones exist. Clients page backwards from the first message they hold.
 */
export const messagesHistory = defineHandler({
  event: 'messages:history',
  async handle(payload, { conversations, socket }) {
    return ok(await conversations.history({ ...payload, userId: userIdOf(socket) }));
  },
});
