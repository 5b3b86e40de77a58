import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { Agent } from '../agents/agent.js';
import type { TokenAuthority } from '../auth/tokens.js';
import type { ServerConfig } from '../config.js';
import type { ConversationStore } from '../conversations/store.js';

/** What the caller chooses beside the configuration (see `SvelteLangserveOptions`). */
export interface ContextOptions {
  store?: ConversationStore;
  checkpointer?: BaseCheckpointSaver;
}

/** What the root plugin resolves once and hands every plugin it registers. */
export interface PluginContext {
  config: ServerConfig;
  agents: Agent[];
  authority: TokenAuthority;
  /** This server instance (recorded on its runs; see `ConversationStore.heartbeat`). */
  instanceId: string;
  startedAt: number;
  options: ContextOptions;
}
