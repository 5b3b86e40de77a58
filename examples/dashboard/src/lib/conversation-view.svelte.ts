import { createContext, untrack } from 'svelte';
import type { ChatStore } from 'svelte-langserve';

/**
 * Which conversation the dashboard shows, driven by the route: `/` starts a new one,
 * `/c/<id>` opens one. `generation` changes whenever another conversation is shown (not when the
 * first send of a new one creates it), so the chat view can start afresh on a real switch and
 * keep its focus and scroll on the URL update that follows a first send.
 */
export class ConversationView {
  readonly #chat: ChatStore;
  #generation = $state(0);

  constructor(chat: ChatStore) {
    this.#chat = chat;
  }

  /** Bumped on every switch to another conversation. */
  get generation(): number {
    return this.#generation;
  }

  /** Shows conversation `id`, or a new conversation when null. */
  show(id: string | null): void {
    // Called from effects: depend on the route only, not on what this reads or writes.
    untrack(() => {
      // The controller's snapshot is current; the store's lags by up to a frame.
      const controller = this.#chat.controller;
      const current = controller.snapshot.chat.conversation?.id ?? null;
      if (id === current) return;
      if (id) {
        // Already on its way (e.g. waiting for the connection): nothing changes.
        if (this.#requested === id) return;
        this.#generation += 1;
        void this.#chat.open(id);
      } else {
        this.#generation += 1;
        this.#chat.newConversation();
      }
      this.#requested = id;
    });
  }

  /** The id last asked for. */
  #requested: string | null | undefined = undefined;

  /**
   * The id of a conversation the user just started on `/` (created by the first send), once the
   * store shows it; null otherwise.
   */
  get started(): string | null {
    const id = this.#chat.conversation?.id;
    return id && this.#chat.controller.snapshot.chat.conversation?.id === id ? id : null;
  }
}

const [getContext, setContext] = createContext<ConversationView>();

/** Shares the conversation view with the routes below. */
export const provideConversationView = (view: ConversationView) => setContext(view);
/** The conversation view provided by the layout. */
export const getConversationView = () => getContext();
