import {
  fail,
  type AgentInfo,
  type Message,
  type ProtocolError,
  type Result,
  type RunInfo,
} from '../protocol/index.js';
import { initialConnectionState, nextConnectionState, type ConnectionState } from './connection.js';
import { Emitter } from './emitter.js';
import { chatReducer, initialChatState, type ChatAction, type ChatState } from './reducer.js';
import type { Transport, Unsubscribe } from './transport.js';

/** Everything a chat UI reads, as one immutable snapshot. */
export interface ChatSnapshot {
  chat: ChatState;
  connection: ConnectionState;
  agents: AgentInfo[];
}

/** Options for {@link ChatController}. */
export interface ChatControllerOptions {
  transport: Transport;
  /** Join this conversation on connect. Without it, the first send creates one. */
  conversationId?: string;
  /** Agents that answer messages, unless a send names others. Default: the first agent listed. */
  agentIds?: string[];
  /** How many times a send is retried on a retryable error (same client id). @default 3 */
  sendRetries?: number;
  /** Delay before retry `n` (1-based), in ms. @default 250 * 2^(n-1) */
  retryDelayMs?: (attempt: number) => number;
  /** Makes client message ids. @default crypto.randomUUID */
  createId?: () => string;
}

/** What {@link ChatController.send} resolves with. */
export type SendResult = Result<{ message: Message; runs: RunInfo[] }>;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The framework-free chat core. It owns a transport, applies server events through the pure
 * {@link chatReducer}, and publishes immutable {@link ChatSnapshot}s to subscribers.
 */
export class ChatController {
  readonly #transport: Transport;
  readonly #options: ChatControllerOptions;
  readonly #listeners = new Emitter<ChatSnapshot>();
  readonly #subscriptions: Unsubscribe[] = [];
  #snapshot: ChatSnapshot = {
    chat: initialChatState,
    connection: initialConnectionState,
    agents: [],
  };
  #disposed = false;

  constructor(options: ChatControllerOptions) {
    this.#options = options;
    this.#transport = options.transport;
    this.#subscriptions.push(
      this.#transport.onConnection((event) => {
        const connection = nextConnectionState(this.#snapshot.connection, event);
        if (connection !== this.#snapshot.connection)
          this.#publish({ ...this.#snapshot, connection });
        if (event.type === 'connected' && !event.recovered) void this.#synchronise();
      }),
      this.#transport.on('run:event', (event) => this.#dispatch({ type: 'run-event', event })),
      this.#transport.on('message:created', ({ message }) =>
        this.#dispatch({ type: 'message-created', message }),
      ),
    );
  }

  /** The current snapshot. */
  get snapshot(): ChatSnapshot {
    return this.#snapshot;
  }

  /** Calls `listener` with every new snapshot. Returns its dispose. */
  subscribe(listener: (snapshot: ChatSnapshot) => void): Unsubscribe {
    return this.#listeners.on(listener);
  }

  /** Opens the connection. Agents are loaded, and the conversation joined, once connected. */
  connect(): void {
    this.#transport.connect();
  }

  /** Closes the connection. */
  disconnect(): void {
    this.#transport.disconnect();
  }

  /** Reloads the agent list. */
  async loadAgents(): Promise<Result<{ agents: AgentInfo[] }>> {
    const result = await this.#transport.request('agents:list', {});
    if (result.ok) this.#publish({ ...this.#snapshot, agents: result.data.agents });
    else this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /** Joins a conversation, replacing what is shown with the server's copy. */
  async join(conversationId: string): Promise<Result<unknown>> {
    const result = await this.#transport.request('conversations:join', { conversationId });
    if (result.ok) this.#dispatch({ type: 'joined', ...result.data });
    else this.#dispatch({ type: 'error', error: result.error });
    return result;
  }

  /**
   * Sends a user message. It shows at once (delivery `sending`), is retried with the same client
   * id on retryable errors, and is marked `failed` when it cannot be delivered.
   */
  async send(text: string, options: { agentIds?: string[] } = {}): Promise<SendResult> {
    const clientMessageId = (this.#options.createId ?? (() => crypto.randomUUID()))();
    const conversation = this.#snapshot.chat.conversation;
    this.#dispatch({
      type: 'send',
      message: {
        id: `local:${clientMessageId}`,
        clientMessageId,
        conversationId: conversation?.id ?? '',
        role: 'user',
        parts: [{ type: 'text', text }],
        status: 'complete',
        createdAt: new Date().toISOString(),
        delivery: 'sending',
      },
    });
    const conversationId = conversation?.id ?? (await this.#createConversation());
    if (typeof conversationId !== 'string') {
      this.#dispatch({ type: 'send-failed', clientMessageId, error: conversationId });
      return { ok: false, error: conversationId };
    }
    const agentIds = options.agentIds ?? this.#options.agentIds;
    const retries = this.#options.sendRetries ?? 3;
    const delay = this.#options.retryDelayMs ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
    let result: SendResult = fail('unavailable', 'Not sent.');
    for (let attempt = 0; attempt <= retries && !this.#disposed; attempt += 1) {
      if (attempt > 0) await wait(delay(attempt));
      result = await this.#transport.request('messages:send', {
        conversationId,
        clientMessageId,
        text,
        ...(agentIds?.length ? { agentIds } : {}),
      });
      if (result.ok || !result.error.retryable) break;
    }
    if (result.ok) this.#dispatch({ type: 'send-ok', clientMessageId, ...result.data });
    else this.#dispatch({ type: 'send-failed', clientMessageId, error: result.error });
    return result;
  }

  /** Cancels one run, or every live run when no id is given. */
  async cancel(runId?: string): Promise<void> {
    const ids = runId
      ? [runId]
      : Object.values(this.#snapshot.chat.runs)
          .filter((run) => run.status === 'running')
          .map((run) => run.id);
    const results = await Promise.all(
      ids.map((id) => this.#transport.request('runs:cancel', { runId: id })),
    );
    for (const result of results) {
      // A run that ended on its own before the cancel arrived is not an error worth showing.
      if (!result.ok && result.error.code !== 'conflict')
        this.#dispatch({ type: 'error', error: result.error });
    }
  }

  /** Clears the last error. */
  clearError(): void {
    this.#dispatch({ type: 'clear-error' });
  }

  /** Stops listening and closes the connection. The controller cannot be used afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
    this.#listeners.clear();
    this.#transport.disconnect();
  }

  async #createConversation(): Promise<string | ProtocolError> {
    const agentIds = this.#options.agentIds;
    const result = await this.#transport.request(
      'conversations:create',
      agentIds?.length ? { agentIds } : {},
    );
    if (!result.ok) return result.error;
    this.#dispatch({
      type: 'joined',
      conversation: result.data.conversation,
      messages: [],
      runs: [],
    });
    return result.data.conversation.id;
  }

  async #synchronise(): Promise<void> {
    // The conversation shown when the connection opened; one created meanwhile is already fresh.
    const conversationId = this.#snapshot.chat.conversation?.id ?? this.#options.conversationId;
    await this.loadAgents();
    if (conversationId) await this.join(conversationId);
  }

  #dispatch(action: ChatAction): void {
    if (this.#disposed) return;
    const chat = chatReducer(this.#snapshot.chat, action);
    if (chat !== this.#snapshot.chat) this.#publish({ ...this.#snapshot, chat });
  }

  #publish(snapshot: ChatSnapshot): void {
    if (this.#disposed) return;
    this.#snapshot = snapshot;
    this.#listeners.emit(snapshot);
  }
}
