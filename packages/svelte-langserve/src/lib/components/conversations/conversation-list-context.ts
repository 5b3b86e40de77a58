import { createContext } from 'svelte';
import type { Conversation } from '../../protocol/index.js';
import type { ConversationListState } from './conversation-list-state.svelte.js';

/** What the parts of a conversation list share, set once by `ConversationList`. */
export interface ConversationListContext {
  /** The list's behaviour: search, rename, delete confirmation, load more. */
  readonly list: ConversationListState;
  /** The id of the conversation shown (marked with `aria-current`), or null. */
  readonly activeId: string | null;
  /** The locale of relative times (the runtime's when undefined). */
  readonly locale: string | undefined;
  /** Whether items offer Rename (the list was given `onRename`). */
  readonly canRename: boolean;
  /** Whether items offer Delete (the list was given `onDelete`). */
  readonly canDelete: boolean;
  /** The link of a conversation, when items are links. */
  hrefOf(conversation: Conversation): string | undefined;
  /** Tells the app a conversation is being opened. */
  open(conversationId: string): void;
  /** The DOM id of a conversation's open control. */
  openIdOf(conversationId: string): string;
  /** Moves focus to a conversation's open control once the DOM has updated (null: nowhere). */
  focusOpen(conversationId: string | null): Promise<void>;
}

const [getContext, setContext] = createContext<ConversationListContext>();

/** The context of the `ConversationList` around a part. Throws outside one. */
export const getConversationListContext: () => ConversationListContext = getContext;
/** Provides a conversation list's context to its parts. Used by `ConversationList`. */
export const setConversationListContext: (
  context: ConversationListContext,
) => ConversationListContext = setContext;

/**
 * Roving focus between a list's open controls: ArrowDown / ArrowUp move by one, Home and End to
 * the ends. Returns whether the key was one of those (and focus moved).
 */
export function moveFocus(container: HTMLElement, event: KeyboardEvent): boolean {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return false;
  const target = event.target as HTMLElement;
  if (target.dataset.slot !== 'conversation-open') return false;
  const opens = [...container.querySelectorAll<HTMLElement>('[data-slot="conversation-open"]')];
  const index = opens.indexOf(target);
  const last = opens.length - 1;
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? last
        : Math.min(last, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)));
  event.preventDefault();
  opens[next]?.focus();
  return true;
}
