import type { BaseMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { StreamMode } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { AgentHealthTracker, type Agent, type AgentGraph, type AgentStreamItem } from './agent.js';
import { MAX_MODEL_TURNS, SETTINGS_KEY } from './graph.js';

/**
 * What the server needs of a compiled LangGraph graph: any state with a `messages` channel
 * (extra keys welcome), e.g. `new StateGraph(MessagesAnnotation)…compile()`. Structural, so a
 * graph with more state keys fits without a cast.
 */
export interface ChatGraph {
  stream(
    input: { messages: BaseMessage[] },
    options?: RunnableConfig & { streamMode?: StreamMode[] },
  ): Promise<AsyncIterable<unknown>>;
}

/**
 * Compiles an agent's graph with `checkpointer` (undefined: stateless, for the LangServe routes
 * and anything else that runs without a thread). Called once per checkpointer, so one agent
 * serves several apps, each with its own database.
 */
export type ChatGraphFactory = (checkpointer: BaseCheckpointSaver | undefined) => ChatGraph;

/** Two graph steps per tool round trip, plus the final answer. */
const RECURSION_LIMIT = MAX_MODEL_TURNS * 2 + 1;

/**
 * An {@link AgentGraph} over a LangGraph graph: a run with a `thread` streams the graph compiled
 * with that thread's checkpointer, forking from `thread.checkpointId` (ADR 0029); a run without
 * one streams the stateless graph. The run's settings go in `configurable[SETTINGS_KEY]`.
 */
export function threadedGraph(build: ChatGraphFactory): AgentGraph {
  const stateless = build(undefined);
  const withCheckpointer = new WeakMap<BaseCheckpointSaver, ChatGraph>();
  return {
    threads: true,
    stream: ({ messages }, { settings, thread, ...rest }) => {
      let graph = stateless;
      const configurable: Record<string, unknown> = { [SETTINGS_KEY]: settings ?? {} };
      if (thread) {
        let compiled = withCheckpointer.get(thread.checkpointer);
        if (!compiled) {
          compiled = build(thread.checkpointer);
          withCheckpointer.set(thread.checkpointer, compiled);
        }
        graph = compiled;
        configurable.thread_id = thread.threadId;
        configurable.checkpoint_id = thread.checkpointId;
      }
      return graph.stream(
        { messages },
        { ...rest, configurable, recursionLimit: RECURSION_LIMIT },
      ) as Promise<AsyncIterable<AgentStreamItem>>;
    },
  };
}

/**
 * An agent over a graph of your own (any state with a `messages` channel): the hook for graphs
 * the built-in definitions do not describe, e.g. ones with extra state keys.
 */
export function createGraphAgent(options: {
  id: string;
  name: string;
  description: string;
  graph: ChatGraphFactory;
  /** Shown with the agent and on its answers. @default 'custom' */
  provider?: string;
  /** @default 'graph' */
  model?: string;
}): Agent {
  const provider = options.provider ?? 'custom';
  const model = options.model ?? 'graph';
  return {
    info: {
      id: options.id,
      name: options.name,
      description: options.description,
      provider,
      model,
      demo: false,
      tools: [],
      settings: {},
    },
    metadata: { provider, model },
    settings: {},
    health: new AgentHealthTracker(),
    graph: threadedGraph(options.graph),
  };
}
