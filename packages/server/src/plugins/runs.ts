import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConversationService } from '../service/conversation-service.js';
import { OrphanSweeper } from '../runs/orphans.js';
import { RunManager } from '../runs/run-manager.js';
import type { PluginContext } from './context.js';
import { SOCKET_SERVER_PLUGIN } from './socket-server.js';
import { STORAGE_PLUGIN } from './storage.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The runs live on this instance. */
    runs: RunManager;
    /** Conversations, messages and the agents that answer them. */
    conversations: ConversationService;
  }
}

/** The name other plugins depend on. */
export const RUNS_PLUGIN = 'svelte-langserve.runs';

/**
 * The runs (streamed to their conversation's room through `app.rooms`) and the conversation
 * service over the store. On a store this app opened, the runs a dead instance left `running`
 * end as interrupted, and their rooms are told (ADR 0017).
 */
export const runsPlugin = fp(
  async (app: FastifyInstance, { config, agents, instanceId }: PluginContext) => {
    const { rooms, storage } = app;
    const runs = new RunManager({
      store: storage.store,
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
      checkpointer: storage.checkpointer,
      emit: (conversationId, event) => rooms.runEvent(conversationId, event),
    });
    app.decorate('runs', runs);
    app.decorate('conversations', new ConversationService({ store: storage.store, agents, runs }));

    if (storage.owned) {
      const { store } = storage;
      const sweeper = new OrphanSweeper({
        store,
        instanceId,
        shared: storage.shared,
        heartbeatMs: config.instanceHeartbeatMs,
        leaseMs: config.instanceLeaseMs,
        logger: app.log,
        onInterrupted: async (orphans) => {
          for (const run of orphans) {
            const message = await store.getMessage(run.messageId);
            if (message) rooms.messageUpdated(run.conversationId, message);
          }
        },
      });
      // After the storage plugin's onReady (hooks run in registration order): migrated by now.
      app.addHook('onReady', () => sweeper.start());
      app.addHook('onClose', () => sweeper.stop());
    }
    app.addHook('preClose', () => runs.shutdown());
  },
  { name: RUNS_PLUGIN, fastify: '5.x', dependencies: [STORAGE_PLUGIN, SOCKET_SERVER_PLUGIN] },
);
