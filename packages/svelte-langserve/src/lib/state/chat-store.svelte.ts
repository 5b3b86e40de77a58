import { createContext } from 'svelte';
import {
  ChatController,
  SocketIoTransport,
  type ChatControllerOptions,
  type ChatSnapshot,
  type SendResult,
  type Transport,
} from '../client/index.js';

/** Options for {@link createChatStore}: a server URL, or a ready transport. */
export type ChatStoreOptions = Omit<ChatControllerOptions, 'transport'> &
  (
    | { url: string; token?: string | (() => string | undefined); transport?: never }
    | { transport: Transport; url?: never; token?: never }
  );

type Schedule = (flush: () => void) => void;

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
  #snapshot = $state.raw<ChatSnapshot>() as ChatSnapshot;
  #pending: ChatSnapshot | null = null;
  readonly #unsubscribe: () => void;
  readonly #schedule: Schedule;

  constructor(controller: ChatController, schedule: Schedule = nextFrame) {
    this.controller = controller;
    this.#schedule = schedule;
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

  /** Opens the connection. */
  connect(): void {
    this.controller.connect();
  }
  /** Sends a user message to `options.agentIds`, else to {@link agentIds}, else the defaults. */
  send(text: string, options: { agentIds?: string[] } = {}): Promise<SendResult> {
    const agentIds = options.agentIds ?? (this.agentIds.length ? [...this.agentIds] : undefined);
    return this.controller.send(text, agentIds ? { agentIds } : {});
  }
  /** Cancels one run, or every live run. */
  cancel(runId?: string): Promise<void> {
    return this.controller.cancel(runId);
  }
  /** Clears the last error. */
  clearError(): void {
    this.controller.clearError();
  }
  /** Disconnects and stops updating. Call it when the owning component is destroyed. */
  destroy(): void {
    this.#unsubscribe();
    this.controller.dispose();
  }
}

/**
 * Creates a chat store for a server URL (Socket.IO) or a given transport. Create it inside a
 * component (never at module level: on the server, module state is shared between users).
 */
export function createChatStore(options: ChatStoreOptions): ChatStore {
  const { url, token, transport, ...controllerOptions } = options;
  const chosen =
    transport ?? new SocketIoTransport({ url: url as string, ...(token ? { token } : {}) });
  return new ChatStore(new ChatController({ ...controllerOptions, transport: chosen }));
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
