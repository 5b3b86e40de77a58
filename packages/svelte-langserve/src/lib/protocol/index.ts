/**
 * The svelte-langserve wire protocol: event maps, payload types, runtime schemas and the
 * protocol version. Framework-free; safe to import on any server.
 *
 * @module
 */
export { PROTOCOL_VERSION, type ProtocolVersion } from './version.js';
export {
  ERROR_CODES,
  fail,
  ok,
  type ErrorCode,
  type LimitName,
  type ProtocolError,
  type Result,
} from './errors.js';
export { RUN_SETTING_NAMES, isProgressData } from './model.js';
export type {
  AgentHealth,
  AgentInfo,
  AgentSettingsSpec,
  Conversation,
  DataPart,
  FeedbackValue,
  Message,
  MessageFeedback,
  MessageMetadata,
  MessagePart,
  MessageRole,
  MessageStatus,
  NumberSettingSpec,
  ProgressData,
  ReasoningPart,
  RunInfo,
  RunSettingName,
  RunSettings,
  RunStatus,
  RunTerminalStatus,
  TextPart,
  TokenUsage,
  ToolCallPart,
  ToolCallState,
} from './model.js';
export {
  MAX_AGENTS_PER_MESSAGE,
  MAX_FEEDBACK_COMMENT_LENGTH,
  MAX_ID_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_PAGE_SIZE,
  MAX_USER_ID_LENGTH,
  REQUEST_NAMES,
  handshakeAuthSchema,
  parseRequest,
  requestSchemas,
  runSettingsSchema,
  type HandshakeAuth,
  type HandshakeErrorData,
  type RequestName,
  type RequestPayload,
} from './schemas.js';
export {
  SERVER_EVENT_NAMES,
  type Ack,
  type ClientToServerEvents,
  type ConversationDeletedEvent,
  type ConversationUpdatedEvent,
  type MessageCreatedEvent,
  type MessageUpdatedEvent,
  type PresenceEvent,
  type PresenceMember,
  type ResponseData,
  type ResponseMap,
  type RunDataEvent,
  type RunEndEvent,
  type RunEvent,
  type RunReasoningDeltaEvent,
  type RunStartEvent,
  type RunStatusEvent,
  type RunTextDeltaEvent,
  type RunToolCallDeltaEvent,
  type RunToolCallRunningEvent,
  type RunToolCallStartEvent,
  type RunToolResultEvent,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from './events.js';
export { applyRunEventToParts, unfinishedToolCallError } from './parts.js';
