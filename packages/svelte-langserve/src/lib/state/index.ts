export {
  ChatStore,
  createChatStore,
  getChatStore,
  hasChatStore,
  provideChatStore,
  type ChatStoreOptions,
} from './chat-store.svelte.js';
