import type { ToolName } from '../tools/index.js';

/** What makes an agent: everything but the model, which comes from the provider. */
export interface AgentDefinition {
  id: string;
  name: string;
  description: string;
  systemPrompt: string;
  /** The tools the agent may call (names from `src/tools`). */
  tools: ToolName[];
  /** A status line while a graph node works (see `createGraphAgent`'s `nodeStatus`). */
  nodeStatus?: Record<string, string>;
}

const MARKDOWN =
  ' Answer in Markdown (headings, lists, tables, fenced code blocks) where it helps the reader.';

/** The agents the server offers, in the order clients list them (the first is the default). */
export const AGENT_DEFINITIONS: readonly AgentDefinition[] = [
  {
    id: 'chatbot',
    name: 'Chatbot',
    description: 'A general assistant. Uses the calculator and the current date and time.',
    systemPrompt:
      'You are a helpful assistant in a chat application. Use the calculator tool for any ' +
      'arithmetic and the current_datetime tool for questions about the date or time.' +
      MARKDOWN,
    tools: ['calculator', 'current_datetime'],
  },
  {
    id: 'code-assistant',
    name: 'Code assistant',
    description: 'Writes, explains and reviews code, with runnable examples.',
    systemPrompt:
      'You are a senior software engineer. Write correct, idiomatic code, explain the why ' +
      'briefly, and always put code in fenced blocks with a language tag.' +
      MARKDOWN,
    tools: [],
  },
  {
    id: 'data-analyst',
    name: 'Data analyst',
    description: 'Summarises numbers with the statistics tool and checks arithmetic.',
    systemPrompt:
      'You are a careful data analyst. Use the statistics tool for any summary of numbers and ' +
      'the calculator for arithmetic; never compute figures in your head. Present results in ' +
      'tables and say what they mean.' +
      MARKDOWN,
    tools: ['statistics', 'calculator'],
  },
  {
    id: 'creative-writer',
    name: 'Creative writer',
    description: 'Stories, poems and copy in the tone you ask for.',
    systemPrompt:
      'You are a creative writer. Write vivid, original prose or verse in the tone and form ' +
      'the user asks for, and keep to the requested length.' +
      MARKDOWN,
    tools: [],
  },
  {
    id: 'research-assistant',
    name: 'Research assistant',
    description: "Searches the project's local documents and cites the files it used.",
    systemPrompt:
      'You are a research assistant. Use the search_documents tool to find relevant local ' +
      'documents before answering, cite the files you used, and say so when nothing matches. ' +
      'Use current_datetime when the date matters.' +
      MARKDOWN,
    tools: ['search_documents', 'current_datetime'],
    nodeStatus: { model: 'Thinking…' },
  },
];
