import {
  applyRunEventToParts,
  type Conversation,
  type Message,
  type MessageStatus,
  type ProtocolError,
  type RunEvent,
  type RunInfo,
  type RunStatus,
  type RunTerminalStatus,
} from '../protocol/index.js';

/** How a user message's delivery stands, on this client. */
export type Delivery = 'sending' | 'sent' | 'failed';

/** A message as the client holds it: the protocol message plus local delivery state. */
export interface ChatMessage extends Message {
  delivery: Delivery;
}

/** What the client knows of one run. */
export interface RunProgress {
  id: string;
  messageId: string | null;
  agentId: string;
  status: RunStatus;
  /** The `seq` the next applied event must carry. Events with any other `seq` are dropped. */
  nextSeq: number;
}

/**
 * The chat's status, derived from its messages and runs (never stored as booleans).
 *
 * - `ready`: nothing in flight.
 * - `submitted`: a message is on its way and no answer has started.
 * - `streaming`: at least one run is live.
 * - `error`: the last action failed; `error` says why.
 */
export type ChatStatus = 'ready' | 'submitted' | 'streaming' | 'error';

/** The chat's whole state. Replaced, never mutated, by {@link chatReducer}. */
export interface ChatState {
  conversation: Conversation | null;
  messages: ChatMessage[];
  runs: Readonly<Record<string, RunProgress>>;
  status: ChatStatus;
  error: ProtocolError | null;
}

/** Everything that can change the chat's state. */
export type ChatAction =
  | { type: 'joined'; conversation: Conversation; messages: Message[]; runs: RunInfo[] }
  | { type: 'send'; message: ChatMessage }
  | { type: 'send-ok'; clientMessageId: string; message: Message; runs: RunInfo[] }
  | { type: 'send-failed'; clientMessageId: string; error: ProtocolError }
  | { type: 'message-created'; message: Message }
  | { type: 'run-event'; event: RunEvent }
  | { type: 'error'; error: ProtocolError }
  | { type: 'clear-error' };

/** The state of a chat that has no conversation yet. */
export const initialChatState: ChatState = {
  conversation: null,
  messages: [],
  runs: {},
  status: 'ready',
  error: null,
};

const terminalToMessage: Record<RunTerminalStatus, MessageStatus> = {
  completed: 'complete',
  cancelled: 'cancelled',
  failed: 'failed',
  interrupted: 'interrupted',
};

function deriveStatus(state: Omit<ChatState, 'status'>): ChatStatus {
  if (Object.values(state.runs).some((run) => run.status === 'running')) return 'streaming';
  if (state.messages.some((message) => message.delivery === 'sending')) return 'submitted';
  if (state.error) return 'error';
  return 'ready';
}

function finish(state: Omit<ChatState, 'status'>): ChatState {
  return { ...state, status: deriveStatus(state) };
}

function received(message: Message): ChatMessage {
  return { ...message, delivery: 'sent' };
}

/** Inserts or replaces a message by id (or by client id for an optimistic one). */
function upsert(messages: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const index = messages.findIndex(
    (existing) =>
      existing.id === message.id ||
      (message.clientMessageId !== undefined &&
        existing.clientMessageId === message.clientMessageId),
  );
  if (index === -1) return [...messages, message];
  const next = messages.slice();
  next[index] = message;
  return next;
}

function trackRuns(
  runs: Readonly<Record<string, RunProgress>>,
  infos: RunInfo[],
): Record<string, RunProgress> {
  const next = { ...runs };
  for (const info of infos) {
    const known = next[info.id];
    // A run we already follow keeps its own position: events may have overtaken the ack.
    if (known && known.nextSeq > info.seq + 1) continue;
    next[info.id] = {
      id: info.id,
      messageId: info.messageId,
      agentId: info.agentId,
      status: info.status,
      nextSeq: info.seq + 1,
    };
  }
  return next;
}

function applyRunEvent(state: ChatState, event: RunEvent): ChatState {
  const run = state.runs[event.runId];
  const expected = run ? run.nextSeq : 0;
  // Strict order: a duplicate, a replayed or an out-of-order event changes nothing.
  if (event.seq !== expected) return state;
  if (state.conversation && event.conversationId !== state.conversation.id) return state;

  switch (event.type) {
    case 'start': {
      const message: ChatMessage = {
        id: event.messageId,
        conversationId: event.conversationId,
        role: 'assistant',
        parts: [],
        status: 'streaming',
        createdAt: event.createdAt,
        agentId: event.agentId,
        runId: event.runId,
        metadata: event.metadata,
        delivery: 'sent',
      };
      const existing = state.messages.find((candidate) => candidate.id === event.messageId);
      return finish({
        ...state,
        messages: existing ? state.messages : [...state.messages, message],
        runs: {
          ...state.runs,
          [event.runId]: {
            id: event.runId,
            messageId: event.messageId,
            agentId: event.agentId,
            status: 'running',
            nextSeq: 1,
          },
        },
      });
    }
    case 'end':
      return updateRunMessage(state, event, run, (message) => {
        message.status = terminalToMessage[event.status];
        if (event.error !== undefined) message.error = event.error;
        if (event.metadata) message.metadata = { ...message.metadata, ...event.metadata };
      });
    default:
      return updateRunMessage(state, event, run);
  }
}

/**
 * Applies a run event to the parts of the message the run writes (by the protocol's shared
 * rules), lets `finishMessage` adjust that message, and advances the run.
 */
function updateRunMessage(
  state: ChatState,
  event: RunEvent,
  run: RunProgress | undefined,
  finishMessage?: (message: ChatMessage) => void,
): ChatState {
  if (!run) return state;
  const messages = state.messages.map((message) => {
    if (message.id !== run.messageId) return message;
    const next: ChatMessage = { ...message, parts: applyRunEventToParts(message.parts, event) };
    finishMessage?.(next);
    return next;
  });
  const status = event.type === 'end' ? event.status : run.status;
  return finish({
    ...state,
    messages,
    runs: { ...state.runs, [event.runId]: { ...run, status, nextSeq: run.nextSeq + 1 } },
  });
}

/** The chat's pure reducer. Returns the same object when an action changes nothing. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'joined': {
      // The server's page is the truth; keep only local messages it does not know yet.
      const known = new Set(action.messages.map((message) => message.id));
      const knownClientIds = new Set(
        action.messages.map((message) => message.clientMessageId).filter(Boolean),
      );
      const pending = state.messages.filter(
        (message) =>
          message.delivery !== 'sent' &&
          !known.has(message.id) &&
          !knownClientIds.has(message.clientMessageId),
      );
      return finish({
        ...state,
        conversation: action.conversation,
        messages: [...action.messages.map(received), ...pending],
        runs: trackRuns(
          action.conversation.id === state.conversation?.id ? state.runs : {},
          action.runs,
        ),
        error: null,
      });
    }
    case 'send':
      return finish({ ...state, messages: [...state.messages, action.message], error: null });
    case 'send-ok':
      return finish({
        ...state,
        messages: upsert(state.messages, {
          ...received(action.message),
          clientMessageId: action.clientMessageId,
        }),
        runs: trackRuns(state.runs, action.runs),
      });
    case 'send-failed':
      return finish({
        ...state,
        messages: state.messages.map((message) =>
          message.clientMessageId === action.clientMessageId
            ? { ...message, delivery: 'failed' as const }
            : message,
        ),
        error: action.error,
      });
    case 'message-created': {
      if (state.conversation && action.message.conversationId !== state.conversation.id)
        return state;
      return finish({ ...state, messages: upsert(state.messages, received(action.message)) });
    }
    case 'run-event':
      return applyRunEvent(state, action.event);
    case 'error':
      return finish({ ...state, error: action.error });
    case 'clear-error':
      return state.error ? finish({ ...state, error: null }) : state;
  }
}

/** The text of a message: its text parts joined. */
export function messageText(message: Pick<Message, 'parts'>): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
