import {
  fail,
  type FeedbackValue,
  type MessageFeedback,
  type Result,
} from '../../protocol/index.js';
import type { ChatContext } from './context.js';

/** Feedback: the user's optimistic ratings of answers. */
export class FeedbackSlice {
  readonly #context: ChatContext;
  /** Ratings on their way, per message: how many were sent (the latest's number). */
  readonly #attempts = new Map<string, number>();
  /** Per message with ratings on their way: the feedback the server last confirmed. */
  readonly #confirmed = new Map<string, MessageFeedback | null>();

  constructor(context: ChatContext) {
    this.#context = context;
  }

  /**
   * Rates an answer: `1` (thumbs up), `-1` (thumbs down), or `null` to clear the rating, with an
   * optional `comment`. Optimistic: the message's `feedback` changes at once and goes back to
   * what the server last confirmed if the request fails (the error is then shown). When several
   * ratings of one message are on their way, the last one decides what is shown.
   */
  async feedback(
    messageId: string,
    value: FeedbackValue | null,
    comment?: string,
  ): Promise<Result<{ messageId: string; feedback: MessageFeedback | null }>> {
    const context = this.#context;
    const conversationId = context.snapshot.chat.conversation?.id;
    if (!conversationId) return fail('conflict', 'No conversation is open.');
    const message = context.snapshot.chat.messages.find((candidate) => candidate.id === messageId);
    if (!message) return fail('not_found', 'No such message.');
    const attempt = (this.#attempts.get(messageId) ?? 0) + 1;
    this.#attempts.set(messageId, attempt);
    if (!this.#confirmed.has(messageId)) this.#confirmed.set(messageId, message.feedback ?? null);
    const note = value === null ? undefined : comment?.trim() || undefined;
    context.dispatch({
      type: 'feedback-set',
      messageId,
      feedback: value === null ? null : { value, ...(note ? { comment: note } : {}) },
    });
    const result = await context.request('messages:feedback', {
      conversationId,
      messageId,
      value,
      ...(note ? { comment: note } : {}),
    });
    if (result.ok) this.#confirmed.set(messageId, result.data.feedback);
    // Only the latest rating of the message settles what is shown.
    if (this.#attempts.get(messageId) === attempt) {
      const settled = this.#confirmed.get(messageId) ?? null;
      this.#attempts.delete(messageId);
      this.#confirmed.delete(messageId);
      context.dispatch({ type: 'feedback-set', messageId, feedback: settled });
    }
    return result;
  }
}
