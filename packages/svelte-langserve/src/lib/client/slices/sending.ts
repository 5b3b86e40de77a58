import {
  fail,
  type Message,
  type ProtocolError,
  type Result,
  type RunInfo,
  type RunSettings,
} from '../../protocol/index.js';
import { ROOT_BRANCH, messageParents, visibleMessages } from '../branches.js';
import type { ChatContext } from './context.js';

/** Options of the sending slice (part of `ChatControllerOptions`). */
export interface SendingOptions {
  /** Agents that answer messages, unless a send names others. Default: the first agent listed. */
  agentIds?: string[];
  /** How many times a send is retried on a retryable error (same client id). @default 3 */
  sendRetries?: number;
  /** Delay before retry `n` (1-based), in ms. @default 250 * 2^(n-1) */
  retryDelayMs?: (attempt: number) => number;
  /** Makes client message ids. @default crypto.randomUUID */
  createId?: () => string;
}

/** Options for one `send`. */
export interface SendOptions {
  /**
   * The agents that answer this message. Default: the controller's `agentIds`, else the
   * conversation's.
   */
  agentIds?: string[];
  /**
   * Runtime settings for this message's runs (only those the user set; the server applies each
   * agent's defaults to the rest). Every addressed agent must accept each setting given, within
   * its range, or the server refuses the message with `invalid_payload`.
   */
  settings?: RunSettings;
  /**
   * The message this one follows. Default: the last message shown ({@link visibleMessages}); none
   * shown: the conversation's latest. `null` starts a new root.
   */
  parentId?: string | null;
}

/** Options for `regenerate`. */
export interface RegenerateOptions {
  /** The agents that answer again. Default: the agent that wrote the answer. */
  agentIds?: string[];
  /** Runtime settings for the new runs (as for {@link SendOptions.settings}). */
  settings?: RunSettings;
}

/** What `send` resolves with. */
export type SendResult = Result<{ message: Message; runs: RunInfo[] }>;

/** A copy of `settings` without unset entries, or undefined when none is set. */
function definedSettings(settings: RunSettings | undefined): RunSettings | undefined {
  if (!settings) return undefined;
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined);
  return entries.length ? (Object.fromEntries(entries) as RunSettings) : undefined;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sending: user messages through an outbox (in the order typed, held while offline, retried with
 * the same client id), edits, regenerations and cancels.
 */
export class SendingSlice {
  readonly #context: ChatContext;
  readonly #options: SendingOptions;
  /** Settles when the previous send has been delivered or given up (sends go in order). */
  #outbox: Promise<void> = Promise.resolve();

  constructor(context: ChatContext, options: SendingOptions = {}) {
    this.#context = context;
    this.#options = options;
  }

  /**
   * Sends a user message. It shows at once (delivery `sending`, or `queued` while offline), goes
   * out after the messages typed before it, is retried with the same client id (and the same
   * settings) on retryable errors, and is marked `failed` when it cannot be delivered.
   */
  async send(text: string, options: SendOptions = {}): Promise<SendResult> {
    const context = this.#context;
    const clientMessageId = (this.#options.createId ?? (() => crypto.randomUUID()))();
    const { chat } = context.snapshot;
    const parentId =
      options.parentId !== undefined ? options.parentId : visibleMessages(chat).at(-1)?.id;
    options = parentId === undefined ? options : { ...options, parentId };
    context.dispatch({
      type: 'send',
      message: {
        id: `local:${clientMessageId}`,
        clientMessageId,
        conversationId: chat.conversation?.id ?? '',
        role: 'user',
        parts: [{ type: 'text', text }],
        status: 'complete',
        createdAt: new Date().toISOString(),
        ...(typeof parentId === 'string' ? { parentId } : {}),
        // Typed while offline: it waits in the outbox until the connection is back.
        delivery: context.online ? 'sending' : 'queued',
      },
    });
    const previous = this.#outbox;
    let release!: () => void;
    this.#outbox = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      return await this.#deliver(clientMessageId, text, options);
    } finally {
      release();
    }
  }

  /**
   * Edits a message: sends `text` as a new version of it (a send with the edited message's
   * parent, `null` for a root). The old version stays, one of its siblings.
   */
  edit(messageId: string, text: string, options: Omit<SendOptions, 'parentId'> = {}) {
    const messages = this.#context.snapshot.chat.messages;
    const message = messages.find((candidate) => candidate.id === messageId);
    if (!message) return Promise.resolve<SendResult>(fail('not_found', 'No such message.'));
    // Its own parent, even one not loaded; a legacy message follows the one before it.
    const parent = message.parentId ?? messageParents(messages).get(messageId);
    const parentId = parent === undefined || parent === ROOT_BRANCH ? null : parent;
    return this.send(text, { ...options, parentId });
  }

  /**
   * Answers the question of assistant message `messageId` again (`messages:regenerate`): the new
   * answers are its siblings and show once they start.
   */
  async regenerate(
    messageId: string,
    options: RegenerateOptions = {},
  ): Promise<Result<{ runs: RunInfo[] }>> {
    const conversationId = this.#context.snapshot.chat.conversation?.id;
    if (!conversationId) return fail('conflict', 'No conversation is open.');
    const settings = definedSettings(options.settings);
    const result = await this.#context.request('messages:regenerate', {
      conversationId,
      messageId,
      ...(options.agentIds?.length ? { agentIds: options.agentIds } : {}),
      ...(settings ? { settings } : {}),
    });
    if (result.ok) this.#context.dispatch({ type: 'runs-started', runs: result.data.runs });
    return result;
  }

  /** Cancels one run, or every live run when no id is given. */
  async cancel(runId?: string): Promise<void> {
    const runs = Object.values(this.#context.snapshot.chat.runs);
    const ids = runId
      ? [runId]
      : runs.filter((run) => run.status === 'running').map((run) => run.id);
    // A run that ended on its own before the cancel arrived is not an error worth showing.
    const report = (error: ProtocolError) => error.code !== 'conflict';
    await Promise.all(ids.map((id) => this.#context.request('runs:cancel', { runId: id }, report)));
  }

  async #deliver(clientMessageId: string, text: string, options: SendOptions): Promise<SendResult> {
    const context = this.#context;
    await this.#untilConnected(clientMessageId);
    const conversationId = context.snapshot.chat.conversation?.id ?? (await this.#create());
    if (typeof conversationId !== 'string') {
      context.dispatch({ type: 'send-failed', clientMessageId, error: conversationId });
      return { ok: false, error: conversationId };
    }
    const agentIds = options.agentIds ?? this.#options.agentIds;
    const settings = definedSettings(options.settings);
    const parentId = this.#deliverableParent(options.parentId);
    const retries = this.#options.sendRetries ?? 3;
    const delay = this.#options.retryDelayMs ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
    let result: SendResult = fail('unavailable', 'Not sent.');
    let attempt = 0;
    while (!context.disposed) {
      await this.#untilConnected(clientMessageId);
      if (context.disposed) break;
      result = await context.transport.request('messages:send', {
        conversationId,
        clientMessageId,
        text,
        ...(agentIds?.length ? { agentIds } : {}),
        ...(settings ? { settings } : {}),
        ...(parentId !== undefined ? { parentId } : {}),
      });
      if (result.ok || !result.error.retryable) break;
      // Offline again: wait for the connection without spending an attempt.
      if (!context.online) continue;
      attempt += 1;
      if (attempt > retries) break;
      // A limit says when to come back (`retryAfterMs`): never sooner than that.
      await wait(Math.max(delay(attempt), result.error.retryAfterMs ?? 0));
    }
    if (result.ok) context.dispatch({ type: 'send-ok', clientMessageId, ...result.data });
    else context.dispatch({ type: 'send-failed', clientMessageId, error: result.error });
    return result;
  }

  /**
   * The parent to send: a message still local at send time (`local:<client id>`) is named by
   * the id the server gave it since (sends go in order); if it was never delivered, none is
   * sent and the server uses the conversation's latest message.
   */
  #deliverableParent(parentId: string | null | undefined): string | null | undefined {
    if (typeof parentId !== 'string' || !parentId.startsWith('local:')) return parentId;
    const clientMessageId = parentId.slice('local:'.length);
    const delivered = this.#context.snapshot.chat.messages.find(
      (message) => message.clientMessageId === clientMessageId && message.delivery === 'sent',
    );
    return delivered && !delivered.id.startsWith('local:') ? delivered.id : undefined;
  }

  /** Resolves once connected (at once when already), marking the message queued meanwhile. */
  async #untilConnected(clientMessageId: string): Promise<void> {
    const context = this.#context;
    if (context.disposed) return;
    if (context.online) {
      context.dispatch({ type: 'send-queued', clientMessageId, queued: false });
      return;
    }
    context.dispatch({ type: 'send-queued', clientMessageId, queued: true });
    await new Promise<void>((resolve) => {
      const done = () => {
        unsubscribe();
        forget();
        resolve();
      };
      const unsubscribe = context.transport.onConnection((event) => {
        if (event.type === 'connected') done();
      });
      const forget = context.onDispose(done);
    });
    context.dispatch({ type: 'send-queued', clientMessageId, queued: false });
  }

  /** Creates a conversation for the first message (`conversations:create`) and shows it. */
  async #create(): Promise<string | ProtocolError> {
    const agentIds = this.#options.agentIds;
    const result = await this.#context.transport.request(
      'conversations:create',
      agentIds?.length ? { agentIds } : {},
    );
    if (!result.ok) return result.error;
    const { conversation } = result.data;
    this.#context.dispatch({ type: 'joined', conversation, messages: [], runs: [] });
    return conversation.id;
  }
}
