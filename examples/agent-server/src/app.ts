import { randomUUID } from 'node:crypto';
import { MemorySaver } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Agent } from './agents/agent.js';
import { createAgents, createAgentsOn } from './agents/index.js';
import { TokenAuthority } from './auth/tokens.js';
import { loadConfig, type AppConfig } from './config.js';
import { ConversationService } from './conversations/service.js';
import type { ConversationStore } from './conversations/store.js';
import { registerHttpCors } from './plugins/http-cors.js';
import { attachSocketIo } from './plugins/socket-io.js';
import type { ModelProvider } from './providers/index.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerHealthRoute } from './routes/health.js';
import { langServeRoutes } from './routes/langserve.js';
import { OrphanSweeper } from './runs/orphans.js';
import { RunManager } from './runs/run-manager.js';
import { createStore } from './storage/index.js';
import { conversationRoom, type ProtocolServer } from './socket/types.js';

/** Options for {@link buildApp}. Everything is optional: the defaults run with no setup. */
export interface BuildAppOptions {
  /** Configuration. Missing fields come from `loadConfig({})` (the defaults). */
  config?: Partial<AppConfig>;
  /** The agents to offer. Default: the five built-in agents on `provider`. */
  agents?: Agent[];
  /** One model provider for all the built-in agents. Default: each agent's from `config.agents`. */
  provider?: ModelProvider;
  /**
   * Where conversations live. Default: the store `config.database` names (`DATABASE_URL`),
   * migrated when the app becomes ready and closed with it. A store passed here is the caller's
   * to prepare and close.
   */
  store?: ConversationStore;
  /**
   * Where agents' graph state lives (ADR 0029) with a `store` passed here. Default: a
   * `MemorySaver` of this app (answers whose checkpoint it no longer has fall back to their text
   * history). Without `store`, the store's own checkpointer (same database) is used.
   */
  checkpointer?: BaseCheckpointSaver;
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
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.limits.maxPayloadBytes,
  });
  const authority = new TokenAuthority(config.auth);

  // The run manager and the orphan sweeper emit through Socket.IO, attached after them.
  const sink: { io?: ProtocolServer } = {};
  const instanceId = randomUUID();

  let store = options.store;
  let checkpointer: () => BaseCheckpointSaver;
  if (store) {
    const given = options.checkpointer ?? new MemorySaver();
    checkpointer = () => given;
  } else {
    const managed = createStore(config.database);
    const owned = managed.store;
    store = owned;
    checkpointer = () => managed.checkpointer();
    // Runs a dead instance left `running` end as interrupted, and their rooms are told.
    const sweeper = new OrphanSweeper({
      store: owned,
      instanceId,
      shared: config.database.dialect === 'postgres',
      heartbeatMs: config.instanceHeartbeatMs,
      leaseMs: config.instanceLeaseMs,
      logger: app.log,
      onInterrupted: async (runs) => {
        for (const run of runs) {
          const message = await owned.getMessage(run.messageId);
          if (message)
            sink.io?.to(conversationRoom(run.conversationId)).emit('message:updated', { message });
        }
      },
    });
    // Migrations run before the server listens (listen and inject wait for onReady).
    app.addHook('onReady', async () => {
      await managed.open();
      await sweeper.start();
    });
    app.addHook('onClose', async () => {
      await sweeper.stop();
      await managed.close();
    });
  }
  const agents =
    options.agents ??
    (options.provider
      ? createAgentsOn(options.provider, { docsDir: config.docsDir })
      : createAgents(config));
  const runs = new RunManager({
    store,
    flushIntervalMs: config.runFlushIntervalMs,
    logger: app.log,
    policy: {
      timeoutMs: config.runTimeoutMs,
      idleTimeoutMs: config.modelIdleTimeoutMs,
      maxAttempts: config.modelMaxAttempts,
      retryBaseDelayMs: config.retryBaseDelayMs,
    },
    shutdownGraceMs: config.shutdownGraceMs,
    instanceId,
    checkpointer,
    emit: (conversationId, event) =>
      sink.io?.to(conversationRoom(conversationId)).emit('run:event', event),
  });
  const conversations = new ConversationService({ store, agents, runs });
  const io = attachSocketIo(app, { config, conversations, runs, authority });
  sink.io = io;

  app.decorate('io', io);
  app.decorate('runs', runs);
  app.decorate('conversations', conversations);
  app.decorate('appConfig', config);

  registerHttpCors(app, config);
  // Before the other routes: its OpenAPI document lists the routes registered after it.
  void app.register(langServeRoutes, {
    agents,
    listAgents: () => conversations.listAgents(),
    authority,
    config,
    runs,
  });
  registerHealthRoute(app, {
    agents: () => conversations.listAgents(),
    closing: () => runs.closing,
    startedAt,
  });
  registerAuthRoutes(app, { authority, devLogin: config.auth.devLogin });
  return app;
}
