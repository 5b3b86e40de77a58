import type { Kysely } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * Server instances and which one runs each answer. Every instance records a heartbeat; a run
 * left `running` by an instance whose heartbeat stopped (it was killed, or crashed) is ended
 * as interrupted by the instances still alive (ADR 0017).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('started_at', timestamp, (column) => column.notNull())
    .addColumn('heartbeat_at', timestamp, (column) => column.notNull())
    .execute();
  await db.schema.alterTable('runs').addColumn('instance_id', 'text').execute();
  await db.schema.createIndex('runs_status').on('runs').column('status').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('runs_status').execute();
  await db.schema.alterTable('runs').dropColumn('instance_id').execute();
  await db.schema.dropTable('instances').execute();
}
