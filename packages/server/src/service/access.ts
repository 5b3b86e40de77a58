import type { Conversation, ErrorCode, RunSettings } from 'svelte-langserve/protocol';
import type { Agent } from '../agents/agent.js';
import { resolveRunSettings } from '../agents/settings.js';
import type { ConversationStore, Member } from '../conversations/store.js';

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

/**
 * Access: every request naming a conversation (or a run in one) must come from a member.
 * A conversation the caller is not a member of answers `not_found` exactly like one that does
 * not exist, so conversation ids cannot be probed. Members may read, send, rename, change the
 * agents and leave; only the owner may delete (`forbidden` for other members).
 */
export const NO_SUCH_CONVERSATION = 'No such conversation.';

/** Who may use a conversation, and which agents (with which settings) a request may run. */
export class ConversationAccess {
  readonly #store: ConversationStore;
  readonly #agents: ReadonlyMap<string, Agent>;

  constructor(store: ConversationStore, agents: readonly Agent[]) {
    this.#store = store;
    this.#agents = new Map(agents.map((agent) => [agent.info.id, agent]));
  }

  /** Every agent offered, in order. */
  get agents(): Iterable<Agent> {
    return this.#agents.values();
  }

  /** The conversation and the caller's membership; `not_found` for both absent and not-yours. */
  async require(
    conversationId: string,
    userId: string,
  ): Promise<{ conversation: Conversation; member: Member }> {
    const [conversation, member] = await Promise.all([
      this.#store.getConversation(conversationId),
      this.#store.getMember(conversationId, userId),
    ]);
    if (!conversation || !member) throw new ServiceError('not_found', NO_SUCH_CONVERSATION);
    return { conversation, member };
  }

  resolveAgents(requested: string[] | undefined, fallback: string[] | undefined): Agent[] {
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

  /**
   * Checks that every agent can run with `settings` (configured, settings in range) before
   * anything is stored; returns each agent with the settings to use.
   */
  plan(agents: Agent[], requested: RunSettings | undefined) {
    return agents.map((agent) => {
      const health = agent.health.current;
      if (health.status === 'unconfigured')
        throw new ServiceError(
          'unavailable',
          `${agent.info.name} is not configured: ${health.reason ?? 'its provider lacks settings'}`,
        );
      const resolved = resolveRunSettings(agent.settings, requested, agent.info.name);
      if (!resolved.ok) throw new ServiceError('invalid_payload', resolved.error);
      return { agent, settings: resolved.settings };
    });
  }
}
