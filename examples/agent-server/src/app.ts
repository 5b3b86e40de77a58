import {
  createServer,
  type AgentRegistration,
  type CreateServerOptions,
} from '@svelte-langserve/server';
import type { FastifyInstance } from 'fastify';
import { createAgents, createAgentsOn } from './agents/index.js';
import { loadConfig, type AppConfig } from './config.js';
import type { ModelProvider } from './providers/index.js';

/** Options for {@link buildApp}. Everything is optional: the defaults run with no setup. */
export interface BuildAppOptions extends Omit<CreateServerOptions, 'agents' | 'config'> {
  /** Configuration. Missing fields come from `loadConfig({})` (the defaults). */
  config?: Partial<AppConfig>;
  /** The agents to offer. Default: the five built-in agents on `provider`. */
  agents?: AgentRegistration[];
  /** One model provider for all the built-in agents. Default: each agent's from `config.agents`. */
  provider?: ModelProvider;
}

/**
 * The example server: `@svelte-langserve/server` with the five agents (each on the provider
 * `config.agents` gives it, or all on `provider`). Never listens: call `app.listen`.
 */
export function buildApp(options: BuildAppOptions = {}): FastifyInstance {
  const { provider, agents, config: given, ...rest } = options;
  const config: AppConfig = { ...loadConfig({}), ...given };
  return createServer({
    ...rest,
    // Already read from the environment (`loadConfig`): nothing more is read.
    env: {},
    config,
    agents:
      agents ??
      (provider ? createAgentsOn(provider, { docsDir: config.docsDir }) : createAgents(config)),
  });
}
