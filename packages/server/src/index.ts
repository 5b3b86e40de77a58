/**
 * `@svelte-langserve/server`: serve LangGraph.js graphs to svelte-langserve clients.
 *
 * - {@link createServer} returns a ready Fastify app; {@link svelteLangserve} is the same server
 *   as a plugin for an app of yours.
 * - Agents are `{ id, name, description, graph }` with any compiled graph whose state has a
 *   `messages` channel ({@link GraphAgentOptions}); {@link createRemoteAgent} serves a remote
 *   LangServe endpoint.
 * - {@link loadServerConfig} reads the environment (every variable is in the README).
 */
export { createServer, type CreateServerOptions } from './server.js';
export {
  resolveAgents,
  svelteLangserve,
  type AgentRegistration,
  type SvelteLangserveOptions,
} from './plugin.js';
export {
  cleanEnvironment,
  ConfigError,
  DEFAULT_CORS_ORIGINS,
  DEFAULT_RUN_FLUSH_INTERVAL_MS,
  DEFAULT_SQLITE_FILE,
  envHttpUrl,
  envInteger,
  isOriginAllowed,
  loadServerConfig,
  LOG_LEVELS,
  readEnvironment,
  resolveServerConfig,
  type AuthConfig,
  type DatabaseConfig,
  type LimitsConfig,
  type LogLevel,
  type ServerConfig,
  type ServerConfigInput,
} from './config.js';

export { TokenAuthority, TokenError, type MintedToken } from './auth/tokens.js';

// Agents
export {
  AgentHealthTracker,
  DEGRADED_AFTER_FAILURES,
  type Agent,
  type AgentGraph,
  type AgentStreamItem,
  type RunThread,
} from './agents/agent.js';
export {
  createGraphAgent,
  DEFAULT_RECURSION_LIMIT,
  graphFactoryOf,
  SETTINGS_KEY,
  threadedGraph,
  type ChatGraph,
  type ChatGraphFactory,
  type GraphAgentOptions,
  type NodeStatus,
} from './agents/graph-agent.js';
export {
  createRemoteAgent,
  REMOTE_INPUT_FORMATS,
  RemoteAgentHealth,
  type RemoteAgentConfig,
  type RemoteAgentOptions,
} from './agents/remote.js';
export {
  createRunnableAgent,
  type ChatRunnable,
  type RunnableAgentOptions,
} from './agents/runnable-agent.js';
export { mergeSettings, resolveRunSettings, type SettingsOverride } from './agents/settings.js';
export { DEFAULT_HISTORY_TOKEN_BUDGET, trimForModel } from './agents/history.js';
export { textOfContent } from './agents/content.js';

// Storage (the port and its adapters)
export { InMemoryConversationStore } from './conversations/memory-store.js';
export type { RoomBroadcaster } from './conversations/broadcaster.js';
export { isStoreError, StoreError, type ConversationStore } from './conversations/store.js';
export {
  createStore,
  SqlConversationStore,
  threadIdOf,
  type ManagedStore,
} from './storage/index.js';
export { ORPHANED_RUN_ERROR } from './runs/errors.js';

// The parts, for apps that assemble them differently
export { storagePlugin, type StoragePort } from './plugins/storage.js';
export { socketServerPlugin } from './plugins/socket-server.js';
export { runsPlugin } from './plugins/runs.js';
export { socketHandlersPlugin } from './plugins/socket-handlers.js';
export { httpPlugin } from './plugins/http.js';
export type { PluginContext } from './plugins/context.js';
export { RunManager, type RunManagerOptions } from './runs/run-manager.js';
export { titleFrom, type ConversationService } from './service/conversation-service.js';
export type { ProtocolServer } from './socket/types.js';
export type { HealthResponse } from './routes/health.js';
