import type { Result } from './errors.js';
import type {
  AgentInfo,
  Conversation,
  Message,
  MessageFeedback,
  MessageMetadata,
  RunInfo,
  RunTerminalStatus,
} from './model.js';
import type { RequestName, RequestPayload } from './schemas.js';

/** What each request answers with on success. */
export interface ResponseMap {
  'agents:list': { agents: AgentInfo[] };
  'conversations:create': { conversation: Conversation };
  'conversations:list': { conversations: Conversation[]; nextCursor: string | null };
  'conversations:update': { conversation: Conversation };
  'conversations:delete': { conversationId: string };
  'conversations:join': {
    conversation: Conversation;
    /** The latest page of messages, oldest first. */
    messages: Message[];
    /** Whether older messages exist (page back with `messages:history`). */
    hasMore: boolean;
    runs: RunInfo[];
    /** Runs the client asked to resume whose missed events the server could not replay. */
    unreplayable?: string[];
  };
  'conversations:leave': { conversationId: string };
  'messages:history': { messages: Message[]; hasMore: boolean };
  'messages:send': { message: Message; runs: RunInfo[] };
  'messages:regenerate': { runs: RunInfo[] };
  /** The caller's feedback on the message as stored now (null: none). */
  'messages:feedback': { messageId: string; feedback: MessageFeedback | null };
  'runs:cancel': { run: RunInfo };
  'conversations:invite': { conversationId: string; userId: string };
  'presence:typing': Record<string, never>;
}

/** The data type a request `E` answers with. */
export type ResponseData<E extends RequestName> = ResponseMap[E];

/** Fields every run event carries. `seq` starts at 0 (the start event) and rises by one. */
interface RunEventBase {
  runId: string;
  conversationId: string;
  seq: number;
}

/** The first event of a run: an assistant message has been created and will stream. */
export interface RunStartEvent extends RunEventBase {
  type: 'start';
  messageId: string;
  agentId: string;
  /** The user message the answer replies to (its parent in the message tree). */
  parentId?: string;
  /** 1 for the first attempt. */
  attempt: number;
  createdAt: string;
  metadata: MessageMetadata;
}

/** Text appended to the run's answer. Several model tokens may be coalesced into one. */
export interface RunTextDeltaEvent extends RunEventBase {
  type: 'text-delta';
  text: string;
}

/**
 * Reasoning ("thinking") appended to the run's answer, streamed apart from its text. Several
 * model tokens may be coalesced into one. Consecutive reasoning deltas build one `reasoning`
 * part; a reasoning delta after text or a tool call starts a new one.
 */
export interface RunReasoningDeltaEvent extends RunEventBase {
  type: 'reasoning-delta';
  text: string;
  /** Ms from the reasoning part's first token to this delta's last: the part's `durationMs`. */
  durationMs?: number;
}

/** The agent started a tool call; its arguments follow as `tool-call-delta` events. */
export interface RunToolCallStartEvent extends RunEventBase {
  type: 'tool-call-start';
  toolCallId: string;
  name: string;
}

/** More of a tool call's JSON arguments. */
export interface RunToolCallDeltaEvent extends RunEventBase {
  type: 'tool-call-delta';
  toolCallId: string;
  argsText: string;
}

/** A tool call's arguments are complete and the tool is running. */
export interface RunToolCallRunningEvent extends RunEventBase {
  type: 'tool-call-running';
  toolCallId: string;
  /** The complete arguments as JSON text (replaces what the deltas built). */
  argsText: string;
}

/** A tool call finished: `result` on success, `error` on failure. */
export interface RunToolResultEvent extends RunEventBase {
  type: 'tool-result';
  toolCallId: string;
  result?: string;
  error?: string;
}

/**
 * Data a node of the agent's graph wrote (`config.writer`, LangGraph's `custom` stream mode).
 * Adds a `data` part, or replaces the `data` of the part with the same `id` in place.
 */
export interface RunDataEvent extends RunEventBase {
  type: 'data';
  id: string;
  name?: string;
  data: unknown;
}

/**
 * What the run is doing now ("Searching documents…"), shown while it works; `text` empty clears
 * it. Not a part: it is not stored with the answer, and the run's end clears it.
 */
export interface RunStatusEvent extends RunEventBase {
  type: 'status';
  text: string;
}

/** The run's one terminal event. */
export interface RunEndEvent extends RunEventBase {
  type: 'end';
  status: RunTerminalStatus;
  /** For `failed`: a message safe to show the user. */
  error?: string;
  /** Facts known only at the end: usage, time to first token, tokens per second. */
  metadata?: MessageMetadata;
}

/** Every event of a run's stream. */
export type RunEvent =
  | RunStartEvent
  | RunTextDeltaEvent
  | RunReasoningDeltaEvent
  | RunToolCallStartEvent
  | RunToolCallDeltaEvent
  | RunToolCallRunningEvent
  | RunToolResultEvent
  | RunDataEvent
  | RunStatusEvent
  | RunEndEvent;

/** Sent to a conversation's room when a message is created (by any member). */
export interface MessageCreatedEvent {
  message: Message;
}

/**
 * Sent to a conversation's room when a stored message changed outside a run's stream (for
 * example, a run the server found dead is marked `interrupted`). Carries the whole message:
 * clients replace their copy.
 */
export interface MessageUpdatedEvent {
  message: Message;
}

/** The acknowledgement callback of request `E`. */
export type Ack<E extends RequestName> = (result: Result<ResponseData<E>>) => void;

/** Client→server events. Every one is a request with a payload and an acknowledgement. */
export type ClientToServerEvents = {
  [E in RequestName]: (payload: RequestPayload<E>, ack: Ack<E>) => void;
};

/** Sent to a conversation's room when its title or agents change. */
export interface ConversationUpdatedEvent {
  conversation: Conversation;
}

/** Sent to a conversation's room when it is deleted; members should drop it. */
export interface ConversationDeletedEvent {
  conversationId: string;
}

/** One member of a conversation as presence reports them. */
export interface PresenceMember {
  userId: string;
  /** The user's display name, when the server knows it. */
  name?: string;
  /** Whether the user has a connection in the conversation's room now. */
  online: boolean;
  /** Whether the user is typing in the conversation (never true while offline). */
  typing: boolean;
}

/**
 * Sent to a conversation's room when its presence changes: a member joins, leaves,
 * disconnects, is invited, starts or stops typing. Carries every member, not a difference, so a
 * client replaces what it held. Coalesced: a room receives a few at most per second.
 */
export interface PresenceEvent {
  conversationId: string;
  /** Every member of the conversation, in the order they became members. */
  members: PresenceMember[];
}

/** Server→client events. */
export interface ServerToClientEvents {
  'run:event': (event: RunEvent) => void;
  'message:created': (event: MessageCreatedEvent) => void;
  'message:updated': (event: MessageUpdatedEvent) => void;
  'conversation:updated': (event: ConversationUpdatedEvent) => void;
  'conversation:deleted': (event: ConversationDeletedEvent) => void;
  presence: (event: PresenceEvent) => void;
}

/** The name of every server→client event. */
export type ServerEventName = keyof ServerToClientEvents;

/** The payload of server→client event `E`. */
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** All server→client event names, for runtime iteration. */
export const SERVER_EVENT_NAMES: readonly ServerEventName[] = [
  'run:event',
  'message:created',
  'message:updated',
  'conversation:updated',
  'conversation:deleted',
  'presence',
];
