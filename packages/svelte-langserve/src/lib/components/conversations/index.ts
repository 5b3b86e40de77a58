export { default as ConversationList } from './ConversationList.svelte';
export {
  ConversationListState,
  matchesQuery,
  relativeTime,
  type ConversationItemState,
  type ConversationListStateOptions,
} from './conversation-list-state.svelte.js';
