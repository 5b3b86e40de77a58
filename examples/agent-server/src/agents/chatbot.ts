import { SystemMessage } from '@langchain/core/messages';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { providerMetadata, type ModelProvider } from '../providers/index.js';
import type { Agent } from './agent.js';

/** The id of the built-in chat agent. */
export const CHATBOT_AGENT_ID = 'chatbot';

const SYSTEM_PROMPT =
  'You are a helpful assistant in a chat application. Answer clearly and use Markdown ' +
  '(headings, lists, tables, fenced code blocks) where it helps the reader.';

/** Builds the chatbot's LangGraph graph: one model node that answers the conversation. */
export function createChatbotGraph(provider: ModelProvider) {
  const model = provider.chatModel;
  return new StateGraph(MessagesAnnotation)
    .addNode('model', async (state, config) => {
      // Passing `config` forwards the run's abort signal and streaming callbacks to the model.
      const response = await model.invoke(
        [new SystemMessage(SYSTEM_PROMPT), ...state.messages],
        config,
      );
      return { messages: [response] };
    })
    .addEdge(START, 'model')
    .addEdge('model', END)
    .compile({ name: CHATBOT_AGENT_ID });
}

/** The `chatbot` agent, answering with `provider`'s model. */
export function createChatbotAgent(provider: ModelProvider): Agent {
  const graph = createChatbotGraph(provider);
  return {
    info: {
      id: CHATBOT_AGENT_ID,
      name: 'Chatbot',
      description: provider.demo
        ? 'A general assistant. Answers with the offline demo model (canned markdown).'
        : `A general assistant answering with ${provider.model}.`,
      provider: provider.provider,
      model: provider.model,
      demo: provider.demo,
      tools: [],
      health: { status: 'ready' },
    },
    metadata: providerMetadata(provider),
    graph,
  };
}
