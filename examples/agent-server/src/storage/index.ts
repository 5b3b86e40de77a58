import type { DatabaseConfig } from '../config.js';
import { InMemoryConversationStore, type ConversationStore } from '../conversations/store.js';
import { SqlConversationStore } from './sql-conversation-store.js';

export {
  migrateToLatest,
  openDatabase,
  type SqlDatabase,
  type SqlDatabaseConfig,
} from './database.js';
export { SqlConversationStore } from './sql-conversation-store.js';

/** A store with what its owner must do before and after using it. */
export interface ManagedStore {
  store: ConversationStore;
  /** Applies pending migrations (nothing to do in memory). */
  open(): Promise<void>;
  /** Closes the database connection(s). */
  close(): Promise<void>;
}

/** Creates the store `config` names (`DATABASE_URL`): SQLite, PostgreSQL, or memory. */
export function createStore(config: DatabaseConfig): ManagedStore {
  if (config.dialect === 'memory') {
    return { store: new InMemoryConversationStore(), open: async () => {}, close: async () => {} };
  }
  const store = SqlConversationStore.open(config);
  return { store, open: () => store.migrate(), close: () => store.close() };
}
