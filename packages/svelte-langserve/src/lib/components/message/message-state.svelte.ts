import { createContext, tick, type Snippet } from 'svelte';
import { messageText, type BranchTarget, type ChatMessage } from '../../client/index.js';
import type { DataPart, FeedbackValue, ToolCallPart } from '../../protocol/index.js';
import type { ChatStore } from '../../state/index.js';
import { MessageActionsState } from './message-actions.svelte.js';

/** A message's place among its versions ("2 of 3"); `index` is 0-based. */
export interface MessageSiblings {
  index: number;
  count: number;
}

/** What a message's parts are given: the message, how to render it, and what its actions do. */
export interface MessageInput {
  /** The message to show. */
  message: ChatMessage;
  /** The name shown above an assistant message. @default message.agentId, else 'Assistant' */
  agentName?: string;
  /** Image URLs in answers allowed to load; others show as links. @default () => false */
  allowImage?: (url: string) => boolean;
  /** While the answer streams, its text renders at most every this many ms (`Markdown`). @default 100 */
  renderIntervalMs?: number;
  /** Replaces how a tool call part renders. @default `ToolCall` */
  toolCall?: Snippet<[ToolCallPart, ChatMessage]>;
  /** Replaces how a data part (a graph's `config.writer` output) renders. @default `DataPart` */
  dataPart?: Snippet<[DataPart, ChatMessage]>;
  /** Its place among its versions. @default the provided store's `siblingsOf` */
  siblings?: MessageSiblings;
  /** Answers again (assistant messages). @default the provided store's `regenerate` */
  onRegenerate?: (messageId: string) => unknown;
  /** Sends `text` as a new version (user messages). @default the provided store's `edit` */
  onEdit?: (messageId: string, text: string) => unknown;
  /** Shows another version. @default the provided store's `selectBranch` */
  onSelectBranch?: (messageId: string, target: BranchTarget) => unknown;
  /**
   * Rates a completed answer (null clears; `comment` from the thumbs-down note).
   * @default the provided store's `feedback`
   */
  onFeedback?: (messageId: string, value: FeedbackValue | null, comment?: string) => unknown;
  /** Writes the copied text. @default navigator.clipboard.writeText */
  copy?: (text: string) => Promise<void>;
}

const notes: Partial<Record<ChatMessage['status'] | ChatMessage['delivery'], string>> = {
  cancelled: 'Stopped',
  interrupted: 'Interrupted',
  queued: 'Waiting for the connection…',
  sending: 'Sending…',
};

/**
 * The behaviour of one message, shared by its parts through context (`getMessageContext`).
 * Each action is the input's callback, or else the chat store's method when a store is given,
 * or absent (its part then renders nothing).
 */
export class MessageState {
  readonly #input: () => MessageInput;
  readonly #store: ChatStore | undefined;
  readonly #actions: MessageActionsState;
  #editTrigger: HTMLElement | undefined;
  /** Whether the thumbs-down note is open. */
  commenting = $state(false);
  /** The thumbs-down note's text. */
  comment = $state('');

  constructor(input: () => MessageInput, store?: ChatStore) {
    this.#input = input;
    this.#store = store;
    this.#actions = new MessageActionsState({
      text: () => this.text,
      onEdit: (text) => this.#edit?.(this.message.id, text),
    });
  }

  /** The message shown. */
  get message(): ChatMessage {
    return this.#input().message;
  }
  /** Who wrote an answer: the given name, else the agent's id, else "Assistant". */
  get author(): string {
    return this.#input().agentName ?? this.message.agentId ?? 'Assistant';
  }
  /** See {@link MessageInput.allowImage}. */
  get allowImage() {
    return this.#input().allowImage;
  }
  /** See {@link MessageInput.renderIntervalMs}. */
  get renderIntervalMs() {
    return this.#input().renderIntervalMs;
  }
  /** See {@link MessageInput.toolCall}. */
  get toolCall() {
    return this.#input().toolCall;
  }
  /** See {@link MessageInput.dataPart}. */
  get dataPart() {
    return this.#input().dataPart;
  }
  /** What the run is doing now ("Searching documents…"), while the answer streams. */
  get activity(): string | undefined {
    return this.streaming ? this.message.activity : undefined;
  }
  /** The message's plain text (its text parts joined). */
  get text(): string {
    return messageText(this.message);
  }
  /** Whether the answer is still streaming. */
  get streaming(): boolean {
    return this.message.status === 'streaming';
  }
  /** Whether actions apply: the server holds the message and it has finished. */
  get settled(): boolean {
    return this.message.delivery === 'sent' && !this.streaming;
  }
  /** A short note on how the message ended or where its delivery is ("Stopped", "Sending…"). */
  get notes(): string[] {
    const { status, delivery } = this.message;
    return [notes[status], notes[delivery]].filter((note) => note !== undefined);
  }
  /** What went wrong, when the answer failed or the message was not sent. */
  get error(): string | undefined {
    if (this.message.status === 'failed') return this.message.error ?? 'The answer failed.';
    if (this.message.delivery === 'failed') return 'Not sent.';
    return undefined;
  }

  get #regenerate() {
    const store = this.#store;
    return this.#input().onRegenerate ?? (store && ((id: string) => store.regenerate(id)));
  }
  get #edit() {
    const store = this.#store;
    return this.#input().onEdit ?? (store && ((id: string, text: string) => store.edit(id, text)));
  }
  get #selectBranch() {
    const store = this.#store;
    return (
      this.#input().onSelectBranch ??
      (store && ((id: string, target: BranchTarget) => store.selectBranch(id, target)))
    );
  }
  get #feedback() {
    const store = this.#store;
    return (
      this.#input().onFeedback ??
      (store &&
        ((id: string, value: FeedbackValue | null, comment?: string) =>
          store.feedback(id, value, comment)))
    );
  }

  /** Whether any action is wired (a store is provided, or a callback given). */
  get hasActions(): boolean {
    return Boolean(this.#regenerate || this.#edit || this.#selectBranch || this.#feedback);
  }
  /** Its place among its versions, when known. */
  get siblings(): MessageSiblings | undefined {
    return this.#input().siblings ?? this.#store?.siblingsOf(this.message.id);
  }
  /** Whether the answer can be regenerated (an assistant message, with a way to do it). */
  get canRegenerate(): boolean {
    return this.message.role === 'assistant' && Boolean(this.#regenerate);
  }
  /** Whether the question can be edited (a user message, with a way to do it). */
  get canEdit(): boolean {
    return this.message.role === 'user' && Boolean(this.#edit);
  }
  /** Whether there are other versions to switch to, and a way to do it. */
  get canSelectBranch(): boolean {
    return (this.siblings?.count ?? 0) > 1 && Boolean(this.#selectBranch);
  }
  /** Whether the answer can be rated (a completed assistant message, with a way to do it). */
  get canRate(): boolean {
    const { role, status } = this.message;
    return role === 'assistant' && status === 'complete' && Boolean(this.#feedback);
  }
  /** The current rating: 1, -1, or null. */
  get rating(): FeedbackValue | null {
    return this.message.feedback?.value ?? null;
  }

  /** Answers the question again. */
  regenerate(): void {
    void this.#regenerate?.(this.message.id);
  }
  /** Shows the previous or next version. */
  selectBranch(target: BranchTarget): void {
    void this.#selectBranch?.(this.message.id, target);
  }
  /** Rates the answer; pressing the current rating again clears it. */
  rate(value: FeedbackValue): void {
    const next = this.rating === value ? null : value;
    this.commenting = false;
    void this.#feedback?.(this.message.id, next);
  }
  /** Opens the thumbs-down note. */
  openComment(): void {
    this.comment = this.message.feedback?.comment ?? '';
    this.commenting = true;
  }
  /** Sends the thumbs-down note (when not blank) and closes it. */
  sendComment(): void {
    const comment = this.comment.trim();
    this.commenting = false;
    if (comment) void this.#feedback?.(this.message.id, -1, comment);
  }
  /** Closes the thumbs-down note without sending it. */
  closeComment(): void {
    this.commenting = false;
  }

  /** What the last copy did; back to `idle` 1.5 s later. */
  get copyStatus() {
    return this.#actions.copyStatus;
  }
  /** Copies the message's text (with the input's `copy`, else the clipboard). */
  copy(): Promise<void> {
    return this.#actions.copy(this.#input().copy);
  }

  /** Whether the inline editor is open. */
  get editing(): boolean {
    return this.#actions.editing;
  }
  /** The editor's text. */
  get draft(): string {
    return this.#actions.draft;
  }
  set draft(text: string) {
    this.#actions.draft = text;
  }
  /** Opens the editor with the message's text. */
  startEdit(): void {
    this.#actions.startEdit();
  }
  /**
   * Closes the editor, saving the draft as a new version when `save` (unless blank or
   * unchanged), and gives focus back to the Edit button.
   */
  async closeEditor(save: boolean): Promise<void> {
    if (save) this.#actions.save();
    else this.#actions.cancelEdit();
    if (this.#actions.editing) return;
    await tick();
    this.#editTrigger?.focus();
  }
  /** Attachment for the Edit button: focus returns to it when the editor closes. */
  readonly editTrigger = (node: HTMLElement) => {
    this.#editTrigger = node;
    return () => {
      if (this.#editTrigger === node) this.#editTrigger = undefined;
    };
  };

  /** Stops the copy timer. */
  dispose(): void {
    this.#actions.dispose();
  }
}

const [getContext, setContext, hasContext] = createContext<MessageState>();

/**
 * The message an ancestor `MessageParts.Root` (or `Message`, or `MessageActions`) shows: its
 * state and actions. Throws outside one.
 */
export function getMessageContext(): MessageState {
  if (!hasContext())
    throw new Error('A message part must be inside MessageParts.Root, Message or MessageActions.');
  return getContext();
}

/** Shares `state` with the message parts below the caller (what `MessageParts.Root` does). */
export function setMessageContext(state: MessageState): MessageState {
  return setContext(state);
}

/** Whether an ancestor provides a message context. */
export function hasMessageContext(): boolean {
  return hasContext();
}
