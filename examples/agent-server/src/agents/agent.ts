import type { BaseMessage } from '@langchain/core/messages';
import type { AgentInfo, MessageMetadata } from 'svelte-langserve/protocol';

/** One item of a LangGraph `streamMode: "messages"` stream: a message (chunk) and its metadata. */
export type MessageStreamItem = [BaseMessage, Record<string, unknown>];

/** One item of a `streamMode: ["messages", "updates"]` stream. */
export type AgentStreamItem =
  ['messages', MessageStreamItem] | ['updates', Record<string, unknown>];

/** The stream modes a run asks for. */
export const RUN_STREAM_MODES: ['messages', 'updates'] = ['messages', 'updates'];

/** The part of a compiled LangGraph graph a run uses. */
export interface AgentGraph {
  stream(
    input: { messages: BaseMessage[] },
    options: { streamMode: ['messages', 'updates']; signal: AbortSignal },
  ): Promise<AsyncIterable<AgentStreamItem>>;
}

/** An agent the server offers: what clients see of it, and the graph that answers. */
export interface Agent {
  info: AgentInfo;
  /** Carried by every assistant message the agent writes. */
  metadata: MessageMetadata;
  graph: AgentGraph;
}
