import type { BaseMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { StreamMode } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { AgentSettingsSpec } from 'svelte-langserve/protocol';
import { describeAgent, type Agent, type AgentGraph, type AgentStreamItem } from './agent.js';

/** Where a run puts its settings (temperature, …) in the graph's `configurable`. */
export const SETTINGS_KEY = 'runSettings';

/** LangGraph's default step limit, used unless an agent sets its own. */
export const DEFAULT_RECURSION_LIMIT = 25;

/**
 * What the server needs of a compiled LangGraph graph: any state with a `messages` channel
 * (extra keys welcome): `new StateGraph(MessagesAnnotation)…compile()`, a zod state,
 * `createReactAgent(…)`, langchain's `createAgent(…)`. Structural, so such a graph fits without
 * a cast.
 */
export interface ChatGraph {
  stream(
    input: { messages: BaseMessage[] },
    options?: RunnableConfig & { streamMode?: StreamMode[] },
  ): Promise<AsyncIterable<unknown>>;
}

/**
 * Compiles an agent's graph with `checkpointer` (undefined: stateless, for the LangServe routes
 * and anything else that runs without a thread). Called once per checkpointer.
 */
export type ChatGraphFactory = (checkpointer: BaseCheckpointSaver | undefined) => ChatGraph;

/** A compiled graph the server can copy with its own checkpointer (every LangGraph graph). */
interface CopyableGraph extends ChatGraph {
  checkpointer?: unknown;
  withConfig(config: RunnableConfig): unknown;
}

const isCopyable = (graph: ChatGraph): graph is CopyableGraph =>
  typeof (graph as Partial<CopyableGraph>).withConfig === 'function';

/**
 * A {@link ChatGraphFactory} over a compiled graph: the graph itself for stateless runs, and a
 * copy with the server's checkpointer for runs on a thread (LangGraph's own server does the
 * same). The graph you pass is never changed.
 */
export function graphFactoryOf(graph: ChatGraph): ChatGraphFactory {
  if (!isCopyable(graph))
    throw new TypeError(
      'The agent graph has no withConfig(): pass a compiled LangGraph graph (…compile(), createReactAgent(…), createAgent(…)), or a function (checkpointer) => graph.',
    );
  return (checkpointer) => {
    if (!checkpointer) return graph;
    const copy = graph.withConfig({}) as CopyableGraph;
    copy.checkpointer = checkpointer;
    return copy;
  };
}

/**
 * An {@link AgentGraph} over a LangGraph graph: a run with a `thread` streams the graph compiled
 * with that thread's checkpointer, forking from `thread.checkpointId` (ADR 0029); a run without
 * one streams the stateless graph. The run's settings go in `configurable[SETTINGS_KEY]`.
 */
export function threadedGraph(
  build: ChatGraphFactory,
  recursionLimit: number = DEFAULT_RECURSION_LIMIT,
  nodeStatus?: NodeStatus,
): AgentGraph {
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
      if (!nodeStatus)
        return graph.stream({ messages }, { ...rest, configurable, recursionLimit }) as Promise<
          AsyncIterable<AgentStreamItem>
        >;
      const streamMode = [...rest.streamMode, 'tasks' as const];
      return graph
        .stream({ messages }, { ...rest, streamMode, configurable, recursionLimit })
        .then((stream) => withNodeStatus(stream as AsyncIterable<StreamItem>, nodeStatus));
    },
  };
}

/**
 * What the chat shows while a node works, by node name (e.g. `{ retrieve: 'Searching
 * documents…' }`), or a function of the name (undefined: nothing).
 */
export type NodeStatus = Readonly<Record<string, string>> | ((node: string) => string | undefined);

type StreamItem = AgentStreamItem | ['tasks', { name?: unknown; input?: unknown }];

/**
 * Turns LangGraph's `tasks` items into status writes: a node with a label starts → its label;
 * it ends, or the model's first token after it arrives → cleared (the text shows progress).
 */
async function* withNodeStatus(
  stream: AsyncIterable<StreamItem>,
  nodeStatus: NodeStatus,
): AsyncGenerator<AgentStreamItem> {
  const labelOf =
    typeof nodeStatus === 'function' ? nodeStatus : (node: string) => nodeStatus[node];
  let shown = false;
  for await (const item of stream) {
    if (item[0] !== 'tasks') {
      if (shown && item[0] === 'messages') {
        shown = false;
        yield ['custom', { status: '' }];
      }
      yield item;
      continue;
    }
    const task = item[1];
    const label = typeof task.name === 'string' ? labelOf(task.name) : undefined;
    if (!label) continue;
    const started = 'input' in task;
    if (started) yield ['custom', { status: label }];
    else if (shown) yield ['custom', { status: '' }];
    shown = started;
  }
}

/** An agent as you register it: what clients see, and the graph that answers. */
export interface GraphAgentOptions {
  /** Unique; clients address the agent by it (`[A-Za-z0-9_-]`, at most 64 characters). */
  id: string;
  name: string;
  description: string;
  /**
   * A compiled LangGraph graph whose state has a `messages` channel. Compile it without a
   * checkpointer: the server gives each run's copy the one in its database (ADR 0029). A
   * function `(checkpointer) => graph` is accepted too, for graphs you compile yourself.
   */
  graph: ChatGraph | ChatGraphFactory;
  /** Shown with the agent and on its answers. @default 'custom' */
  provider?: string;
  /** @default 'graph' */
  model?: string;
  /** Tool names listed with the agent (informational). */
  tools?: string[];
  /**
   * The runtime settings a message may set (e.g. `{ temperature: { min: 0, max: 2 } }`). The
   * graph reads them from `config.configurable.runSettings` ({@link SETTINGS_KEY}). @default {}
   */
  settings?: AgentSettingsSpec;
  /** Marks answers as coming from an offline demo model. @default false */
  demo?: boolean;
  /** Set when the agent cannot answer (e.g. a missing key): listed as `unconfigured`. */
  unconfiguredReason?: string;
  /** The history budget, in tokens, for turns that start from text. */
  contextTokens?: number;
  /** Most graph steps in one run. @default 25 (LangGraph's) */
  recursionLimit?: number;
  /** The model always reports why it stopped: a turn without a reason fails as cut short. */
  requiresFinishReason?: boolean;
  /**
   * A status line while a node works (e.g. `{ retrieve: 'Searching documents…' }`): shown when
   * the node starts, cleared when it ends or the answer's text starts streaming. Nodes can also
   * write their own with `config.writer({ status })`.
   */
  nodeStatus?: NodeStatus;
}

/** An agent over a LangGraph graph of your own (see {@link GraphAgentOptions}). */
export function createGraphAgent(options: GraphAgentOptions): Agent {
  const { graph, recursionLimit, nodeStatus, requiresFinishReason, ...description } = options;
  const build = typeof graph === 'function' ? graph : graphFactoryOf(graph);
  return {
    ...describeAgent({
      ...description,
      provider: options.provider ?? 'custom',
      model: options.model ?? 'graph',
    }),
    ...(requiresFinishReason ? { requiresFinishReason: true } : {}),
    graph: threadedGraph(build, recursionLimit, nodeStatus),
  };
}
