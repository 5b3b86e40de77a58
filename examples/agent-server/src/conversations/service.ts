import { randomUUID } from 'node:crypto';
import type {
  AgentInfo,
  Conversation,
  ErrorCode,
  Message,
  RunInfo,
} from 'svelte-langserve/protocol';
import type { Agent } from '../agents/agent.js';
import type { RunManager } from '../runs/run-manager.js';
import type { Run } from '../runs/run.js';
import { runInfoFromRecord, type ConversationStore, type RunRecord } from './store.js';

/** An expected failure of a request; the socket layer answers it as a typed error. */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean | undefined;

  constructor(code: ErrorCode, message: string, retryable?: boolean) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.retryable = retryable;
  }
}

/** What {@link ConversationService.send} produced. */
export interface SendOutcome {
  message: Message;
  runs: Run[];
  /** Run infos of an earlier identical send (a retry): nothing new was created. */
  duplicateRuns: RunInfo[] | null;
}

/** A conversation as loaded for a join; {@link JoinSnapshot.commit} makes it current. */
export interface JoinSnapshot {
  /** Overlays live and recently ended runs' text and lists live runs. Call synchronously. */
  commit(): { conversation: Conversation; messages: Message[]; runs: RunInfo[] };
}

const DEFAULT_TITLE = 'New conversation';

/** Conversations, messages and the runs they start. Knows nothing of sockets. */
export class ConversationService {
  readonly #store: ConversationStore;
  readonly #agents: ReadonlyMap<string, Agent>;
  readonly #runs: RunManager;
  /** Sends being processed, by (conversation, client message id): retries share the outcome. */
  readonly #sendsInFlight = new Map<string, Promise<SendOutcome>>();

  constructor(options: { store: ConversationStore; agents: Agent[]; runs: RunManager }) {
    this.#store = options.store;
    this.#agents = new Map(options.agents.map((agent) => [agent.info.id, agent]));
    this.#runs = options.runs;
  }

  /** Every agent offered. */
  listAgents(): AgentInfo[] {
    return [...this.#agents.values()].map((agent) => ({ ...agent.info }));
  }

  /** Creates a conversation answered by `agentIds` (default: the first agent). */
  async create(input: { title?: string; agentIds?: string[] }): Promise<Conversation> {
    const agentIds = this.#resolveAgents(input.agentIds, undefined).map((agent) => agent.info.id);
    const now = new Date().toISOString();
    return this.#store.createConversation({
      id: randomUUID(),
      title: input.title ?? DEFAULT_TITLE,
      agentIds,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Loads a conversation for a join. */
  async join(conversationId: string): Promise<JoinSnapshot> {
    const conversation = await this.#requireConversation(conversationId);
    const messages = await this.#store.listMessages(conversationId);
    return {
      commit: () => {
        // Runs move on while the store is read: their in-memory state is the newer truth.
        const byId = new Set(messages.map((message) => message.id));
        for (const message of messages) {
          const run = message.runId ? this.#runs.get(message.runId) : undefined;
          if (run) Object.assign(message, run.messageSnapshot());
        }
        const live = this.#runs.liveRuns(conversationId);
        for (const run of live) {
          if (!byId.has(run.messageId)) messages.push(run.message());
        }
        return { conversation, messages, runs: live.map((run) => run.info()) };
      },
    };
  }

  /**
   * Stores a user message and prepares one run per agent (not started: start them after the
   * acknowledgement). Idempotent on (conversation, client message id).
   */
  send(input: {
    conversationId: string;
    clientMessageId: string;
    text: string;
    agentIds?: string[];
  }): Promise<SendOutcome> {
    const key = `${input.conversationId}\u0000${input.clientMessageId}`;
    const inFlight = this.#sendsInFlight.get(key);
    if (inFlight) return inFlight.then((outcome) => this.#asDuplicate(outcome));
    const promise = this.#send(input).finally(() => this.#sendsInFlight.delete(key));
    this.#sendsInFlight.set(key, promise);
    return promise;
  }

  /** Cancels a run. */
  async cancel(runId: string): Promise<RunInfo> {
    const outcome = await this.#runs.cancel(runId);
    if (outcome.outcome === 'not_found') throw new ServiceError('not_found', 'No such run.');
    if (outcome.outcome === 'ended')
      throw new ServiceError('conflict', `The run has already ended (${outcome.run.status}).`);
    return outcome.run;
  }

  async #send(input: {
    conversationId: string;
    clientMessageId: string;
    text: string;
    agentIds?: string[];
  }): Promise<SendOutcome> {
    const conversation = await this.#requireConversation(input.conversationId);
    const existing = await this.#store.findByClientMessageId(
      input.conversationId,
      input.clientMessageId,
    );
    if (existing) {
      const records = await this.#store.listRunsByTrigger(existing.id);
      return { message: existing, runs: [], duplicateRuns: records.map((r) => this.#runInfo(r)) };
    }
    if (this.#runs.closing)
      throw new ServiceError('unavailable', 'The server is shutting down. Try again.', true);
    const agents = this.#resolveAgents(input.agentIds, conversation.agentIds);
    const message = await this.#store.appendMessage({
      id: randomUUID(),
      conversationId: conversation.id,
      role: 'user',
      parts: [{ type: 'text', text: input.text }],
      status: 'complete',
      createdAt: new Date().toISOString(),
      clientMessageId: input.clientMessageId,
    });
    const runs: Run[] = [];
    try {
      for (const agent of agents) runs.push(await this.#runs.prepare(agent, message));
    } catch (error) {
      // Runs prepared before the failure would never start: end them, so none hangs "running".
      for (const run of runs) run.interrupt();
      throw error;
    }
    return { message, runs, duplicateRuns: null };
  }

  #asDuplicate(outcome: SendOutcome): SendOutcome {
    if (outcome.duplicateRuns) return outcome;
    return {
      message: outcome.message,
      runs: [],
      duplicateRuns: outcome.runs.map((run) => run.info()),
    };
  }

  #runInfo(record: RunRecord): RunInfo {
    return this.#runs.get(record.id)?.info() ?? runInfoFromRecord(record);
  }

  async #requireConversation(id: string): Promise<Conversation> {
    const conversation = await this.#store.getConversation(id);
    if (!conversation) throw new ServiceError('not_found', 'No such conversation.');
    return conversation;
  }

  #resolveAgents(requested: string[] | undefined, fallback: string[] | undefined): Agent[] {
    const ids = [...new Set(requested ?? fallback ?? [])];
    if (ids.length === 0) {
      const first = this.#agents.values().next().value;
      if (!first) throw new ServiceError('unavailable', 'This server offers no agents.');
      return [first];
    }
    const unknown = ids.filter((id) => !this.#agents.has(id));
    if (unknown.length)
      throw new ServiceError(
        'not_found',
        `Unknown agent${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
      );
    return ids.map((id) => this.#agents.get(id) as Agent);
  }
}
