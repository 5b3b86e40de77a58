import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, SystemMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';
import type { RunSettings } from 'svelte-langserve/protocol';
import { SETTINGS_KEY, trimForModel } from '@svelte-langserve/server';
import type { ModelProvider } from '../providers/index.js';

/** Most model turns in one run (each tool round trip is one): stops runaway tool loops. */
export const MAX_MODEL_TURNS = 8;

/**
 * Builds an agent's LangGraph graph: a `model` node (the provider's model for the run's
 * settings, bound to `tools` when there are any) and, with tools, a `tools` node (LangGraph's
 * `ToolNode`, which turns a tool's error into an error `ToolMessage`) looping back to the model
 * until it answers. A model without `bindTools` gets no tools (see {@link canCallTools}).
 * The run's settings are read from `configurable[SETTINGS_KEY]`. The model sees the state's
 * messages trimmed to `contextTokens` (the state itself keeps them all). Compiled with
 * `checkpointer`, the graph keeps its state on a thread (ADR 0029).
 */
export function createAgentGraph(options: {
  id: string;
  systemPrompt: string;
  provider: ModelProvider;
  tools: StructuredToolInterface[];
  contextTokens?: number;
  checkpointer?: BaseCheckpointSaver;
}) {
  const { provider, systemPrompt, contextTokens, checkpointer } = options;
  const compileOptions = { name: options.id, ...(checkpointer ? { checkpointer } : {}) };
  const tools = canCallTools(provider) ? options.tools : [];
  const bound = new WeakMap<BaseChatModel, Runnable>();
  const modelFor = (settings: RunSettings | undefined): Runnable => {
    const base =
      settings && provider.withSettings ? provider.withSettings(settings) : provider.chatModel;
    let model = bound.get(base);
    if (!model) {
      model = tools.length > 0 && base.bindTools ? base.bindTools(tools) : base;
      bound.set(base, model);
    }
    return model;
  };
  const graph = new StateGraph(MessagesAnnotation).addNode('model', async (state, config) => {
    const settings = config.configurable?.[SETTINGS_KEY] as RunSettings | undefined;
    // Passing `config` forwards the run's abort signal and streaming callbacks to the model.
    // `stream` rather than `invoke`: ChatOpenAI's streaming invoke estimates token counts after
    // the answer (downloading a tokenizer), delaying the turn's end; streaming does not.
    const stream = await modelFor(settings).stream(
      [new SystemMessage(systemPrompt), ...(await trimForModel(state.messages, contextTokens))],
      config,
    );
    let whole: AIMessageChunk | undefined;
    for await (const chunk of stream as AsyncIterable<AIMessageChunk>)
      whole = whole ? whole.concat(chunk) : chunk;
    return { messages: [toMessage(whole)] };
  });
  if (tools.length === 0) {
    return graph.addEdge(START, 'model').addEdge('model', END).compile(compileOptions);
  }
  return graph
    .addNode('tools', new ToolNode(tools, { handleToolErrors: true }))
    .addEdge(START, 'model')
    .addConditionalEdges('model', toolsCondition, ['tools', END])
    .addEdge('tools', 'model')
    .compile(compileOptions);
}

/** A streamed answer's chunks, joined into one complete message (empty when none came). */
function toMessage(whole: AIMessageChunk | undefined): AIMessage {
  if (!whole) return new AIMessage({ content: '' });
  return new AIMessage({
    content: whole.content,
    ...(whole.id ? { id: whole.id } : {}),
    tool_calls: whole.tool_calls ?? [],
    invalid_tool_calls: whole.invalid_tool_calls ?? [],
    additional_kwargs: whole.additional_kwargs,
    response_metadata: whole.response_metadata,
    ...(whole.usage_metadata ? { usage_metadata: whole.usage_metadata } : {}),
  });
}

/** Whether `provider`'s model can be bound to tools. */
export const canCallTools = (provider: ModelProvider): boolean =>
  typeof provider.chatModel.bindTools === 'function';
