import type { ChatStatus } from '../../client/index.js';

/** The composer's behaviour: its draft, and what Enter, Shift+Enter and Escape do. */
export class ComposerState {
  /** The text being typed. */
  value = $state('');
  readonly #status: () => ChatStatus;
  readonly #disabled: () => boolean;
  readonly #onSend: (text: string) => void;
  readonly #onStop: () => void;

  constructor(options: {
    status: () => ChatStatus;
    disabled: () => boolean;
    onSend: (text: string) => void;
    onStop: () => void;
  }) {
    this.#status = options.status;
    this.#disabled = options.disabled;
    this.#onSend = options.onSend;
    this.#onStop = options.onStop;
  }

  /** Whether an answer is streaming (the stop button shows instead of send). */
  get streaming(): boolean {
    return this.#status() === 'streaming';
  }

  /** Whether the draft can be sent now. */
  get canSend(): boolean {
    return !this.#disabled() && !this.streaming && this.value.trim().length > 0;
  }

  /** Sends the draft and clears it. Returns whether it was sent. */
  submit(): boolean {
    if (!this.canSend) return false;
    const text = this.value;
    this.value = '';
    this.#onSend(text);
    return true;
  }

  /** Stops the live answer. */
  stop(): void {
    if (this.streaming) this.#onStop();
  }

  /** Enter sends, Shift+Enter inserts a newline, Escape stops a live answer. */
  handleKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.streaming) {
      event.preventDefault();
      this.stop();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }
}
