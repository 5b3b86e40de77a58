/**
 * A component whose code loads the first time it is needed, as its own chunk: for parts most
 * chats never show, or show only after a click (the inline editor, tool calls, reasoning, the
 * version switcher, who else is here). Reading {@link current} starts the load; it is
 * `undefined` until the code has arrived, then the component, for every reader (ADR 0028).
 *
 * The loaded component is kept by the module that creates this object, like the import itself:
 * it is code, not state, so it is shared by every chat on the page.
 */
export class LazyComponent<C> {
  #component = $state.raw<C>();
  #load: (() => Promise<{ default: C }>) | undefined;

  constructor(load: () => Promise<{ default: C }>) {
    this.#load = load;
  }

  /** The component once its code has loaded (reactive); reading it starts the load. */
  get current(): C | undefined {
    const load = this.#load;
    if (load) {
      this.#load = undefined;
      load().then(
        (module) => (this.#component = module.default),
        // A chunk that failed to load (offline, a new deploy) is fetched again on the next read.
        () => (this.#load = load),
      );
    }
    return this.#component;
  }
}
