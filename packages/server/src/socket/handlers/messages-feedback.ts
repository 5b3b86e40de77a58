import { ok, type Message } from 'svelte-langserve/protocol';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `messages:feedback`: the caller rates an answer (`1`, `-1`, or `null` to clear) in a
 * conversation they are a member of, with an optional comment; answers their rating as stored.
 * Only assistant messages can be rated (`invalid_payload` otherwise); sending the same rating
 * again stores the same. Each user has one rating per message and sees only their own.
 */
export const messagesFeedback = defineHandler({
  event: 'messages:feedback',
  async handle(payload, { conversations, socket }) {
    const feedback = await conversations.feedback({
      conversationId: payload.conversationId,
      userId: userIdOf(socket),
      messageId: payload.messageId,
      value: payload.value,
      ...(payload.comment ? { comment: payload.comment } : {}),
    });
    return ok({ messageId: payload.messageId, feedback });
  },
});

/** `messages` with the caller's own feedback (from `ConversationService.ownFeedback`) set. */
export function withOwnFeedback(
  messages: Message[],
  feedback: ReadonlyMap<string, NonNullable<Message['feedback']>>,
): Message[] {
  return messages.map((message) => {
    const own = feedback.get(message.id);
    return own ? { ...message, feedback: own } : message;
  });
}
