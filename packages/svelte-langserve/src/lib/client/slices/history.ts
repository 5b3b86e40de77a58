import { ok, type Message, type Result } from '../../protocol/index.js';
import type { ChatContext } from './context.js';

type HistoryPage = Result<{ messages: Message[]; hasMore: boolean }>;

/** History: the pages of messages older than those shown. */
export class HistorySlice {
  readonly #context: ChatContext;
  /** The `messages:history` request in flight, if any. */
  #loading: Promise<HistoryPage> | null = null;

  constructor(context: ChatContext) {
    this.#context = context;
  }

  /**
   * Loads the page of messages before the oldest one shown (`messages:history`) and puts it
   * first. Does nothing when `snapshot.chat.hasMore` is false; concurrent calls share one request.
   */
  loadOlder(): Promise<HistoryPage> {
    if (this.#loading) return this.#loading;
    const context = this.#context;
    const { conversation, messages, hasMore } = context.snapshot.chat;
    const oldest = messages.find((message) => message.delivery === 'sent');
    if (!conversation || !oldest || !hasMore)
      return Promise.resolve(ok({ messages: [], hasMore: false }));
    const conversationId = conversation.id;
    this.#loading = context
      .request('messages:history', { conversationId, before: oldest.id })
      .then((result) => {
        if (result.ok) context.dispatch({ type: 'history-loaded', conversationId, ...result.data });
        return result;
      })
      .finally(() => (this.#loading = null));
    return this.#loading;
  }
}
