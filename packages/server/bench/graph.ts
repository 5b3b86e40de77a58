/**
 * The bench's LangGraph graph, and the agent the server serves over it. The server child serves
 * it; the baseline children drain the very same graph in-process (`buildBenchGraph`), with a
 * checkpointer of their own (the target's baseline) or without one (the floor).
 */
import { AIMessage, AIMessageChunk, SystemMessage } from '@langchain/core/messages';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { createGraphAgent, type Agent } from '../src/index.js';
import type { BenchChatModel } from './scripted-model.js';

export const BENCH_SYSTEM_PROMPT = 'You are a benchmark.';

/**
 * One `model` node that streams `model` over the system prompt and the state's messages (so the
 * `messages` stream mode sees every token) and returns the chunks joined into one AIMessage.
 * Compiled with `checkpointer` when given (its state then lives on a thread).
 */
export function buildBenchGraph(model: BenchChatModel, checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode('model', async (state, config) => {
      // `config` forwards the run's abort signal and the streaming callbacks to the model.
      const stream = await model.stream(
        [new SystemMessage(BENCH_SYSTEM_PROMPT), ...state.messages],
        config,
      );
      let whole: AIMessageChunk | undefined;
      for await (const chunk of stream) whole = whole ? whole.concat(chunk) : chunk;
      const message = new AIMessage({
        content: whole?.content ?? '',
        ...(whole?.id ? { id: whole.id } : {}),
        response_metadata: whole?.response_metadata ?? {},
      });
      return { messages: [message] };
    })
    .addEdge(START, 'model')
    .addEdge('model', END)
    .compile({ name: 'bench', ...(checkpointer ? { checkpointer } : {}) });
}

/** The agent the server child serves: the bench graph, compiled with the server's checkpointer. */
export function createBenchAgent(model: BenchChatModel): Agent {
  return createGraphAgent({
    id: 'bench',
    name: 'Bench',
    description: 'Answers with scripted tokens.',
    provider: 'bench',
    model: 'scripted',
    graph: (checkpointer) => buildBenchGraph(model, checkpointer),
  });
}
