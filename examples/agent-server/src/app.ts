import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Agent } from './agents/agent.js';
import { createAgents } from './agents/index.js';
import { loadConfig, type AppConfig } from './config.js';
import { ConversationService } from './conversations/service.js';
import { InMemoryConversationStore, type ConversationStore } from './conversations/store.js';
import { registerHttpCors } from './plugins/http-cors.js';
import { attachSocketIo } from './plugins/socket-io.js';
import { createProvider, type ModelProvider } from './providers/index.js';
import { registerHealthRoute } from './routes/health.js';
import { RunManager } from './runs/run-manager.js';
import { conversationRoom, type ProtocolServer } from './socket/types.js';

/** Options for {@link buildApp}. Everything is optional: the defaults run with no setup. */
export interface BuildAppOptions {
  /** Configuration. Missing fields come from `loadConfig({})` (the defaults). */
  config?: Partial<AppConfig>;
  /** The agents to offer. Default: the five built-in agents on `provider`. */
  agents?: Agent[];
  /** The model provider for the default agents. Default: the one `config` selects. */
  provider?: ModelProvider;
  /** Where conversations live. Default: in memory. */
  store?: ConversationStore;
  /** Fastify's logger option. Default: pino at `config.logLevel`. */
  logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The typed Socket.IO server attached to this app. */
    io: ProtocolServer;
    runs: RunManager;
    conversations: ConversationService;
    appConfig: AppConfig;
  }
}

/** Builds the agent server (HTTP routes + Socket.IO). Never listens: call `app.listen`. */
export function buildApp(options: BuildAppOptions = {}): FastifyInstance {
  const config: AppConfig = { ...loadConfig({}), ...options.config };
  const startedAt = performance.now();
  const app = Fastify({ logger: options.logger ?? { level: config.logLevel } });

  const store = options.store ?? new InMemoryConversationStore();
  const agents =
    options.agents ??
    createAgents(options.provider ?? createProvider(config), { docsDir: config.docsDir });
  // The run manager emits through Socket.IO, which is attached after it exists.
  const sink: { io?: ProtocolServer } = {};
  const runs = new RunManager({
    store,
    flushIntervalMs: config.runFlushIntervalMs,
    logger: app.log,
    emit: (conversationId, event) =>
      sink.io?.to(conversationRoom(conversationId)).emit('run:event', event),
  });
  const conversations = new ConversationService({ store, agents, runs });
  const io = attachSocketIo(app, { config, conversations, runs });
  sink.io = io;

  app.decorate('io', io);
  app.decorate('runs', runs);
  app.decorate('conversations', conversations);
  app.decorate('appConfig', config);

  registerHttpCors(app, config);
  registerHealthRoute(app, {
    agents: () => conversations.listAgents(),
    closing: () => runs.closing,
    startedAt,
  });
  return app;
}
