import { fail, ok, type Conversation, type Result } from '../../protocol/index.js';
import type { ChatContext } from './context.js';

/** Options for `listConversations`. */
export interface ListConversationsOptions {
  /** A `nextCursor` from an earlier page: that page is appended. Without it, the first page replaces the list. */
  cursor?: string;
  /** Page size. @default the server's (20) */
  limit?: number;
}

type ConversationPage = Result<{ conversations: Conversation[]; nextCursor: string | null }>;

/**
 * Conversations: the caller's list and its paging, rename and delete, and which conversation is
 * shown (open, leave, start afresh). Joining goes through `join` (the resume slice's).
 */
export class ConversationsSlice {
  readonly #context: ChatContext;
  readonly #join: (conversationId: string) => Promise<Result<unknown>>;
  /** The conversation to join on connect when none is shown (the option, then `open`). */
  target: string | undefined;
  /** True once the list was asked for: it is reloaded on every new connection. */
  listing = false;
  /** The `open` whose join is on its way. */
  #opening: { conversationId: string; result: Promise<Result<unknown>> } | null = null;

  constructor(
    context: ChatContext,
    join: (conversationId: string) => Promise<Result<unknown>>,
    conversationId?: string,
  ) {
    this.#context = context;
    this.#join = join;
    this.target = conversationId;
  }

  /**
   * Loads the caller's conversations into `snapshot.chat.conversations` (most recently active
   * first) and `nextCursor`. Without a cursor, the first page replaces the list. Once called,
   * the first page is reloaded whenever the connection opens again (and, if called before the
   * connection opens, it loads once it does).
   */
  async listConversations(options: ListConversationsOptions = {}): Promise<ConversationPage> {
    if (options.cursor === undefined) this.listing = true;
    const context = this.#context;
    const result = await context.request(
      'conversations:list',
      {
        ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
      },
      // Not connected yet: the list loads when the connection opens.
      () => context.online,
    );
    if (result.ok)
      context.dispatch({
        type: 'conversations-listed',
        ...result.data,
        append: options.cursor !== undefined,
      });
    return result;
  }

  /** Appends the next page of conversations. Resolves to null when every page is loaded. */
  async loadMoreConversations(): Promise<ConversationPage | null> {
    const cursor = this.#context.snapshot.chat.nextCursor;
    return cursor ? this.listConversations({ cursor }) : null;
  }

  /** Renames a conversation (any member may); the list and the open conversation follow. */
  async renameConversation(
    conversationId: string,
    title: string,
  ): Promise<Result<{ conversation: Conversation }>> {
    const result = await this.#context.request('conversations:update', { conversationId, title });
    if (result.ok)
      this.#context.dispatch({
        type: 'conversation-updated',
        conversation: result.data.conversation,
      });
    return result;
  }

  /**
   * Deletes a conversation with its messages (its owner only). It leaves the list; when it is
   * the open one, nothing is shown afterwards and the next send starts a new conversation.
   */
  async deleteConversation(conversationId: string): Promise<Result<{ conversationId: string }>> {
    const result = await this.#context.request('conversations:delete', { conversationId });
    if (result.ok) this.deleted(conversationId);
    return result;
  }

  /**
   * Shows another conversation: joins it (its latest messages replace those shown), then leaves
   * the previous one's room. When not connected, it is joined once the connection opens.
   */
  open(conversationId: string): Promise<Result<unknown>> {
    const context = this.#context;
    const shown = context.snapshot.chat.conversation;
    const previous = shown?.id;
    this.target = conversationId;
    if (previous === conversationId) return Promise.resolve(ok({ conversation: shown }));
    // Asked again while its join is on its way: the same answer.
    if (this.#opening?.conversationId === conversationId) return this.#opening.result;
    if (!context.online) {
      if (previous) context.dispatch({ type: 'closed' });
      return Promise.resolve(
        fail('unavailable', 'Not connected; the conversation opens once connected.'),
      );
    }
    const result = this.#join(conversationId).then((joined) => {
      if (previous && joined.ok)
        void context.transport.request('conversations:leave', { conversationId: previous });
      return joined;
    });
    const opening = { conversationId, result };
    this.#opening = opening;
    void result.finally(() => {
      if (this.#opening === opening) this.#opening = null;
    });
    return result;
  }

  /**
   * Leaves the open conversation: its events stop arriving and nothing is shown. The next send
   * starts a new conversation. Resolves to null when none was open.
   */
  async leave(): Promise<Result<{ conversationId: string }> | null> {
    const context = this.#context;
    const conversationId = context.snapshot.chat.conversation?.id;
    this.target = undefined;
    context.dispatch({ type: 'closed' });
    if (!conversationId || !context.online) return null;
    return context.transport.request('conversations:leave', { conversationId });
  }

  /** Starts afresh: leaves the open conversation; the next send creates a new one. */
  newConversation(): void {
    void this.leave();
  }

  /** A conversation was deleted (by this client or, heard from the room, by another). */
  deleted(conversationId: string): void {
    if (this.target === conversationId) this.target = undefined;
    this.#context.dispatch({ type: 'conversation-deleted', conversationId });
  }
}
