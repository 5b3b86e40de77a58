import { createGraphAgent, createRemoteAgent, type Agent } from '@svelte-langserve/server';
import type { AppConfig } from '../config.js';
import { createProvider, type ModelProvider } from '../providers/index.js';
import { createTools, type ToolOptions } from '../tools/index.js';
import { AGENT_DEFINITIONS, type AgentDefinition } from './definitions.js';
import { canCallTools, createAgentGraph, MAX_MODEL_TURNS } from './graph.js';

/** Two graph steps per tool round trip, plus the final answer. */
const RECURSION_LIMIT = MAX_MODEL_TURNS * 2 + 1;

/** Builds one agent from its definition, answering with `provider`'s model. */
export function createAgent(
  definition: AgentDefinition,
  provider: ModelProvider,
  toolOptions: ToolOptions,
  options: { contextTokens?: number } = {},
): Agent {
  const all = createTools(toolOptions);
  // A model that cannot call tools answers without them (and lists none).
  const toolNames = canCallTools(provider) ? definition.tools : [];
  const tools = toolNames.map((name) => all[name]);
  return createGraphAgent({
    id: definition.id,
    name: definition.name,
    description: provider.demo
      ? `${definition.description} (Offline demo model: canned answers, real tools.)`
      : definition.description,
    provider: provider.provider,
    model: provider.model,
    demo: provider.demo,
    tools: [...toolNames],
    settings: provider.withSettings ? (provider.settings ?? {}) : {},
    ...(options.contextTokens !== undefined ? { contextTokens: options.contextTokens } : {}),
    ...(provider.unconfiguredReason ? { unconfiguredReason: provider.unconfiguredReason } : {}),
    ...(provider.reportsFinishReason ? { requiresFinishReason: true } : {}),
    recursionLimit: RECURSION_LIMIT,
    ...(definition.nodeStatus ? { nodeStatus: definition.nodeStatus } : {}),
    graph: (checkpointer) =>
      createAgentGraph({
        id: definition.id,
        systemPrompt: definition.systemPrompt,
        provider,
        tools,
        ...(options.contextTokens !== undefined ? { contextTokens: options.contextTokens } : {}),
        ...(checkpointer ? { checkpointer } : {}),
      }),
  });
}

/** The built-in agents ({@link AGENT_DEFINITIONS}) all on one `provider` (tests, embedders). */
export function createAgentsOn(provider: ModelProvider, toolOptions: ToolOptions): Agent[] {
  return AGENT_DEFINITIONS.map((definition) => createAgent(definition, provider, toolOptions));
}

/**
 * The enabled agents: each built-in one on the provider and model `config.agents` gives it, and
 * the remote ones (LangServe endpoints).
 */
export function createAgents(
  config: Pick<AppConfig, 'agents' | 'openai' | 'anthropic' | 'demoTokenDelayMs' | 'docsDir'>,
): Agent[] {
  return config.agents.map((agentConfig) => {
    if (agentConfig.provider === 'remote') return createRemoteAgent(agentConfig);
    const definition = AGENT_DEFINITIONS.find((candidate) => candidate.id === agentConfig.id);
    if (!definition) throw new Error(`No built-in agent ${agentConfig.id}.`);
    return createAgent(
      definition,
      createProvider(config, agentConfig),
      { docsDir: config.docsDir },
      { contextTokens: agentConfig.contextTokens },
    );
  });
}
