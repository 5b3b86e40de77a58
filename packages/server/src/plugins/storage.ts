import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { MemorySaver } from '@langchain/langgraph';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ConversationStore } from '../conversations/store.js';
import { createStore } from '../storage/index.js';
import type { PluginContext } from './context.js';

/** Where conversations and graph state live, as the other plugins read it. */
export interface StoragePort {
  store: ConversationStore;
  /** The LangGraph checkpointer runs keep their state on (read after `onReady`). */
  checkpointer(): BaseCheckpointSaver;
  /** Whether this app opened the store (and so sweeps the runs a dead instance left). */
  owned: boolean;
  /** Whether other instances share the database (PostgreSQL). */
  shared: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Conversations and graph state (see {@link StoragePort}). */
    storage: StoragePort;
  }
}

/** The name other plugins depend on. */
export const STORAGE_PLUGIN = 'svelte-langserve.storage';

/**
 * Opens the store `config.database` names (migrated before the app listens, closed with it), or
 * takes the caller's `store` (theirs to prepare and close) with `checkpointer` (default: a
 * `MemorySaver` of this app).
 */
export const storagePlugin = fp(
  async (app: FastifyInstance, context: PluginContext) => {
    const { config, options } = context;
    if (options.store) {
      const checkpointer = options.checkpointer ?? new MemorySaver();
      app.decorate('storage', {
        store: options.store,
        checkpointer: () => checkpointer,
        owned: false,
        shared: false,
      });
      return;
    }
    const managed = createStore(config.database);
    app.decorate('storage', {
      store: managed.store,
      checkpointer: () => managed.checkpointer(),
      owned: true,
      shared: config.database.dialect === 'postgres',
    });
    // Migrations run before the server listens (listen and inject wait for onReady).
    app.addHook('onReady', () => managed.open());
    // onClose hooks run last-registered first: the plugins that use the store close before it.
    app.addHook('onClose', () => managed.close());
  },
  { name: STORAGE_PLUGIN, fastify: '5.x' },
);
