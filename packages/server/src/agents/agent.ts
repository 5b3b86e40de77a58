import type { BaseMessage } from '@langchain/core/messages';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type {
  AgentHealth,
  AgentInfo,
  AgentSettingsSpec,
  MessageMetadata,
  RunSettings,
} from 'svelte-langserve/protocol';

/** One item of a LangGraph `streamMode: "messages"` stream: a message (chunk) and its metadata. */
export type MessageStreamItem = [BaseMessage, Record<string, unknown>];

/** What a run reads of a `checkpoints` stream item: the checkpoint just written. */
export interface CheckpointStreamItem {
  config: { configurable?: { checkpoint_id?: string } };
}

/**
 * One item of a `streamMode: ["messages", "updates", "custom"]` stream (plus `"checkpoints"` on
 * a thread). `custom` items are what the graph's nodes wrote with `config.writer(...)`.
 */
export type AgentStreamItem =
  | ['messages', MessageStreamItem]
  | ['updates', Record<string, unknown>]
  | ['custom', unknown]
  | ['checkpoints', CheckpointStreamItem];

/** The stream modes a run asks for. */
export const RUN_STREAM_MODES: ['messages', 'updates', 'custom'] = [
  'messages',
  'updates',
  'custom',
];

/** The stream modes a run on a thread asks for: `checkpoints` gives the turn's head. */
export const THREAD_STREAM_MODES: ['messages', 'updates', 'custom', 'checkpoints'] = [
  'messages',
  'updates',
  'custom',
  'checkpoints',
];

/**
 * Where a run's graph state lives (ADR 0029): a thread of the app's checkpointer, and the
 * checkpoint the run forks from.
 */
export interface RunThread {
  checkpointer: BaseCheckpointSaver;
  /** One per conversation and agent (`threadIdOf`). */
  threadId: string;
  /**
   * The checkpoint to continue from: the head of the agent's previous answer on the branch, or
   * an id with no checkpoint, which starts a new root in the thread.
   */
  checkpointId: string;
}

/** The part of a compiled LangGraph graph a run uses. */
export interface AgentGraph {
  /**
   * Whether the graph keeps its state on a checkpointer {@link RunThread} (a local LangGraph
   * graph): runs then pass `thread` and send only what the agent has not seen. Without it
   * (remote agents) every run sends the branch's text history.
   */
  readonly threads?: boolean;
  stream(
    input: { messages: BaseMessage[] },
    options: {
      streamMode: typeof RUN_STREAM_MODES | typeof THREAD_STREAM_MODES;
      signal: AbortSignal;
      /** The run's settings (already checked against the agent's spec). */
      settings?: RunSettings;
      /** The thread to run on; absent: a stateless run (LangServe routes, remote agents). */
      thread?: RunThread;
    },
  ): Promise<AsyncIterable<AgentStreamItem>>;
}

/** An agent the server offers: what clients see of it, and the graph that answers. */
export interface Agent {
  /** What clients see; `health` is filled in from {@link Agent.health} when listed. */
  info: Omit<AgentInfo, 'health'>;
  /** Carried by every assistant message the agent writes. */
  metadata: MessageMetadata;
  graph: AgentGraph;
  /** The runtime settings the agent accepts (also in `info.settings`). */
  settings: AgentSettingsSpec;
  /** The history budget sent to the model, in tokens. */
  contextTokens?: number;
  health: AgentHealthTracker;
  /**
   * True when the model always reports why it stopped (OpenAI's `finish_reason`, Anthropic's
   * `stop_reason`): a turn without one was cut short and the run fails instead of completing.
   */
  requiresFinishReason?: boolean;
}

/** How many failed runs in a row make an agent `degraded`. */
export const DEGRADED_AFTER_FAILURES = 2;

/**
 * An agent's health: `unconfigured` (fixed, with the reason) or, from the outcomes of its
 * runs, `ready` until {@link DEGRADED_AFTER_FAILURES} runs in a row failed, then `degraded`
 * (with the last error) until one completes.
 */
export class AgentHealthTracker {
  readonly #unconfigured: string | undefined;
  #failures = 0;
  #lastError = '';

  constructor(unconfiguredReason?: string) {
    this.#unconfigured = unconfiguredReason;
  }

  /** The health as clients see it. */
  get current(): AgentHealth {
    if (this.#unconfigured) return { status: 'unconfigured', reason: this.#unconfigured };
    if (this.#failures >= DEGRADED_AFTER_FAILURES)
      return {
        status: 'degraded',
        reason: `The last ${this.#failures} runs failed: ${this.#lastError}`,
      };
    return { status: 'ready' };
  }

  /** Records a run that reached the model and completed. */
  succeeded(): void {
    this.#failures = 0;
  }

  /** Records a run that failed (a provider or model error, or a timeout). */
  failed(error: string): void {
    this.#failures += 1;
    this.#lastError = error;
  }
}

/** What clients see of an agent, as its registration says it (see {@link describeAgent}). */
export interface AgentDescription {
  /** Unique; clients address the agent by it (`[A-Za-z0-9_-]`, at most 64 characters). */
  id: string;
  name: string;
  description: string;
  /** Shown with the agent and on its answers. */
  provider: string;
  model: string;
  demo?: boolean;
  tools?: string[];
  settings?: AgentSettingsSpec;
  contextTokens?: number;
  unconfiguredReason?: string;
}

const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The parts of an {@link Agent} every kind of registration shares: its info, the metadata its
 * answers carry, its settings and its health. Throws a `TypeError` for an id clients could not
 * address.
 */
export function describeAgent(
  description: AgentDescription,
): Pick<Agent, 'info' | 'metadata' | 'settings' | 'health' | 'contextTokens'> {
  const { id, provider, model, demo = false } = description;
  if (!AGENT_ID.test(id))
    throw new TypeError(`Agent id ${JSON.stringify(id)}: use 1 to 64 letters, digits, _ or -.`);
  const settings = description.settings ?? {};
  return {
    info: {
      id,
      name: description.name,
      description: description.description,
      provider,
      model,
      demo,
      tools: description.tools ?? [],
      settings,
    },
    metadata: demo ? { provider, model, demo: true } : { provider, model },
    settings,
    ...(description.contextTokens !== undefined
      ? { contextTokens: description.contextTokens }
      : {}),
    health: new AgentHealthTracker(description.unconfiguredReason),
  };
}
