/**
 * svelte-langserve: styled, themeable Svelte 5 chat components and a reactive Socket.IO client
 * for LangGraph agents.
 *
 * - Components: `ThemeProvider`, `ChatInterface` and its parts.
 * - State: `createChatStore`, `provideChatStore`, `getChatStore`.
 * - The framework-free client and the protocol are also at `svelte-langserve/client` and
 *   `svelte-langserve/protocol`.
 *
 * @module
 */
export * from './components/chat/index.js';
export * from './theme/index.js';
export { CodeBlock, Markdown, createSanitizer, IncrementalMarkdown } from './markdown/index.js';
export * from './state/index.js';
export {
  ChatController,
  InMemoryTransport,
  SocketIoTransport,
  messageText,
  type ChatMessage,
  type ChatSnapshot,
  type ChatStatus,
  type ConnectionState,
  type ConnectionStatus as ConnectionStatusValue,
  type Transport,
  type TranscriptStep,
} from './client/index.js';
export { PROTOCOL_VERSION } from './protocol/index.js';
