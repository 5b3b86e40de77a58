import { ok } from 'svelte-langserve/protocol';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `conversations:list`: the caller's conversations, most recently active first, `limit`
 * (default 20) per page; pass `nextCursor` back as `cursor` for the next page.
 */
export const conversationsList = defineHandler({
  event: 'conversations:list',
  async handle(payload, { conversations, socket }) {
    return ok(await conversations.list({ ...payload, userId: userIdOf(socket) }));
  },
});
