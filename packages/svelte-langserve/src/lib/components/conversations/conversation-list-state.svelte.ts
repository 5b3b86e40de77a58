import type { Conversation } from '../../protocol/index.js';

/** Options for {@link ConversationListState}. Values are getters, read when used. */
export interface ConversationListStateOptions {
  /** The conversations loaded, in the order to show them. */
  conversations: () => readonly Conversation[];
  /** Called with a conversation's id and its new title (trimmed, changed, not empty). */
  onRename?: (conversationId: string, title: string) => unknown;
  /** Called with a conversation's id once its deletion was confirmed. */
  onDelete?: (conversationId: string) => unknown;
  /** Called for the next page; while the promise it returns is pending, `loadingMore` is true. */
  onLoadMore?: () => unknown;
}

/** What one item is doing: shown, being renamed, or asking to confirm its deletion. */
export type ConversationItemState = 'idle' | 'renaming' | 'confirming';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
];

/**
 * `updatedAt` relative to `now`: "now" (also a time ahead of `now`), "5 minutes ago", "yesterday", "3 weeks ago"; older
 * than about a month, the date itself. `locale` defaults to the runtime's.
 */
export function relativeTime(updatedAt: string, now: number, locale?: string): string {
  const time = Date.parse(updatedAt);
  if (Number.isNaN(time)) return '';
  // A time a little ahead of this clock (the server's runs ahead) reads as now.
  let value = Math.min(0, (time - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(value) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  }).format(time);
}

/** Whether `title` matches a search: every word of `query` appears in it, ignoring case. */
export function matchesQuery(title: string, query: string): boolean {
  const words = query.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const haystack = title.toLocaleLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * The behaviour of `ConversationList`: the search over loaded titles, inline rename, delete
 * confirmation and the pending "load more". One item at most is renamed or confirming.
 */
export class ConversationListState {
  /** The search box's text. Filters the loaded conversations by title, on this client only. */
  query = $state('');
  /** The rename box's text while renaming. */
  draft = $state('');
  /** The current time, for relative times; refresh it with {@link tick}. */
  now = $state(Date.now());
  #editing = $state<string | null>(null);
  #confirming = $state<string | null>(null);
  #loadingMore = $state(false);
  readonly #options: ConversationListStateOptions;

  /** The loaded conversations whose titles match {@link query}. */
  readonly filtered: readonly Conversation[] = $derived.by(() => {
    const all = this.#options.conversations();
    return this.query.trim() ? all.filter((item) => matchesQuery(item.title, this.query)) : all;
  });

  constructor(options: ConversationListStateOptions) {
    this.#options = options;
  }

  /** The id of the conversation being renamed, or null. */
  get editingId(): string | null {
    return this.#editing;
  }
  /** The id of the conversation waiting for its deletion to be confirmed, or null. */
  get confirmingId(): string | null {
    return this.#confirming;
  }
  /** True while the page asked for by {@link loadMore} is loading. */
  get loadingMore(): boolean {
    return this.#loadingMore;
  }

  /** What the item with this id is doing. */
  stateOf(conversationId: string): ConversationItemState {
    if (this.#editing === conversationId) return 'renaming';
    if (this.#confirming === conversationId) return 'confirming';
    return 'idle';
  }

  /** Starts renaming a conversation, with its title as the draft. */
  startRename(conversation: Conversation): void {
    this.#confirming = null;
    this.#editing = conversation.id;
    this.draft = conversation.title;
  }

  /**
   * Ends renaming, saving the draft when it is a new, non-empty title. Returns the id of the
   * conversation that was being renamed (null when none was).
   */
  commitRename(): string | null {
    const id = this.#editing;
    if (id === null) return null;
    this.#editing = null;
    const title = this.draft.trim();
    const current = this.#options.conversations().find((item) => item.id === id);
    if (title && current && title !== current.title) this.#options.onRename?.(id, title);
    return id;
  }

  /** Ends renaming without saving. Returns the id that was being renamed, or null. */
  cancelRename(): string | null {
    const id = this.#editing;
    this.#editing = null;
    return id;
  }

  /** Asks to confirm deleting a conversation. */
  askDelete(conversationId: string): void {
    this.#editing = null;
    this.#confirming = conversationId;
  }

  /** Deletes the conversation waiting for confirmation. Returns its id, or null. */
  confirmDelete(): string | null {
    const id = this.#confirming;
    this.#confirming = null;
    if (id !== null) this.#options.onDelete?.(id);
    return id;
  }

  /** Keeps the conversation waiting for confirmation. Returns its id, or null. */
  cancelDelete(): string | null {
    const id = this.#confirming;
    this.#confirming = null;
    return id;
  }

  /** Asks for the next page, once at a time. */
  async loadMore(): Promise<void> {
    if (this.#loadingMore || !this.#options.onLoadMore) return;
    this.#loadingMore = true;
    try {
      await this.#options.onLoadMore();
    } finally {
      this.#loadingMore = false;
    }
  }

  /** Refreshes {@link now}, so relative times move on. */
  tick(): void {
    this.now = Date.now();
  }
}
