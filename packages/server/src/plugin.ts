import { randomUUID } from 'node:crypto';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Agent } from './agents/agent.js';
import { createGraphAgent, type GraphAgentOptions } from './agents/graph-agent.js';
import { createRunnableAgent, type RunnableAgentOptions } from './agents/runnable-agent.js';
import { TokenAuthority } from './auth/tokens.js';
import { resolveServerConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import type { ConversationStore } from './conversations/store.js';
import type { PluginContext } from './plugins/context.js';
import { httpPlugin } from './plugins/http.js';
import { runsPlugin } from './plugins/runs.js';
import { socketHandlersPlugin } from './plugins/socket-handlers.js';
import { socketServerPlugin } from './plugins/socket-server.js';
import { storagePlugin } from './plugins/storage.js';

/**
 * An agent to serve: a LangGraph graph ({@link GraphAgentOptions}), a plain runnable
 * ({@link RunnableAgentOptions}), or a prepared {@link Agent} (e.g. `createRemoteAgent`).
 */
export type AgentRegistration = GraphAgentOptions | RunnableAgentOptions | Agent;

/** Options of the {@link svelteLangserve} plugin. Only `agents` is required. */
export interface SvelteLangserveOptions {
  /** The agents to offer, in the order clients list them (the first is the default). */
  agents: readonly AgentRegistration[];
  /**
   * Configuration, over what the environment says ({@link SvelteLangserveOptions.env}): a field
   * given here wins; `auth` and `limits` merge field by field. With nothing set: a SQLite file at
   * `data/agent-server.sqlite`, the development login, the default limits.
   */
  config?: ServerConfigInput;
  /**
   * The environment variables read (every one is in the README). @default process.env. Pass
   * `{}` to use only `config` and the defaults.
   */
  env?: Record<string, string | undefined>;
  /**
   * Where conversations live. Default: the store `config.database` names, migrated when the app
   * becomes ready and closed with it. A store passed here is yours to prepare and close.
   */
  store?: ConversationStore;
  /**
   * Where graph state lives with a `store` passed here. Default: a `MemorySaver` of this app.
   * Without `store`, the store's own checkpointer (same database) is used.
   */
  checkpointer?: BaseCheckpointSaver;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The configuration the svelte-langserve plugin runs with. */
    serverConfig: ServerConfig;
  }
}

const isAgent = (entry: AgentRegistration): entry is Agent => 'info' in entry && 'health' in entry;

/** The agents `entries` register, each checked: ids are unique. */
export function resolveAgents(entries: readonly AgentRegistration[]): Agent[] {
  if (entries.length === 0) throw new TypeError('svelte-langserve: register at least one agent.');
  const agents = entries.map((entry) =>
    isAgent(entry)
      ? entry
      : 'runnable' in entry
        ? createRunnableAgent(entry)
        : createGraphAgent(entry),
  );
  const seen = new Set<string>();
  for (const agent of agents) {
    if (seen.has(agent.info.id))
      throw new TypeError(`svelte-langserve: two agents have the id "${agent.info.id}".`);
    seen.add(agent.info.id);
  }
  return agents;
}

/**
 * The svelte-langserve server as a Fastify plugin: Socket.IO (numbered, resumable run streams,
 * rooms, presence), persistence, auth, limits, the LangServe HTTP API, `GET /health` and the
 * token routes, on the app you register it with. Its parts are plugins with declared
 * dependencies: storage → socket server → runs → socket handlers, HTTP.
 *
 * ```ts
 * const app = Fastify();
 * await app.register(svelteLangserve, { agents: [{ id: 'helper', name: 'Helper', description: '…', graph }] });
 * await app.listen({ port: 8000 });
 * ```
 */
export const svelteLangserve = fp(
  async (app: FastifyInstance, options: SvelteLangserveOptions) => {
    const config = resolveServerConfig(options.config, options.env);
    const context: PluginContext = {
      config,
      agents: resolveAgents(options.agents),
      authority: new TokenAuthority(config.auth),
      instanceId: randomUUID(),
      startedAt: performance.now(),
      options: {
        ...(options.store ? { store: options.store } : {}),
        ...(options.checkpointer ? { checkpointer: options.checkpointer } : {}),
      },
    };
    app.decorate('serverConfig', config);
    await app.register(storagePlugin, context);
    await app.register(socketServerPlugin, context);
    await app.register(runsPlugin, context);
    await app.register(socketHandlersPlugin, context);
    await app.register(httpPlugin, context);
  },
  { name: 'svelte-langserve', fastify: '5.x' },
);
