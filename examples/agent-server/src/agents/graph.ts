import { SystemMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';
import type { ModelProvider } from '../providers/index.js';

/** Most model turns in one run (each tool round trip is one): stops runaway tool loops. */
export const MAX_MODEL_TURNS = 8;

/**
 * Builds an agent's LangGraph graph: a `model` node (the provider's model, bound to `tools`
 * when there are any) and, with tools, a `tools` node (LangGraph's `ToolNode`, which turns a
 * tool's error into an error `ToolMessage`) looping back to the model until it answers.
 * A model without `bindTools` gets no tools (see {@link canCallTools}).
 */
export function createAgentGraph(options: {
  id: string;
  systemPrompt: string;
  provider: ModelProvider;
  tools: StructuredToolInterface[];
}) {
  const { provider } = options;
  const { systemPrompt } = options;
  const base = provider.chatModel;
  const tools = typeof base.bindTools === 'function' ? options.tools : [];
  const model = tools.length > 0 && base.bindTools ? base.bindTools(tools) : base;
  const graph = new StateGraph(MessagesAnnotation).addNode('model', async (state, config) => {
    // Passing `config` forwards the run's abort signal and streaming callbacks to the model.
    const response = await model.invoke(
      [new SystemMessage(systemPrompt), ...state.messages],
      config,
    );
    return { messages: [response] };
  });
  if (tools.length === 0) {
    return graph.addEdge(START, 'model').addEdge('model', END).compile({ name: options.id });
  }
  return graph
    .addNode('tools', new ToolNode(tools, { handleToolErrors: true }))
    .addEdge(START, 'model')
    .addConditionalEdges('model', toolsCondition, ['tools', END])
    .addEdge('tools', 'model')
    .compile({ name: options.id });
}

/** Whether `provider`'s model can be bound to tools. */
export const canCallTools = (provider: ModelProvider): boolean =>
  typeof provider.chatModel.bindTools === 'function';
