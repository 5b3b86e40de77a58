import type {
  Conversation,
  Message,
  MessagePart,
  MessageStatus,
  ProtocolError,
  RunEvent,
  RunInfo,
  RunStatus,
  RunTerminalStatus,
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
    case 'text-delta':
      return updateRunMessage(state, event, run, (parts) => {
        const last = parts[parts.length - 1];
        if (last?.type === 'text')
          parts[parts.length - 1] = { ...last, text: last.text + event.text };
        else parts.push({ type: 'text', text: event.text });
      });
    case 'tool-call-start':
      return updateRunMessage(state, event, run, (parts) => {
        parts.push({
          type: 'tool-call',
          toolCallId: event.toolCallId,
          name: event.name,
          argsText: '',
          state: 'streaming',
        });
      });
    case 'tool-call-delta':
      return updateRunMessage(state, event, run, (parts) =>
        updateToolCall(parts, event.toolCallId, (part) => ({
          ...part,
          argsText: part.argsText + event.argsText,
        })),
      );
    case 'tool-call-running':
      return updateRunMessage(state, event, run, (parts) =>
        updateToolCall(parts, event.toolCallId, (part) => ({
          ...part,
          argsText: event.argsText,
          state: 'running',
        })),
      );
    case 'tool-result':
      return updateRunMessage(state, event, run, (parts) =>
        updateToolCall(parts, event.toolCallId, (part) => {
          const next: Extract<MessagePart, { type: 'tool-call' }> = {
            ...part,
            state: event.error !== undefined ? 'failed' : 'completed',
          };
          if (event.result !== undefined) next.result = event.result;
          if (event.error !== undefined) next.error = event.error;
          return next;
        }),
      );
    case 'end':
      return updateRunMessage(
        state,
        event,
        run,
        (parts) =>
          // A tool call the run did not finish must not spin forever.
          parts.map((part) =>
            part.type === 'tool-call' && (part.state === 'streaming' || part.state === 'running')
              ? {
                  ...part,
                  state: 'failed' as const,
                  error: `The run ended (${event.status}) first.`,
                }
              : part,
          ),
        (message) => {
          message.status = terminalToMessage[event.status];
          if (event.error !== undefined) message.error = event.error;
          if (event.metadata) message.metadata = { ...message.metadata, ...event.metadata };
        },
        event.status,
      );
  }
}

/**
 * Applies `edit` to a copy of the parts of the message `run` writes (and `finishMessage` to the
 * copied message, for the end event), then advances the run, setting `status` when given.
 */
function updateRunMessage(
  state: ChatState,
  event: RunEvent,
  run: RunProgress | undefined,
  edit: (parts: MessagePart[]) => MessagePart[] | void,
  finishMessage?: (message: ChatMessage) => void,
  status?: RunStatus,
): ChatState {
  if (!run) return state;
  const messages = state.messages.map((message) => {
    if (message.id !== run.messageId) return message;
    const parts = message.parts.slice();
    const next: ChatMessage = { ...message, parts: edit(parts) ?? parts };
    finishMessage?.(next);
    return next;
  });
  return finish({
    ...state,
    messages,
    runs: {
      ...state.runs,
      [event.runId]: { ...run, status: status ?? run.status, nextSeq: run.nextSeq + 1 },
    },
  });
}

type ToolCall = Extract<MessagePart, { type: 'tool-call' }>;

function updateToolCall(
  parts: MessagePart[],
  toolCallId: string,
  update: (part: ToolCall) => ToolCall,
): MessagePart[] {
  return parts.map((part) =>
    part.type === 'tool-call' && part.toolCallId === toolCallId ? update(part) : part,
  );
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
