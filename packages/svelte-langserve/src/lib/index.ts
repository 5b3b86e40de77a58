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
export * from './components/config/index.js';
export * from './components/message/index.js';
export * from './components/conversations/index.js';
export * from './components/presence/index.js';
export * from './theme/index.js';
export {
  CodeBlock,
  CodeHighlighter,
  Markdown,
  createSanitizer,
  IncrementalMarkdown,
  preloadMarkdown,
  type CodeHighlighterEngine,
  type CodeHighlighterLoader,
  type CodeHighlighterOptions,
  type CodeLanguage,
  type CodeToken,
  type CodeTokenKind,
} from './markdown/index.js';
export * from './state/index.js';
export {
  ChatController,
  InMemoryTransport,
  PresenceTracker,
  SocketIoTransport,
  messageText,
  siblingPosition,
  visibleMessages,
  type BranchTarget,
  type ChatMessage,
  type ChatSnapshot,
  type ChatSnapshotState,
  type ChatStatus,
  type ConnectionState,
  type ConnectionStatus as ConnectionStatusValue,
  type RegenerateOptions,
  type SiblingPosition,
  type Transport,
  type PresenceTrackerOptions,
  type TranscriptStep,
} from './client/index.js';
export { PROTOCOL_VERSION } from './protocol/index.js';
