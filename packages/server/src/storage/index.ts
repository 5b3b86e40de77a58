import { MemorySaver } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import type { DatabaseConfig } from '../config.js';
import { InMemoryConversationStore } from '../conversations/memory-store.js';
import type { ConversationStore } from '../conversations/store.js';
import { SqlConversationStore } from './sql-conversation-store.js';

export {
  migrateToLatest,
  openDatabase,
  type SqlDatabase,
  type SqlDatabaseConfig,
} from './database.js';
export { SqlConversationStore } from './sql-conversation-store.js';
export { threadIdOf } from './checkpointer.js';

/** A store with what its owner must do before and after using it. */
export interface ManagedStore {
  store: ConversationStore;
  /**
   * The LangGraph checkpointer in the same database (ADR 0029): one per store, closed with it.
   * Read it after {@link ManagedStore.open} (PostgreSQL sets it up there).
   */
  checkpointer(): BaseCheckpointSaver;
  /** Applies pending migrations (nothing to do in memory). */
  open(): Promise<void>;
  /** Closes the database connection(s). */
  close(): Promise<void>;
}

/** Creates the store `config` names (`DATABASE_URL`): SQLite, PostgreSQL, or memory. */
export function createStore(config: DatabaseConfig): ManagedStore {
  if (config.dialect === 'memory') {
    const checkpointer = new MemorySaver();
    return {
      store: new InMemoryConversationStore(),
      checkpointer: () => checkpointer,
      open: async () => {},
      close: async () => {},
    };
  }
  const store = SqlConversationStore.open(config);
  return {
    store,
    checkpointer: () => store.checkpointer,
    open: () => store.migrate(),
    close: () => store.close(),
  };
}
