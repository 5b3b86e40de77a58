import type {
  Conversation,
  Message,
  RunInfo,
  RunTerminalStatus,
  RunStatus,
} from 'svelte-langserve/protocol';

/** A run as the store records it (its live state — seq, events — lives in the run manager). */
export interface RunRecord {
  id: string;
  conversationId: string;
  /** The assistant message the run writes. */
  messageId: string;
  /** The user message that started the run. */
  triggerMessageId: string;
  agentId: string;
  status: RunStatus;
  createdAt: string;
}

/** The fields of a message that may change after it is created. */
export type MessagePatch = Partial<Pick<Message, 'parts' | 'status' | 'error' | 'metadata'>>;

/**
 * Where conversations, messages and runs live. Every method is async so that SQLite and
 * PostgreSQL implementations can back the same interface. Returned objects are copies: changing
 * them does not change the store.
 */
export interface ConversationStore {
  createConversation(conversation: Conversation): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | undefined>;
  listConversations(): Promise<Conversation[]>;
  /** Messages of a conversation, oldest first. */
  listMessages(conversationId: string): Promise<Message[]>;
  getMessage(id: string): Promise<Message | undefined>;
  /** Appends a message; also moves the conversation's `updatedAt`. */
  appendMessage(message: Message): Promise<Message>;
  updateMessage(id: string, patch: MessagePatch): Promise<Message | undefined>;
  /** The user message a client sent with `clientMessageId` in this conversation, if any. */
  findByClientMessageId(
    conversationId: string,
    clientMessageId: string,
  ): Promise<Message | undefined>;
  createRun(run: RunRecord): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  updateRunStatus(id: string, status: RunTerminalStatus): Promise<RunRecord | undefined>;
  /** Runs started by one user message, in creation order. */
  listRunsByTrigger(triggerMessageId: string): Promise<RunRecord[]>;
}

const copy = <T>(value: T): T => structuredClone(value);

/** A {@link ConversationStore} in process memory. Everything is lost when the process exits. */
export class InMemoryConversationStore implements ConversationStore {
  readonly #conversations = new Map<string, Conversation>();
  readonly #messages = new Map<string, Message>();
  readonly #messageIdsByConversation = new Map<string, string[]>();
  readonly #runs = new Map<string, RunRecord>();

  async createConversation(conversation: Conversation): Promise<Conversation> {
    if (this.#conversations.has(conversation.id))
      throw new Error(`Conversation ${conversation.id} already exists.`);
    this.#conversations.set(conversation.id, copy(conversation));
    this.#messageIdsByConversation.set(conversation.id, []);
    return copy(conversation);
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const conversation = this.#conversations.get(id);
    return conversation && copy(conversation);
  }

  async listConversations(): Promise<Conversation[]> {
    return [...this.#conversations.values()]
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map(copy);
  }

  async listMessages(conversationId: string): Promise<Message[]> {
    const ids = this.#messageIdsByConversation.get(conversationId) ?? [];
    return ids.map((id) => copy(this.#messages.get(id) as Message));
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const message = this.#messages.get(id);
    return message && copy(message);
  }

  async appendMessage(message: Message): Promise<Message> {
    const conversation = this.#conversations.get(message.conversationId);
    const ids = this.#messageIdsByConversation.get(message.conversationId);
    if (!conversation || !ids)
      throw new Error(`Conversation ${message.conversationId} does not exist.`);
    if (this.#messages.has(message.id)) throw new Error(`Message ${message.id} already exists.`);
    this.#messages.set(message.id, copy(message));
    ids.push(message.id);
    conversation.updatedAt = message.createdAt;
    return copy(message);
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<Message | undefined> {
    const message = this.#messages.get(id);
    if (!message) return undefined;
    Object.assign(message, copy(patch));
    return copy(message);
  }

  async findByClientMessageId(
    conversationId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    for (const id of this.#messageIdsByConversation.get(conversationId) ?? []) {
      const message = this.#messages.get(id);
      if (message?.clientMessageId === clientMessageId) return copy(message);
    }
    return undefined;
  }

  async createRun(run: RunRecord): Promise<RunRecord> {
    if (this.#runs.has(run.id)) throw new Error(`Run ${run.id} already exists.`);
    this.#runs.set(run.id, copy(run));
    return copy(run);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const run = this.#runs.get(id);
    return run && copy(run);
  }

  async updateRunStatus(id: string, status: RunTerminalStatus): Promise<RunRecord | undefined> {
    const run = this.#runs.get(id);
    if (!run) return undefined;
    run.status = status;
    return copy(run);
  }

  async listRunsByTrigger(triggerMessageId: string): Promise<RunRecord[]> {
    return [...this.#runs.values()]
      .filter((run) => run.triggerMessageId === triggerMessageId)
      .map(copy);
  }
}

/**
 * A stored run as the protocol reports it when its events are no longer in memory: `seq` is
 * -1, meaning "unknown".
 */
export function runInfoFromRecord(record: RunRecord): RunInfo {
  return {
    id: record.id,
    conversationId: record.conversationId,
    messageId: record.messageId,
    agentId: record.agentId,
    status: record.status,
    seq: -1,
  };
}
