import { PlainChatState, initialChatSnapshot, type ChatSnapshot } from '../client/index.js';

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
    this.#connection = connection;
    this.#agents = agents;
  }
}
