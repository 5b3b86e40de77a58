import type { AgentInfo, Result } from '../protocol/index.js';
import { siblingPosition } from './branches.js';
import { PlainChatState, type ChatSnapshot, type ChatSnapshotState } from './chat-state.js';
import { PresenceTracker } from './presence.js';
import { ChatContext, expose } from './slices/context.js';
import { ConversationsSlice } from './slices/conversations.js';
import { FeedbackSlice } from './slices/feedback.js';
import { HistorySlice } from './slices/history.js';
import { ResumeSlice } from './slices/resume.js';
import { SendingSlice, type SendingOptions } from './slices/sending.js';
import type { Transport, Unsubscribe } from './transport.js';

export type { ChatSnapshot, ChatSnapshotState } from './chat-state.js';
export type { ListConversationsOptions } from './slices/conversations.js';
export type { RegenerateOptions, SendOptions, SendResult } from './slices/sending.js';

/** Options for {@link ChatController}. */
export interface ChatControllerOptions extends SendingOptions {
  transport: Transport;
  /** Join this conversation on connect. Without it, the first send creates one. */
  conversationId?: string;
  /**
   * Where the snapshot is kept: a framework binding injects a reactive one (the runes store
   * does). @default a new {@link PlainChatState}
   */
  state?: ChatSnapshotState;
  /** The signed-in user's id, left out of `presence.typingMembers`. Unknown: nobody is. */
  userId?: string | (() => string | undefined);
}

/** Which sibling {@link ChatController.selectBranch} shows: a neighbour, or a 0-based index. */
export type BranchTarget = 'previous' | 'next' | number;

/** The slices' actions that the controller offers as its own methods. */
const ACTIONS = {
  sending: ['send', 'edit', 'regenerate', 'cancel'],
  conversations: [
    'listConversations',
    'loadMoreConversations',
    'renameConversation',
    'deleteConversation',
    'open',
    'leave',
    'newConversation',
  ],
  history: ['loadOlder'],
  feedback: ['feedback'],
  resume: ['join'],
} as const;

/** The methods `Names` of `Slice` (a name it lacks does not compile). */
type Actions<Slice, Names extends readonly (keyof Slice)[]> = Pick<Slice, Names[number]>;

/** The actions of a {@link ChatController}: its slices' methods, documented there. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- defined by `expose`
export interface ChatController
  extends
    Actions<SendingSlice, typeof ACTIONS.sending>,
    Actions<ConversationsSlice, typeof ACTIONS.conversations>,
    Actions<HistorySlice, typeof ACTIONS.history>,
    Actions<FeedbackSlice, typeof ACTIONS.feedback>,
    Actions<ResumeSlice, typeof ACTIONS.resume> {}

/**
 * The framework-free chat core: a small composition of slices (sending, conversations, history,
 * feedback, resume, presence) over one shared {@link ChatContext}. It applies server events
 * through the pure reducer and keeps immutable {@link ChatSnapshot}s in an injected
 * {@link ChatSnapshotState} (a plain one with subscribers by default).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see above
export class ChatController {
  /** Where the snapshot is kept (the option `state`, or a plain one). */
  readonly state: ChatSnapshotState;
  /** Who is in the conversation shown and who is typing; sends `presence:typing`. */
  readonly presence: PresenceTracker;
  readonly #context: ChatContext;
  readonly #conversations: ConversationsSlice;
  readonly #resume: ResumeSlice;
  readonly #subscriptions: Unsubscribe[];

  constructor(options: ChatControllerOptions) {
    const { transport, userId } = options;
    this.state = options.state ?? new PlainChatState();
    const context = (this.#context = new ChatContext(transport, this.state));
    const resume = (this.#resume = new ResumeSlice(context));
    const join = (conversationId: string) => resume.join(conversationId);
    const conversations = new ConversationsSlice(context, join, options.conversationId);
    this.#conversations = conversations;
    this.presence = new PresenceTracker({
      transport,
      conversationId: () => context.snapshot.chat.conversation?.id,
      userId: typeof userId === 'function' ? userId : () => userId,
    });
    expose(this, new SendingSlice(context, options), ACTIONS.sending);
    expose(this, conversations, ACTIONS.conversations);
    expose(this, new HistorySlice(context), ACTIONS.history);
    expose(this, new FeedbackSlice(context), ACTIONS.feedback);
    expose(this, resume, ACTIONS.resume);
    this.#subscriptions = [
      transport.onConnection((event) => {
        context.dispatch({ type: 'connection', event });
        // Every connection re-joins, even one whose session Socket.IO restored: a restored
        // session can have missed events, and the re-join replays them by seq (ADR 0021).
        if (event.type === 'connected') void this.#synchronise();
      }),
      transport.on('run:event', (event) => {
        context.dispatch({ type: 'run-event', event });
        resume.heal(event);
      }),
      transport.on('message:created', ({ message }) =>
        context.dispatch({ type: 'message-created', message }),
      ),
      transport.on('message:updated', ({ message }) =>
        context.dispatch({ type: 'message-updated', message }),
      ),
      transport.on('conversation:updated', ({ conversation }) =>
        context.dispatch({ type: 'conversation-updated', conversation }),
      ),
      transport.on('conversation:deleted', ({ conversationId }) =>
        conversations.deleted(conversationId),
      ),
    ];
  }

  /** The current snapshot. */
  get snapshot(): ChatSnapshot {
    return this.state.snapshot;
  }

  /** Calls `listener` with every new snapshot. Returns its dispose. */
  subscribe(listener: (snapshot: ChatSnapshot) => void): Unsubscribe {
    return this.state.subscribe(listener);
  }

  /** Opens the connection. Agents are loaded, and the conversation joined, once connected. */
  connect(): void {
    this.#context.transport.connect();
  }

  /** Closes the connection. */
  disconnect(): void {
    this.#context.transport.disconnect();
  }

  /** Reloads the agent list. */
  async loadAgents(): Promise<Result<{ agents: AgentInfo[] }>> {
    const result = await this.#context.request('agents:list', {});
    if (result.ok) this.#context.dispatch({ type: 'agents-loaded', agents: result.data.agents });
    return result;
  }

  /**
   * Shows another version of a message: the sibling before or after `messageId`, or the one at
   * a 0-based index (clamped). The branch below it shows its newest messages unless another was
   * chosen there before.
   */
  selectBranch(messageId: string, target: BranchTarget): void {
    const position = siblingPosition(this.snapshot.chat, messageId);
    if (!position) return;
    const index =
      target === 'previous'
        ? position.index - 1
        : target === 'next'
          ? position.index + 1
          : Math.trunc(target);
    const chosen = position.ids[Math.min(Math.max(index, 0), position.count - 1)];
    if (chosen !== undefined)
      this.#context.dispatch({ type: 'branch-selected', messageId: chosen });
  }

  /** Clears the last error. */
  clearError(): void {
    this.#context.dispatch({ type: 'clear-error' });
  }

  /** Stops listening and closes the connection. The controller cannot be used afterwards. */
  dispose(): void {
    if (this.#context.disposed) return;
    this.#context.dispose();
    for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
    this.presence.dispose();
    this.#context.transport.disconnect();
  }

  /** On every connection: the agents, the list (once asked for), then the conversation shown. */
  async #synchronise(): Promise<void> {
    // The conversation shown when the connection opened; one created meanwhile is already fresh.
    const conversationId = this.snapshot.chat.conversation?.id ?? this.#conversations.target;
    await this.loadAgents();
    if (this.#conversations.listing) void this.listConversations();
    if (conversationId) await this.#resume.join(conversationId);
  }
}
