export {
  ChatStore,
  createChatStore,
  getChatStore,
  hasChatStore,
  provideChatStore,
  type ChatStoreOptions,
} from './chat-store.svelte.js';
export { ReactiveChatState, type Schedule } from './reactive-chat-state.svelte.js';
