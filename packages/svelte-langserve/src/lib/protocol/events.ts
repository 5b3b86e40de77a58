import type { Result } from './errors.js';
import type {
  AgentInfo,
  Conversation,
  Message,
  MessageMetadata,
  RunInfo,
  RunTerminalStatus,
} from './model.js';
import type { RequestName, RequestPayload } from './schemas.js';

/** What each request answers with on success. */
export interface ResponseMap {
  'agents:list': { agents: AgentInfo[] };
  'conversations:create': { conversation: Conversation };
  'conversations:join': { conversation: Conversation; messages: Message[]; runs: RunInfo[] };
  'messages:send': { message: Message; runs: RunInfo[] };
  'runs:cancel': { run: RunInfo };
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
  | RunToolCallStartEvent
  | RunToolCallDeltaEvent
  | RunToolCallRunningEvent
  | RunToolResultEvent
  | RunEndEvent;

/** Sent to a conversation's room when a message is created (by any member). */
export interface MessageCreatedEvent {
  message: Message;
}

/** The acknowledgement callback of request `E`. */
export type Ack<E extends RequestName> = (result: Result<ResponseData<E>>) => void;

/** Client→server events. Every one is a request with a payload and an acknowledgement. */
export type ClientToServerEvents = {
  [E in RequestName]: (payload: RequestPayload<E>, ack: Ack<E>) => void;
};

/** Server→client events. */
export interface ServerToClientEvents {
  'run:event': (event: RunEvent) => void;
  'message:created': (event: MessageCreatedEvent) => void;
}

/** The name of every server→client event. */
export type ServerEventName = keyof ServerToClientEvents;

/** The payload of server→client event `E`. */
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** All server→client event names, for runtime iteration. */
export const SERVER_EVENT_NAMES: readonly ServerEventName[] = ['run:event', 'message:created'];
