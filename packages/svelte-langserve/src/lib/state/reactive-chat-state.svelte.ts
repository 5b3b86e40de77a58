import {
  PlainChatState,
  initialChatSnapshot,
  type ChatSnapshot,
  type ChatState,
} from '../client/index.js';

/** Runs `flush` later: on the next animation frame by default. */
export type Schedule = (flush: () => void) => void;

/** The next animation frame, or a microtask where there are no frames (on the server). */
export const nextFrame: Schedule = (flush) =>
  typeof requestAnimationFrame === 'function'
    ? requestAnimationFrame(flush)
    : queueMicrotask(flush);

/**
 * The `ChatSnapshotState` the runes layer injects into a `ChatController`: `snapshot` is
 * current at once (the controller decides from it, subscribers hear every one), while the
 * `$state` fields `chat`, `connection` and `agents` follow at most once per frame, however fast
 * tokens arrive. A field whose value did not change is not written, so what reads only it does
 * not run again.
 */
export class ReactiveChatState extends PlainChatState {
  #chat = $state.raw() as ChatSnapshot['chat'];
  // The chat's fields that do not change with every token, each its own signal: what reads only
  // them (a status badge, the composer) does not run again on every frame of an answer.
  #status = $state.raw() as ChatState['status'];
  #error = $state.raw() as ChatState['error'];
  #conversation = $state.raw() as ChatState['conversation'];
  #conversations = $state.raw() as ChatState['conversations'];
  #nextCursor = $state.raw() as ChatState['nextCursor'];
  #hasMore = $state.raw() as ChatState['hasMore'];
  #connection = $state.raw() as ChatSnapshot['connection'];
  #agents = $state.raw() as ChatSnapshot['agents'];
  readonly #schedule: Schedule;
  #scheduled = false;
  #disposed = false;

  /** `schedule` batches the fields' updates (default: once per animation frame). */
  constructor(schedule: Schedule = nextFrame, snapshot: ChatSnapshot = initialChatSnapshot) {
    super(snapshot);
    this.#schedule = schedule;
    this.#show(snapshot);
  }

  /** The chat as shown: messages, runs, conversation, status… (reactive). */
  get chat(): ChatSnapshot['chat'] {
    return this.#chat;
  }
  /** `chat.status`, changing only when it does (reactive). */
  get status(): ChatState['status'] {
    return this.#status;
  }
  /** `chat.error` (reactive). */
  get error(): ChatState['error'] {
    return this.#error;
  }
  /** `chat.conversation` (reactive). */
  get conversation(): ChatState['conversation'] {
    return this.#conversation;
  }
  /** `chat.conversations` (reactive). */
  get conversations(): ChatState['conversations'] {
    return this.#conversations;
  }
  /** `chat.nextCursor` (reactive). */
  get nextCursor(): ChatState['nextCursor'] {
    return this.#nextCursor;
  }
  /** `chat.hasMore` (reactive). */
  get hasMore(): ChatState['hasMore'] {
    return this.#hasMore;
  }
  /** The connection as shown (reactive). */
  get connection(): ChatSnapshot['connection'] {
    return this.#connection;
  }
  /** The agents as shown (reactive). */
  get agents(): ChatSnapshot['agents'] {
    return this.#agents;
  }

  override set(snapshot: ChatSnapshot): void {
    super.set(snapshot);
    if (this.#scheduled || this.#disposed) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      if (!this.#disposed) this.#show(this.snapshot);
    });
  }

  override dispose(): void {
    this.#disposed = true;
    super.dispose();
  }

  #show({ chat, connection, agents }: ChatSnapshot): void {
    this.#chat = chat;
    this.#status = chat.status;
    this.#error = chat.error;
    this.#conversation = chat.conversation;
    this.#conversations = chat.conversations;
    this.#nextCursor = chat.nextCursor;
    this.#hasMore = chat.hasMore;
    this.#connection = connection;
    this.#agents = agents;
  }
}
