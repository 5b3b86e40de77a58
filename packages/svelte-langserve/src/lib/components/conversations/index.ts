export { default as ConversationActions } from './ConversationActions.svelte';
export { default as ConversationDeleteConfirm } from './ConversationDeleteConfirm.svelte';
export { default as ConversationItem } from './ConversationItem.svelte';
export { default as ConversationList } from './ConversationList.svelte';
export { default as ConversationLoadMore } from './ConversationLoadMore.svelte';
export { default as ConversationOpen } from './ConversationOpen.svelte';
export { default as ConversationRename } from './ConversationRename.svelte';
export { default as ConversationSearch } from './ConversationSearch.svelte';
export {
  getConversationListContext,
  moveFocus,
  setConversationListContext,
  type ConversationListContext,
} from './conversation-list-context.js';
export {
  ConversationListState,
  matchesQuery,
  relativeTime,
  type ConversationItemState,
  type ConversationListStateOptions,
} from './conversation-list-state.svelte.js';
