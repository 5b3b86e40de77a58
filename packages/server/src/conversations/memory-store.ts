import type { Conversation, Message, RunTerminalStatus } from 'svelte-langserve/protocol';
import { comesBefore, decodeConversationCursor, encodeConversationCursor } from './cursor.js';
import {
  interruptedParts,
  StoreError,
  type CheckpointHead,
  type ConversationListOptions,
  type ConversationPage,
  type ConversationPatch,
  type ConversationStore,
  type CreateRunsOptions,
  type Feedback,
  type Member,
  type MessagePage,
  type MessagePageOptions,
  type MessagePatch,
  type NewRun,
  type OrphanSweep,
  type OrphanedRun,
  type RunEndDetails,
  type RunRecord,
} from './store.js';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * A {@link ConversationStore} in process memory, for tests and embedding. Everything is lost
 * when the process exits.
 */
export class InMemoryConversationStore implements ConversationStore {
  readonly #conversations = new Map<string, Conversation>();
  readonly #members = new Map<string, Map<string, Member>>();
  readonly #messages = new Map<string, Message>();
  readonly #messageIdsByConversation = new Map<string, string[]>();
  readonly #runs = new Map<string, RunRecord>();
  /** Answer id → its end-of-turn checkpoint. */
  readonly #heads = new Map<string, string>();
  readonly #feedback = new Map<string, Feedback>();
  /** Instance id → last heartbeat (ISO time). */
  readonly #heartbeats = new Map<string, string>();

  async createConversation(conversation: Conversation): Promise<Conversation> {
    if (this.#conversations.has(conversation.id))
      throw new StoreError('already_exists', `Conversation ${conversation.id} already exists.`);
    this.#conversations.set(conversation.id, copy(conversation));
    this.#messageIdsByConversation.set(conversation.id, []);
    const members = new Map<string, Member>();
    if (conversation.ownerId !== undefined)
      members.set(conversation.ownerId, {
        conversationId: conversation.id,
        userId: conversation.ownerId,
        role: 'owner',
        joinedAt: conversation.createdAt,
      });
    this.#members.set(conversation.id, members);
    return copy(conversation);
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const conversation = this.#conversations.get(id);
    return conversation && copy(conversation);
  }

  async listConversations(options: ConversationListOptions = {}): Promise<ConversationPage> {
    const after =
      options.cursor === undefined ? undefined : decodeConversationCursor(options.cursor);
    if (options.cursor !== undefined && !after)
      throw new StoreError('invalid_cursor', 'The cursor is not one this server made.');
    const { userId } = options;
    const all = [...this.#conversations.values()]
      .filter(
        (conversation) => userId === undefined || this.#members.get(conversation.id)?.has(userId),
      )
      .filter((conversation) => !after || comesBefore(after, conversation))
      .sort((a, b) => (comesBefore(a, b) ? -1 : 1));
    const page = options.limit === undefined ? all : all.slice(0, options.limit);
    const last = page.at(-1);
    return {
      conversations: page.map(copy),
      nextCursor: last && page.length < all.length ? encodeConversationCursor(last) : null,
    };
  }

  async updateConversation(
    id: string,
    patch: ConversationPatch,
  ): Promise<Conversation | undefined> {
    const conversation = this.#conversations.get(id);
    if (!conversation) return undefined;
    Object.assign(conversation, copy(patch));
    return copy(conversation);
  }

  async deleteConversation(id: string): Promise<boolean> {
    if (!this.#conversations.delete(id)) return false;
    this.#members.delete(id);
    for (const messageId of this.#messageIdsByConversation.get(id) ?? []) {
      this.#messages.delete(messageId);
      this.#heads.delete(messageId);
      for (const key of [...this.#feedback.keys()])
        if (this.#feedback.get(key)?.messageId === messageId) this.#feedback.delete(key);
    }
    this.#messageIdsByConversation.delete(id);
    for (const [runId, run] of this.#runs) if (run.conversationId === id) this.#runs.delete(runId);
    return true;
  }

  async addMember(member: Member): Promise<Member> {
    const members = this.#members.get(member.conversationId);
    if (!members)
      throw new StoreError('not_found', `Conversation ${member.conversationId} does not exist.`);
    members.set(member.userId, copy(member));
    return copy(member);
  }

  async removeMember(conversationId: string, userId: string): Promise<boolean> {
    return this.#members.get(conversationId)?.delete(userId) ?? false;
  }

  async getMember(conversationId: string, userId: string): Promise<Member | undefined> {
    const member = this.#members.get(conversationId)?.get(userId);
    return member && copy(member);
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    return this.#members.get(conversationId)?.has(userId) ?? false;
  }

  async listMembers(conversationId: string): Promise<Member[]> {
    return [...(this.#members.get(conversationId)?.values() ?? [])].map(copy);
  }

  async listBranch(messageId: string, limit: number): Promise<Message[]> {
    const branch: Message[] = [];
    for (
      let current = this.#messages.get(messageId);
      current && branch.length < limit;
      current = current.parentId === undefined ? undefined : this.#messages.get(current.parentId)
    )
      branch.push(copy(current));
    return branch.reverse();
  }

  async listMessages(conversationId: string): Promise<Message[]> {
    const ids = this.#messageIdsByConversation.get(conversationId) ?? [];
    return ids.map((id) => copy(this.#messages.get(id) as Message));
  }

  async listMessagePage(conversationId: string, options: MessagePageOptions): Promise<MessagePage> {
    const ids = this.#messageIdsByConversation.get(conversationId) ?? [];
    let end = ids.length;
    if (options.before !== undefined) {
      end = ids.indexOf(options.before);
      if (end < 0)
        throw new StoreError('not_found', `Message ${options.before} is not in this conversation.`);
    }
    const start = Math.max(0, end - options.limit);
    return {
      messages: ids.slice(start, end).map((id) => copy(this.#messages.get(id) as Message)),
      hasMore: start > 0,
    };
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const message = this.#messages.get(id);
    return message && copy(message);
  }

  async appendMessage(message: Message): Promise<Message> {
    return this.#append(message);
  }

  /** {@link appendMessage} without a pause: {@link createRuns} is atomic by never awaiting. */
  #append(message: Message): Message {
    const conversation = this.#conversations.get(message.conversationId);
    const ids = this.#messageIdsByConversation.get(message.conversationId);
    if (!conversation || !ids)
      throw new StoreError('not_found', `Conversation ${message.conversationId} does not exist.`);
    if (this.#messages.has(message.id))
      throw new StoreError('already_exists', `Message ${message.id} already exists.`);
    if (
      message.clientMessageId !== undefined &&
      ids.some((id) => this.#messages.get(id)?.clientMessageId === message.clientMessageId)
    )
      throw new StoreError(
        'already_exists',
        `A message with client message id ${message.clientMessageId} already exists.`,
      );
    this.#messages.set(message.id, copy(message));
    ids.push(message.id);
    if (message.createdAt > conversation.updatedAt) conversation.updatedAt = message.createdAt;
    return copy(message);
  }

  async updateMessage(id: string, patch: MessagePatch): Promise<Message | undefined> {
    const message = this.#messages.get(id);
    if (!message) return undefined;
    const { checkpointId, ...fields } = patch;
    if (checkpointId !== undefined) this.#heads.set(id, checkpointId);
    Object.assign(message, copy(fields));
    return copy(message);
  }

  async listCheckpointHeads(
    parentIds: readonly string[],
    agentId: string,
  ): Promise<CheckpointHead[]> {
    const first = parentIds.map((id) => this.#messages.get(id)).find(Boolean);
    if (!first) return [];
    const parents = new Set(parentIds);
    const heads: CheckpointHead[] = [];
    // The conversation's messages in the order they were appended.
    for (const messageId of this.#messageIdsByConversation.get(first.conversationId) ?? []) {
      const checkpointId = this.#heads.get(messageId);
      const message = this.#messages.get(messageId);
      if (checkpointId === undefined || message?.agentId !== agentId) continue;
      if (message.parentId !== undefined && parents.has(message.parentId))
        heads.push({ messageId, parentId: message.parentId, checkpointId });
    }
    return heads;
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
    return this.#createRun(run);
  }

  #createRun(run: RunRecord): RunRecord {
    if (this.#runs.has(run.id))
      throw new StoreError('already_exists', `Run ${run.id} already exists.`);
    if (!this.#messages.has(run.messageId) || !this.#messages.has(run.triggerMessageId))
      throw new StoreError('not_found', `The messages of run ${run.id} do not exist.`);
    const stored: RunRecord = { attempt: 1, ...copy(run) };
    this.#runs.set(run.id, stored);
    return copy(stored);
  }

  async createRuns(runs: readonly NewRun[], options: CreateRunsOptions = {}): Promise<boolean> {
    const triggerId = runs[0]?.run.triggerMessageId;
    if (options.onlyIfUnanswered && this.#hasRuns(triggerId)) return false;
    const messages = [
      ...(options.question ? [options.question] : []),
      ...runs.map((r) => r.answer),
    ];
    const conversation = this.#conversations.get(messages[0]?.conversationId ?? '');
    const updatedAt = conversation?.updatedAt;
    const stored: { messages: Message[]; runs: string[] } = { messages: [], runs: [] };
    try {
      for (const message of messages) stored.messages.push(this.#append(message));
      for (const { run } of runs) stored.runs.push(this.#createRun(run).id);
    } catch (error) {
      // Undone as a failed transaction is: nothing of it stays.
      for (const runId of stored.runs) this.#runs.delete(runId);
      for (const message of stored.messages) {
        this.#messages.delete(message.id);
        const ids = this.#messageIdsByConversation.get(message.conversationId);
        ids?.splice(ids.lastIndexOf(message.id), 1);
      }
      if (conversation && updatedAt !== undefined) conversation.updatedAt = updatedAt;
      throw error;
    }
    return true;
  }

  #hasRuns(triggerMessageId: string | undefined): boolean {
    for (const run of this.#runs.values())
      if (run.triggerMessageId === triggerMessageId) return true;
    return false;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const run = this.#runs.get(id);
    return run && copy(run);
  }

  async updateRunStatus(
    id: string,
    status: RunTerminalStatus,
    details: RunEndDetails = {},
  ): Promise<RunRecord | undefined> {
    const run = this.#runs.get(id);
    if (!run) return undefined;
    Object.assign(run, copy(details));
    run.status = status;
    run.endedAt = new Date().toISOString();
    return copy(run);
  }

  async listRunsByTrigger(triggerMessageId: string): Promise<RunRecord[]> {
    return [...this.#runs.values()]
      .filter((run) => run.triggerMessageId === triggerMessageId)
      .map(copy);
  }

  async heartbeat(instanceId: string, at: string): Promise<void> {
    this.#heartbeats.set(instanceId, at);
  }

  async interruptOrphanedRuns(reason: string, sweep: OrphanSweep): Promise<OrphanedRun[]> {
    const gone = (instanceId: string | undefined) =>
      instanceId !== sweep.instanceId &&
      (instanceId === undefined ||
        sweep.staleBefore === undefined ||
        (this.#heartbeats.get(instanceId) ?? '') < sweep.staleBefore);
    const ended: OrphanedRun[] = [];
    const endedAt = new Date().toISOString();
    /** Message id → the orphaned run writing it. */
    const orphanedRuns = new Map<string, string>();
    const withRun = new Set<string>();
    for (const run of this.#runs.values()) {
      withRun.add(run.messageId);
      if (run.status !== 'running' || !gone(run.instanceId)) continue;
      Object.assign(run, { status: 'interrupted', endedAt, error: reason });
      orphanedRuns.set(run.messageId, run.id);
    }
    for (const message of this.#messages.values()) {
      if (message.status !== 'streaming') continue;
      const runId = orphanedRuns.get(message.id);
      const orphaned =
        runId !== undefined ||
        (!withRun.has(message.id) &&
          (sweep.staleBefore === undefined || message.createdAt < sweep.staleBefore));
      if (!orphaned) continue;
      Object.assign(message, {
        status: 'interrupted',
        error: reason,
        parts: interruptedParts(message.parts, message.runId, message.conversationId),
      });
      ended.push({
        conversationId: message.conversationId,
        messageId: message.id,
        ...(runId !== undefined ? { runId } : {}),
      });
    }
    for (const instanceId of [...this.#heartbeats.keys()])
      if (gone(instanceId)) this.#heartbeats.delete(instanceId);
    return ended;
  }

  async setFeedback(feedback: Feedback): Promise<Feedback> {
    if (!this.#messages.has(feedback.messageId))
      throw new StoreError('not_found', `Message ${feedback.messageId} does not exist.`);
    this.#feedback.set(`${feedback.messageId}\u0000${feedback.userId}`, copy(feedback));
    return copy(feedback);
  }

  async getFeedback(messageId: string, userId: string): Promise<Feedback | undefined> {
    const feedback = this.#feedback.get(`${messageId}\u0000${userId}`);
    return feedback && copy(feedback);
  }

  async listFeedback(userId: string, messageIds: readonly string[]): Promise<Feedback[]> {
    return messageIds.flatMap((messageId) => {
      const feedback = this.#feedback.get(`${messageId}\u0000${userId}`);
      return feedback ? [copy(feedback)] : [];
    });
  }

  async deleteFeedback(messageId: string, userId: string): Promise<boolean> {
    return this.#feedback.delete(`${messageId}\u0000${userId}`);
  }
}
