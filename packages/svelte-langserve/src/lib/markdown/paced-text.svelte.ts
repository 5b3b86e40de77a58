import { untrack } from 'svelte';

/** Options for {@link PacedText}. */
export interface PacedTextOptions {
  /** The text as it arrives. */
  text: () => string;
  /** Whether it is still growing (an answer streaming). */
  live: () => boolean;
  /** The least time between two renders while live, in ms; 0 renders every change. */
  intervalMs: () => number;
  /** The clock. @default performance.now */
  now?: () => number;
}

/**
 * The text `Markdown` renders: while the text is live, its newest version at most every
 * `intervalMs` (the first change at once, then the latest one when the interval has passed);
 * otherwise every change at once, so a finished answer always shows whole without delay.
 * Rendering markdown costs the same however few characters were added, so pacing it is what
 * keeps a long stream's main-thread work small (ADR 0020). Create it in a component.
 */
export class PacedText {
  #shown = $state('');
  #last = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #options: PacedTextOptions;
  readonly #now: () => number;

  constructor(options: PacedTextOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#shown = untrack(options.text);
    $effect.pre(() => {
      const text = options.text();
      const live = options.live();
      const interval = options.intervalMs();
      untrack(() => this.#offer(text, live, interval));
    });
    $effect(() => () => clearTimeout(this.#timer));
  }

  /** The text to render now. */
  get current(): string {
    return this.#shown;
  }

  #offer(text: string, live: boolean, interval: number): void {
    // Nothing new to show (e.g. the first run, on mount): it does not count as a render.
    if (text === this.#shown && this.#timer === undefined) return;
    const now = this.#now();
    if (!live || interval <= 0 || now - this.#last >= interval) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#last = now;
      this.#shown = text;
      return;
    }
    // Held: the newest text is shown when the interval has passed since the last render.
    this.#timer ??= setTimeout(
      () => {
        this.#timer = undefined;
        this.#last = this.#now();
        this.#shown = untrack(this.#options.text);
      },
      interval - (now - this.#last),
    );
  }
}
