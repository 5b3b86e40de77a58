import { createContext } from 'svelte';
import {
  ChatController,
  PresenceTracker,
  SocketIoTransport,
  tokenSubject,
  type ChatControllerOptions,
  type SendOptions,
  type SendResult,
  type Transport,
} from '../client/index.js';
import { BranchView, type SiblingPosition } from '../client/branches.js';
import type { ChatMessage } from '../client/reducer.js';
import { expose } from '../client/slices/context.js';
import type { PresenceMember, RunSettings } from '../protocol/index.js';
import { ReactiveChatState, nextFrame } from './reactive-chat-state.svelte.js';

/** Options for {@link createChatStore}: a server URL, or a ready transport. */
export type ChatStoreOptions = Omit<ChatControllerOptions, 'transport' | 'state' | 'userId'> & {
  /**
   * The signed-in user's id, left out of {@link ChatStore.typingUsers}.
   * @default the `sub` claim of `token`, when it is a JWT
   */
  userId?: string | (() => string | undefined);
} & (
    | { url: string; token?: string | (() => string | undefined); transport?: never }
    | { transport: Transport; url?: never; token?: never }
  );

/** The controller's actions the store offers as its own (documented on the slices). */
const ACTIONS = [
  ...['connect', 'cancel', 'clearError', 'selectBranch', 'regenerate', 'feedback', 'loadOlder'],
  ...['listConversations', 'loadMoreConversations', 'renameConversation', 'deleteConversation'],
  ...['open', 'leave', 'newConversation'],
] as const satisfies (keyof ChatController)[];
const PRESENCE = ['typing', 'stopTyping', 'invite'] as const satisfies (keyof PresenceTracker)[];

/** {@link ChatStore.siblingsOf} of a message with no other version. */
const ONLY_VERSION: { index: number; count: number } = Object.freeze({ index: 0, count: 1 });

/* eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- defined by `expose` */
export interface ChatStore
  extends
    Pick<ChatController, (typeof ACTIONS)[number]>,
    Pick<PresenceTracker, (typeof PRESENCE)[number]> {}

/**
 * The reactive chat store: the framework-free {@link ChatController} with a
 * {@link ReactiveChatState} injected, so what it shows is `$state` updated at most once per
 * animation frame. Its actions are the controller's (and presence's) own methods.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see above
export class ChatStore {
  /** The controller behind the store: its `snapshot` is current, the store's lags a frame. */
  readonly controller: ChatController;
  /** Agents chosen for the next messages (e.g. by `AgentPicker`). Empty: the default agents. */
  agentIds = $state<string[]>([]);
  /** Runtime settings for the next messages (only those the user set). Empty: the defaults. */
  settings = $state<RunSettings>({});
  readonly #state: ReactiveChatState;
  readonly #presence: PresenceTracker;
  /** Bumped on every presence change, so the presence getters re-run. */
  #presenceVersion = $state(0);
  readonly #cleanup: (() => void)[] = [];
  /** The branch tree, worked out again only when messages are added, removed or moved. */
  readonly #branches = new BranchView();
  #visibleMessages: ChatMessage[];
  #siblingPositions: Map<string, SiblingPosition>;
  /** `siblingsOf`'s answers, one object per position, so a caller's derived sees no change. */
  readonly #siblingAnswers = new WeakMap<SiblingPosition, { index: number; count: number }>();

  /**
   * Wraps `controller`. Built by {@link createChatStore} it shares the controller's injected
   * state; around a controller with a plain state, it follows its snapshots on `schedule`.
   */
  constructor(controller: ChatController, schedule = nextFrame, presence?: PresenceTracker) {
    this.controller = controller;
    const injected = controller.state instanceof ReactiveChatState ? controller.state : null;
    const state = (this.#state = injected ?? new ReactiveChatState(schedule, controller.snapshot));
    this.#visibleMessages = $derived(this.#branches.visible(state.chat));
    this.#siblingPositions = $derived(this.#branches.positions(state.chat.messages));
    if (!injected) this.#cleanup.push(controller.subscribe((next) => this.#state.set(next)));
    this.#presence = presence ?? controller.presence;
    this.#cleanup.push(this.#presence.subscribe(() => (this.#presenceVersion += 1)));
    expose(this, controller, ACTIONS);
    expose(this, this.#presence, PRESENCE);
  }

  /** The messages loaded, oldest first (every branch; see {@link visibleMessages}). */
  get messages() {
    return this.#state.chat.messages;
  }
  /** `ready`, `submitted`, `streaming` or `error`. */
  get status() {
    return this.#state.status;
  }
  /** The last error, or null. */
  get error() {
    return this.#state.error;
  }
  /** The current conversation, or null before the first message. */
  get conversation() {
    return this.#state.conversation;
  }
  /** Every run this client follows, by id. */
  get runs() {
    return this.#state.chat.runs;
  }
  /** The connection's status and last error. */
  get connection() {
    return this.#state.connection;
  }
  /** The agents the server offers. */
  get agents() {
    return this.#state.agents;
  }
  /** The conversations listed so far (`listConversations`), most recently active first. */
  get conversations() {
    return this.#state.conversations;
  }
  /** Whether more conversations can be listed (`loadMoreConversations`). */
  get hasMoreConversations() {
    return this.#state.nextCursor !== null;
  }
  /** Whether the open conversation has older messages to load (`loadOlder`). */
  get hasOlderMessages() {
    return this.#state.hasMore;
  }
  /**
   * The messages of the branch shown, oldest first: from the root through the chosen version of
   * each message (the newest unless `selectBranch` chose another). Unchanged messages keep their
   * identity, and a text delta does not work the branch tree out again.
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

  /** Every member of the open conversation (the user included); empty before any is heard. */
  get presence(): PresenceMember[] {
    void this.#presenceVersion;
    const id = this.conversation?.id;
    return (id && this.#presence.membersOf(id)) || [];
  }
  /** Members of the open conversation, other than the user, who are typing now. */
  get typingUsers(): PresenceMember[] {
    void this.#presenceVersion;
    return this.conversation ? this.#presence.typingMembers : [];
  }
  /** Members of the open conversation other than the user. */
  get otherMembers(): PresenceMember[] {
    void this.#presenceVersion;
    return this.conversation ? this.#presence.otherMembers : [];
  }

  /**
   * Sends a user message to `options.agentIds`, else to {@link agentIds}, else the defaults; with
   * `options.settings`, else {@link settings}. Stops the typing indicator.
   */
  send(text: string, options: SendOptions = {}): Promise<SendResult> {
    this.stopTyping();
    const defaults = this.#defaults();
    const agentIds = options.agentIds ?? defaults.agentIds;
    const settings = options.settings ?? defaults.settings;
    return this.controller.send(text, { ...options, ...(agentIds ? { agentIds } : {}), settings });
  }
  /** Sends `text` as a new version of a user message (as `send` does); the old version stays. */
  edit(messageId: string, text: string): Promise<SendResult> {
    return this.controller.edit(messageId, text, this.#defaults());
  }
  /** Disconnects and stops updating. Call it when the owning component is destroyed. */
  destroy(): void {
    for (const dispose of this.#cleanup.splice(0)) dispose();
    this.#state.dispose();
    this.#presence.dispose();
    this.controller.dispose();
  }

  #defaults(): Pick<SendOptions, 'agentIds' | 'settings'> {
    const agentIds = this.agentIds.length ? [...this.agentIds] : undefined;
    return { ...(agentIds ? { agentIds } : {}), settings: $state.snapshot(this.settings) };
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
  const subject = () => tokenSubject(typeof token === 'function' ? token() : token);
  const controller = new ChatController({
    ...controllerOptions,
    transport: chosen,
    state: new ReactiveChatState(),
    userId: userId ?? subject,
  });
  return new ChatStore(controller);
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
