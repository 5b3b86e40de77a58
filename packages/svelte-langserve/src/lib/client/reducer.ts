import {
  applyRunEventToParts,
  type Conversation,
  type Message,
  type MessageFeedback,
  type MessageStatus,
  type ProtocolError,
  type RunEvent,
  type RunInfo,
  type RunStatus,
  type RunTerminalStatus,
} from '../protocol/index.js';
import { showNewest, versionKeys } from './branches.js';

/**
 * How a user message's delivery stands, on this client: `queued` waits for the connection (the
 * outbox), `sending` is on its way, `sent` was acknowledged, `failed` could not be delivered.
 */
export type Delivery = 'queued' | 'sending' | 'sent' | 'failed';

/** A message as the client holds it: the protocol message plus local delivery state. */
export interface ChatMessage extends Message {
  delivery: Delivery;
  /**
   * While its run works: what it is doing now ("Searching documents…"), from the run's
   * `status` events. Not stored by the server; the run's end clears it.
   */
  activity?: string;
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
  /** Whether the open conversation has messages older than the first one held. */
  hasMore: boolean;
  /** The conversations listed so far, most recently active first. */
  conversations: Conversation[];
  /** Pass it to `conversations:list` for the next page; null when every page is loaded. */
  nextCursor: string | null;
  /**
   * The versions shown: for a version key (a parent — a message id, or {@link ROOT_BRANCH} for
   * the roots — and a kind: its user messages, or one agent's answers; see `versionKeys`), the
   * id of the version shown. A key not listed shows its newest version. See
   * {@link visibleMessages}.
   */
  selection: Readonly<Record<string, string>>;
}

/** Everything that can change the chat's state. */
export type ChatAction =
  | {
      type: 'joined';
      conversation: Conversation;
      messages: Message[];
      runs: RunInfo[];
      /**
       * Runs whose missed events the server replays after this answer: the client keeps its
       * own copy of their messages and applies the replay in `seq` order instead.
       */
      replaying?: string[];
      /** Whether older messages exist (from the join's answer). @default false */
      hasMore?: boolean;
    }
  | {
      type: 'conversations-listed';
      conversations: Conversation[];
      nextCursor: string | null;
      /** True for a later page (appended); false replaces the list with this first page. */
      append: boolean;
    }
  | { type: 'conversation-updated'; conversation: Conversation }
  | { type: 'conversation-deleted'; conversationId: string }
  /** The open conversation is closed (left, or a new one is about to start). */
  | { type: 'closed' }
  | { type: 'history-loaded'; conversationId: string; messages: Message[]; hasMore: boolean }
  | { type: 'send-queued'; clientMessageId: string; queued: boolean }
  | { type: 'send'; message: ChatMessage }
  | { type: 'send-ok'; clientMessageId: string; message: Message; runs: RunInfo[] }
  | { type: 'send-failed'; clientMessageId: string; error: ProtocolError }
  | { type: 'message-created'; message: Message }
  /** A stored message changed outside a run's stream (`message:updated`). */
  | { type: 'message-updated'; message: Message }
  /** The user's own feedback on a message (null: none). */
  | { type: 'feedback-set'; messageId: string; feedback: MessageFeedback | null }
  | { type: 'run-event'; event: RunEvent }
  /** Runs started by a request other than a send (`messages:regenerate`). */
  | { type: 'runs-started'; runs: RunInfo[] }
  /** Shows `messageId` instead of its siblings (and the branch below it). */
  | { type: 'branch-selected'; messageId: string }
  | { type: 'error'; error: ProtocolError }
  | { type: 'clear-error' };

/** The state of a chat that has no conversation yet. */
export const initialChatState: ChatState = {
  conversation: null,
  messages: [],
  runs: {},
  status: 'ready',
  error: null,
  hasMore: false,
  conversations: [],
  nextCursor: null,
  selection: {},
};

/** List order: most recently active first, then the greatest id (the server's order). */
function newestFirst(a: Conversation, b: Conversation): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

/** The list with `conversation` inserted or replaced, kept in list order. */
function upsertConversation(list: Conversation[], conversation: Conversation): Conversation[] {
  return [...list.filter((known) => known.id !== conversation.id), conversation].sort(newestFirst);
}

/** Moves a listed conversation's `updatedAt` forward to `at` (a message was added). */
function touchConversation(
  list: Conversation[],
  conversationId: string,
  at: string,
): Conversation[] {
  const known = list.find((conversation) => conversation.id === conversationId);
  if (!known || known.updatedAt >= at) return list;
  return upsertConversation(list, { ...known, updatedAt: at });
}

const terminalToMessage: Record<RunTerminalStatus, MessageStatus> = {
  completed: 'complete',
  cancelled: 'cancelled',
  failed: 'failed',
  interrupted: 'interrupted',
};

const messageToTerminal: Record<Exclude<MessageStatus, 'streaming'>, RunTerminalStatus> = {
  complete: 'completed',
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
  replaying: ReadonlySet<string> = new Set(),
): Record<string, RunProgress> {
  const next = { ...runs };
  for (const info of infos) {
    const known = next[info.id];
    // A run we already follow keeps its own position: events may have overtaken the ack, or
    // the server replays what this client missed.
    if (known && (known.nextSeq > info.seq + 1 || replaying.has(info.id))) continue;
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
  // A run that started and has ended here (its end event, or `message:updated`) takes no more.
  if (run && run.status !== 'running' && run.nextSeq > 0) return state;
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
        ...(event.parentId !== undefined ? { parentId: event.parentId } : {}),
      };
      const existing = state.messages.find((candidate) => candidate.id === event.messageId);
      const messages = existing ? state.messages : [...state.messages, message];
      return finish({
        ...state,
        messages,
        selection: existing ? state.selection : showNewest(state.selection, messages, message.id),
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
    case 'status':
      return updateRunMessage(state, event, run, (message) => {
        if (event.text) message.activity = event.text;
        else delete message.activity;
      });
    case 'end':
      return updateRunMessage(state, event, run, (message) => {
        delete message.activity;
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
  // Only the run's message changes (searched from the end: it is usually the last one); every
  // other message keeps its identity.
  let messages = state.messages;
  let index = messages.length - 1;
  while (index >= 0 && messages[index]!.id !== run.messageId) index -= 1;
  if (index !== -1) {
    const message = messages[index]!;
    const next: ChatMessage = { ...message, parts: applyRunEventToParts(message.parts, event) };
    finishMessage?.(next);
    messages = messages.slice();
    messages[index] = next;
  }
  const runs = {
    ...state.runs,
    [event.runId]: {
      ...run,
      status: event.type === 'end' ? event.status : run.status,
      nextSeq: run.nextSeq + 1,
    },
  };
  // Only an end changes a run's status or a message's delivery, the inputs of the chat's status:
  // a delta keeps it, without a pass over every message.
  return event.type === 'end' ? finish({ ...state, messages, runs }) : { ...state, messages, runs };
}

/**
 * A stored message changed outside its run's stream: the server's copy replaces the one held
 * (or is added, unless it is older than the page held: the history page brings it). The branch
 * selection and the user's own `feedback` stay. A message no longer `streaming` ends the run
 * that wrote it here too; one still `streaming` whose run this client follows live keeps its
 * streamed parts (the stream is ahead of the store).
 */
function messageUpdated(state: ChatState, message: Message): ChatState {
  if (state.conversation && message.conversationId !== state.conversation.id) return state;
  const existing = state.messages.find((candidate) => candidate.id === message.id);
  if (!existing) {
    const oldest = state.messages.find((candidate) => candidate.delivery === 'sent');
    if (state.hasMore && oldest && message.createdAt < oldest.createdAt) return state;
  }
  const run = message.runId ? state.runs[message.runId] : undefined;
  const following = run?.status === 'running';
  const copy = received(message);
  if (existing && following && message.status === 'streaming') copy.parts = existing.parts;
  // A room event carries nobody's own feedback: the user's stays.
  if (existing?.feedback && !copy.feedback) copy.feedback = existing.feedback;
  const runs =
    run && following && message.status !== 'streaming'
      ? { ...state.runs, [run.id]: { ...run, status: messageToTerminal[message.status] } }
      : state.runs;
  return finish({ ...state, messages: upsert(state.messages, copy), runs });
}

function sameFeedback(a: MessageFeedback | undefined, b: MessageFeedback | null): boolean {
  return (a ?? null) === b || (!!a && !!b && a.value === b.value && a.comment === b.comment);
}

/** No conversation open: its messages and runs are dropped; the list stays. */
function closed(state: ChatState): ChatState {
  return finish({
    ...state,
    conversation: null,
    messages: [],
    runs: {},
    error: null,
    hasMore: false,
    selection: {},
  });
}

/** The chat's pure reducer. Returns the same object when an action changes nothing. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'joined': {
      // The server's page is the truth; keep only local messages it does not know yet, and
      // this client's own copy of messages whose runs the server replays.
      const sameConversation = action.conversation.id === state.conversation?.id;
      const replaying = new Set(sameConversation ? (action.replaying ?? []) : []);
      const local = new Map(state.messages.map((message) => [message.id, message]));
      const known = new Set(action.messages.map((message) => message.id));
      const knownClientIds = new Set(
        action.messages.map((message) => message.clientMessageId).filter(Boolean),
      );
      const pending = state.messages.filter(
        (message) =>
          message.delivery !== 'sent' &&
          !known.has(message.id) &&
          !knownClientIds.has(message.clientMessageId) &&
          // A message already bound to another conversation stays with it.
          (message.conversationId === '' || message.conversationId === action.conversation.id),
      );
      return finish({
        ...state,
        conversation: action.conversation,
        messages: [
          ...action.messages.map((message) => {
            const own = local.get(message.id);
            const run = message.runId ? state.runs[message.runId] : undefined;
            return own && run && replaying.has(run.id) ? own : received(message);
          }),
          ...pending,
        ],
        runs: trackRuns(sameConversation ? state.runs : {}, action.runs, replaying),
        // The branch shown stays on a re-join (a reconnect); another conversation starts afresh.
        selection: sameConversation ? state.selection : {},
        error: null,
        hasMore: action.hasMore ?? false,
        conversations: upsertConversation(state.conversations, action.conversation),
      });
    }
    case 'send': {
      const messages = [...state.messages, action.message];
      return finish({
        ...state,
        messages,
        selection: showNewest(state.selection, messages, action.message.id),
        error: null,
      });
    }
    case 'send-queued': {
      const delivery = action.queued ? ('queued' as const) : ('sending' as const);
      const index = state.messages.findIndex(
        (message) =>
          message.clientMessageId === action.clientMessageId &&
          message.delivery !== 'sent' &&
          message.delivery !== delivery,
      );
      if (index === -1) return state;
      const messages = state.messages.slice();
      messages[index] = { ...(messages[index] as ChatMessage), delivery };
      return finish({ ...state, messages });
    }
    case 'send-ok': {
      const conversations = touchConversation(
        state.conversations,
        action.message.conversationId,
        action.message.createdAt,
      );
      // Acknowledged after the user switched to another conversation: only the list changes.
      if (state.conversation?.id !== action.message.conversationId)
        return conversations === state.conversations ? state : { ...state, conversations };
      // Messages sent after this one named its local id as their parent: give them its real id.
      const localId = `local:${action.clientMessageId}`;
      const messages = upsert(state.messages, {
        ...received(action.message),
        clientMessageId: action.clientMessageId,
      }).map((message) =>
        message.parentId === localId ? { ...message, parentId: action.message.id } : message,
      );
      return finish({
        ...state,
        messages,
        runs: trackRuns(state.runs, action.runs),
        conversations,
      });
    }
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
      const isNew = !state.messages.some((message) => message.id === action.message.id);
      const messages = upsert(state.messages, received(action.message));
      return finish({
        ...state,
        messages,
        selection: isNew
          ? showNewest(state.selection, messages, action.message.id)
          : state.selection,
        conversations: touchConversation(
          state.conversations,
          action.message.conversationId,
          action.message.createdAt,
        ),
      });
    }
    case 'message-updated':
      return messageUpdated(state, action.message);
    case 'feedback-set': {
      const index = state.messages.findIndex((message) => message.id === action.messageId);
      const message = state.messages[index];
      if (!message || sameFeedback(message.feedback, action.feedback)) return state;
      const { feedback: _previous, ...rest } = message;
      const messages = state.messages.slice();
      messages[index] = action.feedback ? { ...rest, feedback: action.feedback } : rest;
      return { ...state, messages };
    }
    case 'run-event':
      return applyRunEvent(state, action.event);
    case 'runs-started':
      return finish({ ...state, runs: trackRuns(state.runs, action.runs) });
    case 'branch-selected': {
      const key = versionKeys(state.messages).get(action.messageId);
      if (key === undefined || state.selection[key] === action.messageId) return state;
      return { ...state, selection: { ...state.selection, [key]: action.messageId } };
    }
    case 'error':
      return finish({ ...state, error: action.error });
    case 'clear-error':
      return state.error ? finish({ ...state, error: null }) : state;
    case 'conversations-listed': {
      if (!action.append)
        return { ...state, conversations: action.conversations, nextCursor: action.nextCursor };
      let conversations = state.conversations;
      for (const conversation of action.conversations)
        conversations = upsertConversation(conversations, conversation);
      return { ...state, conversations, nextCursor: action.nextCursor };
    }
    case 'conversation-updated': {
      const open = state.conversation?.id === action.conversation.id;
      const listed = state.conversations.some(
        (conversation) => conversation.id === action.conversation.id,
      );
      if (!open && !listed) return state;
      return {
        ...state,
        conversation: open ? action.conversation : state.conversation,
        conversations: upsertConversation(state.conversations, action.conversation),
      };
    }
    case 'conversation-deleted': {
      const conversations = state.conversations.filter(
        (conversation) => conversation.id !== action.conversationId,
      );
      if (state.conversation?.id === action.conversationId)
        return closed({ ...state, conversations });
      return conversations.length === state.conversations.length
        ? state
        : { ...state, conversations };
    }
    case 'closed':
      return state.conversation || state.messages.length ? closed(state) : state;
    case 'history-loaded': {
      if (state.conversation?.id !== action.conversationId) return state;
      const known = new Set(state.messages.map((message) => message.id));
      const older = action.messages.filter((message) => !known.has(message.id)).map(received);
      return { ...state, messages: [...older, ...state.messages], hasMore: action.hasMore };
    }
  }
}

/** The text of a message: its text parts joined. */
export function messageText(message: Pick<Message, 'parts'>): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
