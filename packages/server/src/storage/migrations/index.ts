import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../schema.js';
import * as initial from './0001-initial.js';
import * as instances from './0002-instances.js';
import * as checkpointHeads from './0003-checkpoint-heads.js';

/** A migration written once for both dialects (it may branch on `dialect`). */
interface DialectMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
  down?(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/**
 * Every migration, by name. Names sort in the order they run: add `NNNN-name.ts` files with the
 * next number and list them here; never change one that has shipped.
 */
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001-initial': initial,
  '0002-instances': instances,
  '0003-checkpoint-heads': checkpointHeads,
};

/** Kysely's migration provider over {@link MIGRATIONS} (in code, so bundles and `tsx` work alike). */
export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(MIGRATIONS)) {
        const { down } = migration;
        migrations[name] = {
          up: (db) => migration.up(db, dialect),
          ...(down ? { down: (db: Kysely<unknown>) => down(db, dialect) } : {}),
        };
      }
      return migrations;
    },
  };
}
