/** What the Copy button last did. */
export type CopyStatus = 'idle' | 'copied' | 'failed';

/** The behaviour of `MessageActions`: copying, and the inline editor of a user message. */
export class MessageActionsState {
  /** Whether the inline editor is open. */
  editing = $state(false);
  /** The editor's text. */
  draft = $state('');
  /** What the last copy did; back to `idle` 1.5 s later. */
  copyStatus = $state<CopyStatus>('idle');
  readonly #text: () => string;
  readonly #onEdit: (text: string) => unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: { text: () => string; onEdit: (text: string) => unknown }) {
    this.#text = options.text;
    this.#onEdit = options.onEdit;
  }

  /** Copies the message's text with `write` (the clipboard by default). */
  async copy(write = (text: string) => navigator.clipboard.writeText(text)): Promise<void> {
    try {
      await write(this.#text());
      this.copyStatus = 'copied';
    } catch {
      this.copyStatus = 'failed';
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.copyStatus = 'idle'), 1500);
  }

  /** Opens the editor with the message's text. */
  startEdit(): void {
    this.draft = this.#text();
    this.editing = true;
  }

  /** Closes the editor without saving. */
  cancelEdit(): void {
    this.editing = false;
  }

  /** Saves the draft as a new version (unless blank or unchanged) and closes the editor. */
  save(): boolean {
    const text = this.draft;
    if (!text.trim()) return false;
    this.editing = false;
    if (text === this.#text()) return false;
    this.#onEdit(text);
    return true;
  }

  /** Stops the copy timer. */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}
