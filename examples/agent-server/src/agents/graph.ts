import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  AIMessageChunk,
  SystemMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';
import type { RunSettings } from 'svelte-langserve/protocol';
import { SETTINGS_KEY, trimForModel } from '@svelte-langserve/server';
import type { ModelProvider } from '../providers/index.js';

/**
 * The agents' state: the messages, and the documents `search_documents` found in any turn of the
 * conversation (kept on the thread from turn to turn, so the model is reminded of them even when
 * the history sent to it no longer holds the searches).
 */
export const AgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  sources: Annotation<string[]>({
    reducer: (known, found) => [...new Set([...known, ...found])],
    default: () => [],
  }),
});

/** The files of the `search_documents` results since the last user message. */
export function foundSources(messages: readonly BaseMessage[]): string[] {
  const files: string[] = [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index]!;
    if (message.getType() === 'human') break;
    if (message.getType() !== 'tool' || message.name !== 'search_documents') continue;
    try {
      const { hits } = JSON.parse(String(message.content)) as { hits?: { file?: unknown }[] };
      for (const hit of hits ?? []) if (typeof hit.file === 'string') files.push(hit.file);
    } catch {
      // An error result (not JSON): nothing found.
    }
  }
  return files;
}

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
  const graph = new StateGraph(AgentState).addNode('model', async (state, config) => {
    const settings = config.configurable?.[SETTINGS_KEY] as RunSettings | undefined;
    const fresh = foundSources(state.messages).filter((file) => !state.sources.includes(file));
    const sources = [...state.sources, ...fresh];
    // The conversation's sources so far, as a part of the answer the chat shows (updated in place).
    if (fresh.length > 0) config.writer?.({ id: 'sources', name: 'sources', files: sources });
    const reminder =
      sources.length > 0
        ? `\n\nDocuments found earlier in this conversation: ${sources.join(', ')}.`
        : '';
    // Passing `config` forwards the run's abort signal and streaming callbacks to the model.
    // `stream` rather than `invoke`: ChatOpenAI's streaming invoke estimates token counts after
    // the answer (downloading a tokenizer), delaying the turn's end; streaming does not.
    const stream = await modelFor(settings).stream(
      [
        new SystemMessage(systemPrompt + reminder),
        ...(await trimForModel(state.messages, contextTokens)),
      ],
      config,
    );
    let whole: AIMessageChunk | undefined;
    for await (const chunk of stream as AsyncIterable<AIMessageChunk>)
      whole = whole ? whole.concat(chunk) : chunk;
    return { messages: [toMessage(whole)], sources: fresh };
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
