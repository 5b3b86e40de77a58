import { tick } from 'svelte';

/** The "Load earlier messages" button of `MessageList`: its busy state and where focus goes. */
export class LoadOlderState {
  /** Whether a load is under way (the button is disabled meanwhile). */
  loading = $state(false);
  readonly #load: () => (() => unknown) | undefined;
  readonly #list: () => HTMLElement | undefined;

  constructor(options: {
    load: () => (() => unknown) | undefined;
    list: () => HTMLElement | undefined;
  }) {
    this.#load = options.load;
    this.#list = options.list;
  }

  /** Loads older messages; when the button goes (nothing older), focus stays in the list. */
  readonly click = async (event: MouseEvent): Promise<void> => {
    const button = event.currentTarget as HTMLElement;
    this.loading = true;
    try {
      await this.#load()?.();
    } finally {
      this.loading = false;
    }
    // A store publishes on the next animation frame, so look after it.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await tick();
    if (!button.isConnected && document.activeElement === document.body)
      this.#list()?.focus({ preventScroll: true });
  };
}
