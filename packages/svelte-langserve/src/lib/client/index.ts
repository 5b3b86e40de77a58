/**
 * The framework-free chat client: transports, the controller, the pure reducer and the
 * connection state machine. Never imports Svelte.
 *
 * @module
 */
export type { RequestOptions, Transport, TransportEvent, Unsubscribe } from './transport.js';
export { SocketIoTransport, type SocketIoTransportOptions } from './socket-io-transport.js';
export {
  InMemoryTransport,
  type InMemoryContext,
  type InMemoryHandler,
  type InMemoryTransportOptions,
  type TranscriptStep,
} from './in-memory-transport.js';
export {
  initialConnectionState,
  nextConnectionState,
  type ConnectionState,
  type ConnectionStatus,
} from './connection.js';
export {
  chatReducer,
  initialChatState,
  messageText,
  type ChatAction,
  type ChatMessage,
  type ChatState,
  type ChatStatus,
  type Delivery,
  type RunProgress,
} from './reducer.js';
export {
  ROOT_BRANCH,
  messageParents,
  siblingPosition,
  siblingPositions,
  versionKeys,
  visibleMessages,
  type SiblingPosition,
} from './branches.js';
export {
  ChatController,
  type ChatControllerOptions,
  type ChatSnapshot,
  type BranchTarget,
  type ListConversationsOptions,
  type RegenerateOptions,
  type SendOptions,
  type SendResult,
} from './controller.js';
export { PlainChatState, initialChatSnapshot, type ChatSnapshotState } from './chat-state.js';
export { PresenceTracker, tokenSubject, type PresenceTrackerOptions } from './presence.js';
