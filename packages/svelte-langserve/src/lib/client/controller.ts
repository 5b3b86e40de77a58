import {
  fail,
  ok,
  type AgentInfo,
  type Conversation,
  type FeedbackValue,
  type Message,
  type MessageFeedback,
  type ProtocolError,
  type Result,
  type RunEvent,
  type RunInfo,
  type RunSettings,
} from '../protocol/index.js';
import {
  initialConnectionState,
  nextConnectionState,
  type ConnectionEvent,
  type ConnectionState,
} from './connection.js';
import { ROOT_BRANCH, messageParents, siblingPosition, visibleMessages } from './branches.js';
import { Emitter } from './emitter.js';
import { chatReducer, initialChatState, type ChatAction, type ChatState } from './reducer.js';
import type { Transport, Unsubscribe } from './transport.js';

/** Everything a chat UI reads, as one immutable snapshot. */
export interface ChatSnapshot {
  chat: ChatState;
  connection: ConnectionState;
  agents: AgentInfo[];
}

/** Options for {@link ChatController}. */
export interface ChatControllerOptions {
  transport: Transport;
  /** Join this conversation on connect. Without it, the first send creates one. */
  conversationId?: string;
  /** Agents that answer messages, unless a send names others. Default: the first agent listed. */
  agentIds?: string[];
  /** How many times a send is retried on a retryable error (same client id). @default 3 */
  sendRetries?: number;
  /** Delay before retry `n` (1-based), in ms. @default 250 * 2^(n-1) */
  retryDelayMs?: (attempt: number) => number;
  /** Makes client message ids. @default crypto.randomUUID */
  createId?: () => string;
}

/** Options for one {@link ChatController.send}. */
export interface SendOptions {
  /**
   * The agents that answer this message. Default: the controller's `agentIds`, else the
   * conversation's.
   */
  agentIds?: string[];
  /**
   * Runtime settings for this message's runs (only those the user set; the server applies each
   * agent's defaults to the rest). Every addressed agent must accept each setting given, within
   * its range, or the server refuses the message with `invalid_payload`.
   */
  settings?: RunSettings;
  /**
   * The message this one follows. Default: the last message shown ({@link visibleMessages}); none
   * shown: the conversation's latest. `null` starts a new root.
   */
  parentId?: string | null;
}

/** Options for {@link ChatController.regenerate}. */
export interface RegenerateOptions {
  /** The agents that answer again. Default: the agent that wrote the answer. */
  agentIds?: string[];
  /** Runtime settings for the new runs (as for {@link SendOptions.settings}). */
  settings?: RunSettings;
}

/** Which sibling {@link ChatController.selectBranch} shows: a neighbour, or a 0-based index. */
export type BranchTarget = 'previous' | 'next' | number;

/** Options for {@link ChatController.listConversations}. */
export interface ListConversationsOptions {
  /** A `nextCursor` from an earlier page: that page is appended. Without it, the first page replaces the list. */
  cursor?: string;
  /** Page size. @default the server's (20) */
  limit?: number;
}

/** What {@link ChatController.send} resolves with. */
export type SendResult = Result<{ message: Message; runs: RunInfo[] }>;

/** A copy of `settings` without unset entries, or undefined when none is set. */
function definedSettings(settings: RunSettings | undefined): RunSettings | undefined {
  if (!settings) return undefined;
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined);
  return entries.length ? (Object.fromEntries(entries) as RunSettings) : undefined;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The framework-free chat core. It owns a transport, applies server events through the pure
 * {@link chatReducer}, and publishes immutable {@link ChatSnapshot}s to subscribers.
 */
export class ChatController {
  readonly #transport: Transport;
  readonly #options: ChatControllerOptions;
  readonly #listeners = new Emitter<ChatSnapshot>();
  readonly #subscriptions: Unsubscribe[] = [];
  #snapshot: ChatSnapshot = {
    chat: initialChatState,
    connection: initialConnectionState,
    agents: [],
  };
  #disposed = false;
  /** Settles when the previous send has been delivered or given up (sends go in order). */
  #outbox: Promise<void> = Promise.resolve();
  /** Waiters released when the controller is disposed. */
  readonly #onDispose = new Set<() => void>();
  /** The conversation to join on connect when none is shown (the option, then `open`). */
  #target: string | undefined;
  /** True once the list was asked for: it is reloaded on every new connection. */
  #listing = false;
  /** The `messages:history` request in flight, if any. */
  #loadingOlder: Promise<Result<unknown>> | null = null;

  constructor(options: ChatControllerOptions) {
    this.#options = options;
    this.#transport = options.transport;
    this.#subscriptions.push(
      this.#transport.onConnection((event) => {
        this.#connectionEvent(event);
        // Every connection re-joins, even one whose session Socket.IO restored: a restored
        // session can have missed events, and the re-join replays them by seq (ADR 0021).
        if (event.type === 'connected') void this.#synchronise();
      }),
      this.#transport.on('run:event', (event) => {
        this.#dispatch({ type: 'run-event', event });
        this.#healGap(event);
      }),
      this.#transport.on('message:created', ({ message }) =>
        this.#dispatch({ type: 'message-created', message }),
      ),
      this.#transport.on('message:updated', ({ message }) =>
        this.#dispatch({ type: 'message-updated', message }),
      ),
      this.#transport.on('conversation:updated', ({ conversation }) =>
        this.#dispatch({ type: 'conversation-updated', conversation }),
      ),
      this.#transport.on('conversation:deleted', ({ conversationId }) =>
        this.#deleted(conversationId),
      ),
    );
    this.#target = options.conversationId;
  }

  /** The current snapshot. */
  get snapshot(): ChatSnapshot {
    return this.#snapshot;
  }

  /** Calls `listener` with every new snapshot. Returns its dispose. */
  subscribe(listener: (snapshot: ChatSnapshot) => void): Unsubscribe {
    return this.#listeners.on(listener);
  }

  /** Opens the connection. Agents are loaded, and the conversation joined, once connected. */
  connect(): void {
    this.#transport.connect();
  }

  /** Closes the connection. */
  disconnect(): void {
    this.#transport.disconnect();
  }

  /** Reloads the agent list. */
  async loadAgents(): Promise<Result<{ agents: AgentInfo[] }>> {
    const result = await this.#transport.request('agents:list', {});
    if (result.ok) this.#publish({ ...this.#snapshot, agents: result.data.agents });
    else this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /**
   * Joins a conversation, replacing what is shown with the server's copy. When re-joining the
   * conversation shown (after a reconnect), it sends the last `seq` applied for each live run:
   * the server replays the missed events, which apply in `seq` order, so nothing is duplicated.
   */
  async join(conversationId: string): Promise<Result<unknown>> {
    const chat = this.#snapshot.chat;
    const resume =
      chat.conversation?.id === conversationId
        ? Object.values(chat.runs)
            .filter((run) => run.status === 'running')
            .map((run) => ({ runId: run.id, seq: run.nextSeq - 1 }))
        : [];
    if (resume.length) this.#connectionEvent({ type: 'replaying' });
    const result = await this.#transport.request('conversations:join', {
      conversationId,
      ...(resume.length ? { runs: resume } : {}),
    });
    if (resume.length) this.#connectionEvent({ type: 'replayed' });
    if (result.ok) {
      const unreplayable = new Set(result.data.unreplayable ?? []);
      const replaying = resume.map((entry) => entry.runId).filter((id) => !unreplayable.has(id));
      this.#dispatch({ type: 'joined', ...result.data, replaying });
    } else this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /**
   * Sends a user message. It shows at once (delivery `sending`), is retried with the same client
   * id (and the same settings) on retryable errors, and is marked `failed` when it cannot be
   * delivered.
   */
  async send(text: string, options: SendOptions = {}): Promise<SendResult> {
    const clientMessageId = (this.#options.createId ?? (() => crypto.randomUUID()))();
    const conversation = this.#snapshot.chat.conversation;
    const parentId =
      options.parentId !== undefined
        ? options.parentId
        : visibleMessages(this.#snapshot.chat).at(-1)?.id;
    options = parentId === undefined ? options : { ...options, parentId };
    this.#dispatch({
      type: 'send',
      message: {
        id: `local:${clientMessageId}`,
        clientMessageId,
        conversationId: conversation?.id ?? '',
        role: 'user',
        parts: [{ type: 'text', text }],
        status: 'complete',
        createdAt: new Date().toISOString(),
        ...(typeof parentId === 'string' ? { parentId } : {}),
        // Typed while offline: it waits in the outbox until the connection is back.
        delivery: this.#online ? 'sending' : 'queued',
      },
    });
    // The outbox: sends go out one at a time, in the order they were typed; a send made while
    // disconnected waits (delivery `queued`) until the connection is back.
    const previous = this.#outbox;
    let release!: () => void;
    this.#outbox = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      return await this.#deliver(clientMessageId, text, options);
    } finally {
      release();
    }
  }

  async #deliver(clientMessageId: string, text: string, options: SendOptions): Promise<SendResult> {
    await this.#untilConnected(clientMessageId);
    const conversationId =
      this.#snapshot.chat.conversation?.id ?? (await this.#createConversation());
    if (typeof conversationId !== 'string') {
      this.#dispatch({ type: 'send-failed', clientMessageId, error: conversationId });
      return { ok: false, error: conversationId };
    }
    const agentIds = options.agentIds ?? this.#options.agentIds;
    const settings = definedSettings(options.settings);
    const parentId = this.#deliverableParent(options.parentId);
    const retries = this.#options.sendRetries ?? 3;
    const delay = this.#options.retryDelayMs ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
    let result: SendResult = fail('unavailable', 'Not sent.');
    let attempt = 0;
    while (!this.#disposed) {
      await this.#untilConnected(clientMessageId);
      if (this.#disposed) break;
      result = await this.#transport.request('messages:send', {
        conversationId,
        clientMessageId,
        text,
        ...(agentIds?.length ? { agentIds } : {}),
        ...(settings ? { settings } : {}),
        ...(parentId !== undefined ? { parentId } : {}),
      });
      if (result.ok || !result.error.retryable) break;
      // Offline again: wait for the connection without spending an attempt.
      if (!this.#online) continue;
      attempt += 1;
      if (attempt > retries) break;
      // A limit says when to come back (`retryAfterMs`): never sooner than that.
      await wait(Math.max(delay(attempt), result.error.retryAfterMs ?? 0));
    }
    if (result.ok) this.#dispatch({ type: 'send-ok', clientMessageId, ...result.data });
    else this.#dispatch({ type: 'send-failed', clientMessageId, error: result.error });
    return result;
  }

  /**
   * The parent to send: a message still local at send time (`local:<client id>`) is named by
   * the id the server gave it since (sends go in order); if it was never delivered, none is
   * sent and the server uses the conversation's latest message.
   */
  #deliverableParent(parentId: string | null | undefined): string | null | undefined {
    if (typeof parentId !== 'string' || !parentId.startsWith('local:')) return parentId;
    const clientMessageId = parentId.slice('local:'.length);
    const delivered = this.#snapshot.chat.messages.find(
      (message) => message.clientMessageId === clientMessageId && message.delivery === 'sent',
    );
    return delivered && !delivered.id.startsWith('local:') ? delivered.id : undefined;
  }

  /**
   * Answers the question of assistant message `messageId` again (`messages:regenerate`): the new
   * answers are its siblings and show once they start.
   */
  async regenerate(
    messageId: string,
    options: RegenerateOptions = {},
  ): Promise<Result<{ runs: RunInfo[] }>> {
    const conversationId = this.#snapshot.chat.conversation?.id;
    if (!conversationId) return fail('conflict', 'No conversation is open.');
    const settings = definedSettings(options.settings);
    const result = await this.#transport.request('messages:regenerate', {
      conversationId,
      messageId,
      ...(options.agentIds?.length ? { agentIds: options.agentIds } : {}),
      ...(settings ? { settings } : {}),
    });
    if (result.ok) this.#dispatch({ type: 'runs-started', runs: result.data.runs });
    else this.#dispatch({ type: 'error', error: result.error });
    return result;
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
    const conversationId = this.#snapshot.chat.conversation?.id;
    if (!conversationId) return fail('conflict', 'No conversation is open.');
    const message = this.#snapshot.chat.messages.find((candidate) => candidate.id === messageId);
    if (!message) return fail('not_found', 'No such message.');
    const attempt = (this.#feedbackAttempts.get(messageId) ?? 0) + 1;
    this.#feedbackAttempts.set(messageId, attempt);
    if (!this.#feedbackConfirmed.has(messageId))
      this.#feedbackConfirmed.set(messageId, message.feedback ?? null);
    const note = value === null ? undefined : comment?.trim() || undefined;
    this.#dispatch({
      type: 'feedback-set',
      messageId,
      feedback: value === null ? null : { value, ...(note ? { comment: note } : {}) },
    });
    const result = await this.#transport.request('messages:feedback', {
      conversationId,
      messageId,
      value,
      ...(note ? { comment: note } : {}),
    });
    if (result.ok) this.#feedbackConfirmed.set(messageId, result.data.feedback);
    // Only the latest rating of the message settles what is shown.
    if (this.#feedbackAttempts.get(messageId) === attempt) {
      const settled = this.#feedbackConfirmed.get(messageId) ?? null;
      this.#feedbackAttempts.delete(messageId);
      this.#feedbackConfirmed.delete(messageId);
      this.#dispatch({ type: 'feedback-set', messageId, feedback: settled });
    }
    if (!result.ok) this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /** Ratings on their way, per message: how many were sent (the latest's number). */
  readonly #feedbackAttempts = new Map<string, number>();
  /** Per message with ratings on their way: the feedback the server last confirmed. */
  readonly #feedbackConfirmed = new Map<string, MessageFeedback | null>();

  /**
   * Edits a message: sends `text` as a new version of it (a send with the edited message's
   * parent, `null` for a root). The old version stays, one of its siblings.
   */
  edit(messageId: string, text: string, options: Omit<SendOptions, 'parentId'> = {}) {
    const messages = this.#snapshot.chat.messages;
    const message = messages.find((candidate) => candidate.id === messageId);
    if (!message) return Promise.resolve<SendResult>(fail('not_found', 'No such message.'));
    // Its own parent, even one not loaded; a legacy message follows the one before it.
    const parent = message.parentId ?? messageParents(messages).get(messageId);
    const parentId = parent === undefined || parent === ROOT_BRANCH ? null : parent;
    return this.send(text, { ...options, parentId });
  }

  /**
   * Shows another version of a message: the sibling before or after `messageId`, or the one at
   * a 0-based index (clamped). The branch below it shows its newest messages unless another was
   * chosen there before.
   */
  selectBranch(messageId: string, target: BranchTarget): void {
    const position = siblingPosition(this.#snapshot.chat, messageId);
    if (!position) return;
    const index =
      target === 'previous'
        ? position.index - 1
        : target === 'next'
          ? position.index + 1
          : Math.trunc(target);
    const chosen = position.ids[Math.min(Math.max(index, 0), position.count - 1)];
    if (chosen !== undefined) this.#dispatch({ type: 'branch-selected', messageId: chosen });
  }

  /**
   * An event past the next expected `seq` means events were lost (a replay the server could not
   * complete, say): the reducer drops it, and the conversation is re-joined without resuming
   * that run, so the server's copy replaces the stalled one.
   */
  #healGap(event: RunEvent): void {
    const run = this.#snapshot.chat.runs[event.runId];
    const conversationId = this.#snapshot.chat.conversation?.id;
    if (!run || !conversationId || event.seq <= run.nextSeq || this.#healing) return;
    this.#healing = true;
    void this.#transport
      .request('conversations:join', { conversationId })
      .then((result) => {
        if (result.ok) this.#dispatch({ type: 'joined', ...result.data, replaying: [] });
      })
      .finally(() => (this.#healing = false));
  }

  #healing = false;

  /** Requests can go out: connected, or connected and catching up (`replaying`). */
  get #online(): boolean {
    const status = this.#snapshot.connection.status;
    return status === 'connected' || status === 'replaying';
  }

  #connectionEvent(event: ConnectionEvent): void {
    const connection = nextConnectionState(this.#snapshot.connection, event);
    if (connection !== this.#snapshot.connection) this.#publish({ ...this.#snapshot, connection });
  }

  /** Resolves once connected (at once when already), marking the message queued meanwhile. */
  async #untilConnected(clientMessageId: string): Promise<void> {
    if (this.#disposed) return;
    if (this.#online) {
      this.#dispatch({ type: 'send-queued', clientMessageId, queued: false });
      return;
    }
    this.#dispatch({ type: 'send-queued', clientMessageId, queued: true });
    await new Promise<void>((resolve) => {
      const done = () => {
        unsubscribe();
        this.#onDispose.delete(done);
        resolve();
      };
      const unsubscribe = this.#transport.onConnection((event) => {
        if (event.type === 'connected') done();
      });
      this.#onDispose.add(done);
    });
    this.#dispatch({ type: 'send-queued', clientMessageId, queued: false });
  }

  /** Cancels one run, or every live run when no id is given. */
  async cancel(runId?: string): Promise<void> {
    const ids = runId
      ? [runId]
      : Object.values(this.#snapshot.chat.runs)
          .filter((run) => run.status === 'running')
          .map((run) => run.id);
    const results = await Promise.all(
      ids.map((id) => this.#transport.request('runs:cancel', { runId: id })),
    );
    for (const result of results) {
      // A run that ended on its own before the cancel arrived is not an error worth showing.
      if (!result.ok && result.error.code !== 'conflict')
        this.#dispatch({ type: 'error', error: result.error });
    }
  }

  /**
   * Loads the caller's conversations into `snapshot.chat.conversations` (most recently active
   * first) and `nextCursor`. Without a cursor, the first page replaces the list. Once called,
   * the first page is reloaded whenever the connection opens again (and, if called before the
   * connection opens, it loads once it does).
   */
  async listConversations(
    options: ListConversationsOptions = {},
  ): Promise<Result<{ conversations: Conversation[]; nextCursor: string | null }>> {
    if (options.cursor === undefined) this.#listing = true;
    const result = await this.#transport.request('conversations:list', {
      ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    });
    if (result.ok)
      this.#dispatch({
        type: 'conversations-listed',
        ...result.data,
        append: options.cursor !== undefined,
      });
    // Not connected yet: the list loads when the connection opens.
    else if (this.#online) this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /** Appends the next page of conversations. Resolves to null when every page is loaded. */
  async loadMoreConversations(): Promise<Result<{
    conversations: Conversation[];
    nextCursor: string | null;
  }> | null> {
    const cursor = this.#snapshot.chat.nextCursor;
    return cursor ? this.listConversations({ cursor }) : null;
  }

  /** Renames a conversation (any member may); the list and the open conversation follow. */
  async renameConversation(
    conversationId: string,
    title: string,
  ): Promise<Result<{ conversation: Conversation }>> {
    const result = await this.#transport.request('conversations:update', {
      conversationId,
      title,
    });
    if (result.ok)
      this.#dispatch({ type: 'conversation-updated', conversation: result.data.conversation });
    else this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /**
   * Deletes a conversation with its messages (its owner only). It leaves the list; when it is
   * the open one, nothing is shown afterwards and the next send starts a new conversation.
   */
  async deleteConversation(conversationId: string): Promise<Result<{ conversationId: string }>> {
    const result = await this.#transport.request('conversations:delete', { conversationId });
    if (result.ok) this.#deleted(conversationId);
    else this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /**
   * Shows another conversation: joins it (its latest messages replace those shown), then leaves
   * the previous one's room. When not connected, it is joined once the connection opens.
   */
  open(conversationId: string): Promise<Result<unknown>> {
    const previous = this.#snapshot.chat.conversation?.id;
    this.#target = conversationId;
    if (previous === conversationId)
      return Promise.resolve(ok({ conversation: this.#snapshot.chat.conversation }));
    // Asked again while its join is on its way: the same answer.
    if (this.#opening?.conversationId === conversationId) return this.#opening.result;
    if (!this.#online) {
      if (previous) this.#dispatch({ type: 'closed' });
      return Promise.resolve(
        fail('unavailable', 'Not connected; the conversation opens once connected.'),
      );
    }
    const result = this.join(conversationId).then((joined) => {
      if (previous && joined.ok)
        void this.#transport.request('conversations:leave', { conversationId: previous });
      return joined;
    });
    const opening = { conversationId, result };
    this.#opening = opening;
    void result.finally(() => {
      if (this.#opening === opening) this.#opening = null;
    });
    return result;
  }

  /** The `open` whose join is on its way. */
  #opening: { conversationId: string; result: Promise<Result<unknown>> } | null = null;

  /**
   * Leaves the open conversation: its events stop arriving and nothing is shown. The next send
   * starts a new conversation. Resolves to null when none was open.
   */
  async leave(): Promise<Result<{ conversationId: string }> | null> {
    const conversationId = this.#snapshot.chat.conversation?.id;
    this.#target = undefined;
    this.#dispatch({ type: 'closed' });
    if (!conversationId || !this.#online) return null;
    return this.#transport.request('conversations:leave', { conversationId });
  }

  /** Starts afresh: leaves the open conversation; the next send creates a new one. */
  newConversation(): void {
    void this.leave();
  }

  /**
   * Loads the page of messages before the oldest one shown (`messages:history`) and puts it
   * first. Does nothing when `snapshot.chat.hasMore` is false; concurrent calls share one request.
   */
  loadOlder(): Promise<Result<unknown>> {
    if (this.#loadingOlder) return this.#loadingOlder;
    const { conversation, messages, hasMore } = this.#snapshot.chat;
    const oldest = messages.find((message) => message.delivery === 'sent');
    if (!conversation || !oldest || !hasMore) return Promise.resolve(ok({ messages: [] }));
    const conversationId = conversation.id;
    this.#loadingOlder = this.#transport
      .request('messages:history', { conversationId, before: oldest.id })
      .then((result) => {
        if (result.ok) this.#dispatch({ type: 'history-loaded', conversationId, ...result.data });
        else this.#dispatch({ type: 'error', error: result.error });
        return result;
      })
      .finally(() => (this.#loadingOlder = null));
    return this.#loadingOlder;
  }

  #deleted(conversationId: string): void {
    if (this.#target === conversationId) this.#target = undefined;
    this.#dispatch({ type: 'conversation-deleted', conversationId });
  }

  /** Clears the last error. */
  clearError(): void {
    this.#dispatch({ type: 'clear-error' });
  }

  /** Stops listening and closes the connection. The controller cannot be used afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const release of [...this.#onDispose]) release();
    for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
    this.#listeners.clear();
    this.#transport.disconnect();
  }

  async #createConversation(): Promise<string | ProtocolError> {
    const agentIds = this.#options.agentIds;
    const result = await this.#transport.request(
      'conversations:create',
      agentIds?.length ? { agentIds } : {},
    );
    if (!result.ok) return result.error;
    this.#dispatch({
      type: 'joined',
      conversation: result.data.conversation,
      messages: [],
      runs: [],
    });
    return result.data.conversation.id;
  }

  async #synchronise(): Promise<void> {
    // The conversation shown when the connection opened; one created meanwhile is already fresh.
    const conversationId = this.#snapshot.chat.conversation?.id ?? this.#target;
    await this.loadAgents();
    if (this.#listing) void this.listConversations();
    if (conversationId) await this.join(conversationId);
  }

  #dispatch(action: ChatAction): void {
    if (this.#disposed) return;
    const chat = chatReducer(this.#snapshot.chat, action);
    if (chat !== this.#snapshot.chat) this.#publish({ ...this.#snapshot, chat });
  }

  #publish(snapshot: ChatSnapshot): void {
    if (this.#disposed) return;
    this.#snapshot = snapshot;
    this.#listeners.emit(snapshot);
  }
}
