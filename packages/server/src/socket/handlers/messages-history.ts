import { ok } from 'svelte-langserve/protocol';
import { withOwnFeedback } from './messages-feedback.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `messages:history`: the `limit` (default 50) messages just before `before`, oldest first,
 * and whether older ones exist, answers with the caller's own feedback. Clients page backwards
 * from the first message they hold.
 */
export const messagesHistory = defineHandler({
  event: 'messages:history',
  async handle(payload, { conversations, socket }) {
    const userId = userIdOf(socket);
    const page = await conversations.history({ ...payload, userId });
    const feedback = await conversations.ownFeedback({ userId, messages: page.messages });
    return ok({ ...page, messages: withOwnFeedback(page.messages, feedback) });
  },
});
