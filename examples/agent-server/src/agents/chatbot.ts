import type { StructuredToolInterface } from '@langchain/core/tools';
import type { ModelProvider } from '../providers/index.js';
import { AGENT_DEFINITIONS } from './definitions.js';
import { createAgentGraph } from './graph.js';

/** The id of the built-in chat agent (the default agent). */
export const CHATBOT_AGENT_ID = 'chatbot';

/** The chatbot's graph on `provider` with `tools` (none by default). */
export function createChatbotGraph(provider: ModelProvider, tools: StructuredToolInterface[] = []) {
  const definition = AGENT_DEFINITIONS.find((agent) => agent.id === CHATBOT_AGENT_ID);
  if (!definition) throw new Error('The chatbot definition is missing.');
  return createAgentGraph({
    id: definition.id,
    systemPrompt: definition.systemPrompt,
    provider,
    tools,
  });
}
