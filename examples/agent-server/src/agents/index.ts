import type { AgentHealth } from 'svelte-langserve/protocol';
import { providerMetadata, type ModelProvider } from '../providers/index.js';
import { createTools, type ToolOptions } from '../tools/index.js';
import type { Agent } from './agent.js';
import { AGENT_DEFINITIONS, type AgentDefinition } from './definitions.js';
import { canCallTools, createAgentGraph, MAX_MODEL_TURNS } from './graph.js';

/** Builds one agent from its definition, answering with `provider`'s model. */
export function createAgent(
  definition: AgentDefinition,
  provider: ModelProvider,
  toolOptions: ToolOptions,
): Agent {
  const all = createTools(toolOptions);
  // A model that cannot call tools answers without them (and lists none).
  const toolNames = canCallTools(provider) ? definition.tools : [];
  const tools = toolNames.map((name) => all[name]);
  const compiled = createAgentGraph({
    id: definition.id,
    systemPrompt: definition.systemPrompt,
    provider,
    tools,
  });
  const health: AgentHealth = provider.unconfiguredReason
    ? { status: 'unconfigured', reason: provider.unconfiguredReason }
    : { status: 'ready' };
  return {
    info: {
      id: definition.id,
      name: definition.name,
      description: provider.demo
        ? `${definition.description} (Offline demo model: canned answers, real tools.)`
        : definition.description,
      provider: provider.provider,
      model: provider.model,
      demo: provider.demo,
      tools: [...toolNames],
      health,
    },
    metadata: providerMetadata(provider),
    graph: {
      stream: (input, options) =>
        compiled.stream(input, {
          ...options,
          // Two graph steps per tool round trip, plus the final answer.
          recursionLimit: MAX_MODEL_TURNS * 2 + 1,
        }) as never,
    },
  };
}

/** The five built-in agents ({@link AGENT_DEFINITIONS}), all on `provider`. */
export function createAgents(provider: ModelProvider, toolOptions: ToolOptions): Agent[] {
  return AGENT_DEFINITIONS.map((definition) => createAgent(definition, provider, toolOptions));
}
