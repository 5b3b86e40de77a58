import { createContext } from 'svelte';
import {
  ChatController,
  PresenceTracker,
  type BranchTarget,
  SocketIoTransport,
  tokenSubject,
  type ChatControllerOptions,
  type ChatSnapshot,
  type ListConversationsOptions,
  type RegenerateOptions,
  type SendOptions,
  type SendResult,
  type Transport,
} from '../client/index.js';
import { BranchView, type SiblingPosition } from '../client/branches.js';
import {
  fail,
  type FeedbackValue,
  type PresenceMember,
  type RunSettings,
} from '../protocol/index.js';

/** Options for {@link createChatStore}: a server URL, or a ready transport. */
export type ChatStoreOptions = Omit<ChatControllerOptions, 'transport'> & {
  /**
   * The signed-in user's id, left out of {@link ChatStore.typingUsers}.
   * @default the `sub` claim of `token`, when it is a JWT
   */
  userId?: string | (() => string | undefined);
} & (
    | { url: string; token?: string | (() => string | undefined); transport?: never }
    | { transport: Transport; url?: never; token?: never }
  );

type Schedule = (flush: () => void) => void;

/** {@link ChatStore.siblingsOf} of a message with no other version. */
const ONLY_VERSION: { index: number; count: number } = Object.freeze({ index: 0, count: 1 });

const nextFrame: Schedule = (flush) =>
  typeof requestAnimationFrame === 'function'
    ? requestAnimationFrame(flush)
    : queueMicrotask(flush);

/**
 * The reactive chat store: a thin runes layer over the framework-free {@link ChatController}.
 * It publishes at most one new snapshot per animation frame, however fast tokens arrive.
 */
export class ChatStore {
  /** The controller behind the store, for anything the store does not wrap. */
  readonly controller: ChatController;
  /** Agents chosen for the next messages (e.g. by `AgentPicker`). Empty: the default agents. */
  agentIds = $state<string[]>([]);
  /**
   * Runtime settings for the next messages (e.g. bound to `ConfigPanel`): only those the user
   * set. Empty: each agent's defaults.
   */
  settings = $state<RunSettings>({});
  #snapshot = $state.raw<ChatSnapshot>() as ChatSnapshot;
  #pending: ChatSnapshot | null = null;
  readonly #unsubscribe: () => void;
  readonly #schedule: Schedule;
  /** Presence and typing (absent when the store was built around a bare controller). */
  readonly #presence: PresenceTracker | undefined;
  /** Bumped on every presence change, so the presence getters re-run. */
  #presenceVersion = $state(0);
  #unsubscribePresence: (() => void) | undefined;

  constructor(
    controller: ChatController,
    schedule: Schedule = nextFrame,
    presence?: PresenceTracker,
  ) {
    this.controller = controller;
    this.#schedule = schedule;
    this.#presence = presence;
    this.#unsubscribePresence = presence?.subscribe(() => (this.#presenceVersion += 1));
    this.#snapshot = controller.snapshot;
    this.#unsubscribe = controller.subscribe((snapshot) => {
      const scheduled = this.#pending !== null;
      this.#pending = snapshot;
      if (!scheduled) {
        this.#schedule(() => {
          if (this.#pending) this.#snapshot = this.#pending;
          this.#pending = null;
        });
      }
    });
  }

  /** The messages shown, oldest first. */
  get messages() {
    return this.#snapshot.chat.messages;
  }
  /** `ready`, `submitted`, `streaming` or `error`. */
  get status() {
    return this.#snapshot.chat.status;
  }
  /** The last error, or null. */
  get error() {
    return this.#snapshot.chat.error;
  }
  /** The current conversation, or null before the first message. */
  get conversation() {
    return this.#snapshot.chat.conversation;
  }
  /** Every run this client follows, by id. */
  get runs() {
    return this.#snapshot.chat.runs;
  }
  /** The connection's status and last error. */
  get connection() {
    return this.#snapshot.connection;
  }
  /** The agents the server offers. */
  get agents() {
    return this.#snapshot.agents;
  }
  /** The conversations listed so far (see {@link listConversations}), most recently active first. */
  get conversations() {
    return this.#snapshot.chat.conversations;
  }
  /** Whether more conversations can be listed ({@link loadMoreConversations}). */
  get hasMoreConversations() {
    return this.#snapshot.chat.nextCursor !== null;
  }
  /** Whether the open conversation has older messages to load ({@link loadOlder}). */
  get hasOlderMessages() {
    return this.#snapshot.chat.hasMore;
  }
  /**
   * The branch structure, worked out again only when messages are added, removed or moved (not
   * on every token of a streaming answer); unchanged results keep their identity, so the
   * deriveds below stop there and the messages already rendered are not touched.
   */
  readonly #branches = new BranchView();
  #visibleMessages = $derived(this.#branches.visible(this.#snapshot.chat));
  #siblingPositions = $derived(this.#branches.positions(this.#snapshot.chat.messages));
  /** `siblingsOf`'s answers, one object per position, so a caller's derived sees no change. */
  readonly #siblingAnswers = new WeakMap<SiblingPosition, { index: number; count: number }>();
  /**
   * The messages of the branch shown, oldest first: from the root through the chosen version of
   * each message (the newest unless {@link selectBranch} chose another). `messages` holds all.
   */
  get visibleMessages() {
    return this.#visibleMessages;
  }
  /** A message's place among its versions: `index` is 0-based ("2 of 3" is `{ index: 1, count: 3 }`). */
  siblingsOf(messageId: string): { index: number; count: number } {
    const position = this.#siblingPositions.get(messageId);
    if (!position) return ONLY_VERSION;
    let answer = this.#siblingAnswers.get(position);
    if (!answer) {
      answer = Object.freeze({ index: position.index, count: position.count });
      this.#siblingAnswers.set(position, answer);
    }
    return answer;
  }

  /**
   * Every member of the open conversation (`{ userId, name?, online, typing }`), the user
   * included, as the server last reported them; empty before the first `presence` event.
   */
  get presence(): PresenceMember[] {
    void this.#presenceVersion;
    const id = this.conversation?.id;
    return (id && this.#presence?.membersOf(id)) || [];
  }
  /** Members of the open conversation, other than the user, who are typing now. */
  get typingUsers(): PresenceMember[] {
    void this.#presenceVersion;
    return this.conversation ? (this.#presence?.typingMembers ?? []) : [];
  }
  /** Members of the open conversation other than the user. */
  get otherMembers(): PresenceMember[] {
    void this.#presenceVersion;
    return this.conversation ? (this.#presence?.otherMembers ?? []) : [];
  }

  /**
   * The user typed in the composer: sends `presence:typing` for the open conversation, paced
   * (see {@link PresenceTracker.typing}). Call it on every input.
   */
  typing(): void {
    this.#presence?.typing();
  }
  /** The user stopped typing: sends `typing: false` if `true` was sent. `send` calls it. */
  stopTyping(): void {
    this.#presence?.stopTyping();
  }
  /** Adds user `userId` as a member of the open conversation (any member may invite). */
  invite(userId: string) {
    if (!this.#presence)
      return Promise.resolve(fail('unavailable', 'This store has no presence tracker.'));
    return this.#presence.invite(userId);
  }

  /** Opens the connection. */
  connect(): void {
    this.controller.connect();
  }
  /**
   * Sends a user message to `options.agentIds`, else to {@link agentIds}, else the defaults; with
   * `options.settings`, else {@link settings}.
   */
  send(text: string, options: SendOptions = {}): Promise<SendResult> {
    const agentIds = options.agentIds ?? (this.agentIds.length ? [...this.agentIds] : undefined);
    const settings = options.settings ?? $state.snapshot(this.settings);
    this.stopTyping();
    return this.controller.send(text, { ...(agentIds ? { agentIds } : {}), settings });
  }
  /** Cancels one run, or every live run. */
  cancel(runId?: string): Promise<void> {
    return this.controller.cancel(runId);
  }
  /** Clears the last error. */
  clearError(): void {
    this.controller.clearError();
  }
  /** Loads the first page of the user's conversations (reloaded on every new connection). */
  listConversations(options?: ListConversationsOptions) {
    return this.controller.listConversations(options);
  }
  /** Appends the next page of conversations, if there is one. */
  loadMoreConversations() {
    return this.controller.loadMoreConversations();
  }
  /** Shows another conversation: joins it and leaves the one shown. */
  open(conversationId: string) {
    return this.controller.open(conversationId);
  }
  /** Leaves the open conversation; the next send starts a new one. */
  newConversation(): void {
    this.controller.newConversation();
  }
  /** Leaves the open conversation (its events stop arriving); nothing is shown afterwards. */
  leave() {
    return this.controller.leave();
  }
  /** Renames a conversation. */
  renameConversation(conversationId: string, title: string) {
    return this.controller.renameConversation(conversationId, title);
  }
  /** Deletes a conversation (its owner only). */
  deleteConversation(conversationId: string) {
    return this.controller.deleteConversation(conversationId);
  }
  /** Loads the messages before the oldest one shown, when {@link hasOlderMessages}. */
  loadOlder() {
    return this.controller.loadOlder();
  }
  /** Answers the question of an assistant message again; the new answer is its sibling. */
  regenerate(messageId: string, options?: RegenerateOptions) {
    return this.controller.regenerate(messageId, options);
  }
  /**
   * Sends `text` as a new version of a user message (to {@link agentIds} and with
   * {@link settings}, as `send` does); the old version stays.
   */
  edit(messageId: string, text: string): Promise<SendResult> {
    const agentIds = this.agentIds.length ? [...this.agentIds] : undefined;
    const settings = $state.snapshot(this.settings);
    return this.controller.edit(messageId, text, { ...(agentIds ? { agentIds } : {}), settings });
  }
  /**
   * Rates an answer: 1 (thumbs up), -1 (thumbs down) or null (clear), with an optional comment.
   * Shown at once; undone if the server refuses it.
   */
  feedback(messageId: string, value: FeedbackValue | null, comment?: string) {
    return this.controller.feedback(messageId, value, comment);
  }
  /** Shows the previous or next version of a message, or the one at a 0-based index. */
  selectBranch(messageId: string, target: BranchTarget): void {
    this.controller.selectBranch(messageId, target);
  }
  /** Disconnects and stops updating. Call it when the owning component is destroyed. */
  destroy(): void {
    this.#unsubscribe();
    this.#unsubscribePresence?.();
    this.#presence?.dispose();
    this.controller.dispose();
  }
}

/**
 * Creates a chat store for a server URL (Socket.IO) or a given transport. Create it inside a
 * component (never at module level: on the server, module state is shared between users).
 */
export function createChatStore(options: ChatStoreOptions): ChatStore {
  const { url, token, transport, userId, ...controllerOptions } = options;
  const chosen =
    transport ?? new SocketIoTransport({ url: url as string, ...(token ? { token } : {}) });
  const controller = new ChatController({ ...controllerOptions, transport: chosen });
  const presence = new PresenceTracker({
    transport: chosen,
    conversationId: () => controller.snapshot.chat.conversation?.id,
    userId: () =>
      typeof userId === 'function'
        ? userId()
        : (userId ?? tokenSubject(typeof token === 'function' ? token() : token)),
  });
  return new ChatStore(controller, nextFrame, presence);
}

const [getContext, setContext, hasContext] = createContext<ChatStore>();

/** Shares a chat store with every component below the caller. Returns the store. */
export function provideChatStore(store: ChatStore): ChatStore {
  return setContext(store);
}

/** Reads the chat store provided by an ancestor with {@link provideChatStore}. Throws if none. */
export function getChatStore(): ChatStore {
  return getContext();
}

/** Whether an ancestor provided a chat store. */
export function hasChatStore(): boolean {
  return hasContext();
}
