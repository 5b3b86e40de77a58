import type { Kysely } from 'kysely';
import type { Message, MessagePart, RunTerminalStatus } from 'svelte-langserve/protocol';
import {
  interruptedParts,
  type CreateRunsOptions,
  type NewRun,
  type OrphanedRun,
  type OrphanSweep,
  type RunEndDetails,
  type RunRecord,
} from '../conversations/store.js';
import type { DatabaseSchema } from './schema.js';
import { messageWriteError, runWriteError } from './sql-errors.js';
import { insertMessage, touchConversation } from './sql-messages.js';
import { runFromRow, type SqlContext } from './sql-rows.js';

// Runs (with the answers they write), server instances and the sweep of orphaned runs, for
// `SqlConversationStore`.

export async function createRuns(
  { db, dialect }: SqlContext,
  runs: readonly NewRun[],
  options: CreateRunsOptions,
): Promise<boolean> {
  const { question } = options;
  const triggerId = runs[0]?.run.triggerMessageId;
  const messages = [...(question ? [question] : []), ...runs.map((run) => run.answer)];
  const latest = messages.reduce<Message | undefined>(
    (newest, message) => (newest && newest.createdAt >= message.createdAt ? newest : message),
    undefined,
  );
  /** The row being written (a failure names it). */
  let writing: Message | RunRecord | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      if (options.onlyIfUnanswered && triggerId !== undefined) {
        // PostgreSQL: the trigger's row lock makes racing callers check one after another
        // (each statement then sees the runs the one before committed). SQLite: one writer.
        await trx
          .selectFrom('messages')
          .select('id')
          .where('id', '=', triggerId)
          .$if(dialect === 'postgres', (query) => query.forUpdate())
          .execute();
        const answered = await trx
          .selectFrom('runs')
          .select('id')
          .where('trigger_message_id', '=', triggerId)
          .limit(1)
          .executeTakeFirst();
        if (answered) return false;
      }
      for (const message of messages) await insertMessage(trx, (writing = message));
      for (const { run } of runs) await insertRun(trx, (writing = run));
      writing = undefined;
      if (latest) await touchConversation(trx, latest);
      return true;
    });
  } catch (error) {
    if (writing === undefined) throw error;
    throw 'role' in writing ? messageWriteError(error, writing) : runWriteError(error, writing.id);
  }
}

export async function createRun({ db, readJson }: SqlContext, run: RunRecord): Promise<RunRecord> {
  try {
    return runFromRow(await insertRun(db, run), readJson);
  } catch (error) {
    throw runWriteError(error, run.id);
  }
}

export async function getRun(
  { db, readJson }: SqlContext,
  id: string,
): Promise<RunRecord | undefined> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && runFromRow(row, readJson);
}

export async function updateRunStatus(
  { db, readJson }: SqlContext,
  id: string,
  status: RunTerminalStatus,
  details: RunEndDetails,
): Promise<RunRecord | undefined> {
  const row = await db
    .updateTable('runs')
    .set({
      status,
      ended_at: new Date().toISOString(),
      ...(details.attempt !== undefined ? { attempt: details.attempt } : {}),
      ...(details.startedAt !== undefined ? { started_at: details.startedAt } : {}),
      ...(details.usage !== undefined ? { usage: JSON.stringify(details.usage) } : {}),
      ...(details.error !== undefined ? { error: details.error } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && runFromRow(row, readJson);
}

export async function listRunsByTrigger(
  { db, readJson }: SqlContext,
  triggerMessageId: string,
): Promise<RunRecord[]> {
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .where('trigger_message_id', '=', triggerMessageId)
    .orderBy('position')
    .execute();
  return rows.map((row) => runFromRow(row, readJson));
}

export async function heartbeat({ db }: SqlContext, instanceId: string, at: string): Promise<void> {
  await db
    .insertInto('instances')
    .values({ id: instanceId, started_at: at, heartbeat_at: at })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ heartbeat_at: at }))
    .execute();
}

export async function interruptOrphanedRuns(
  { db, readJson }: SqlContext,
  reason: string,
  sweep: OrphanSweep,
): Promise<OrphanedRun[]> {
  const endedAt = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    // Instances still alive (the caller always is): a run of any other instance is orphaned.
    const alive = trx
      .selectFrom('instances')
      .select('id')
      .$if(sweep.staleBefore !== undefined, (query) =>
        query.where('heartbeat_at', '>=', sweep.staleBefore as string),
      )
      .$if(sweep.staleBefore === undefined, (query) => query.where('id', '=', sweep.instanceId));
    // `where status = 'running'` in the update claims each run once, even when several
    // instances sweep at the same time.
    const runs = await trx
      .updateTable('runs')
      .set({ status: 'interrupted', ended_at: endedAt, error: reason })
      .where('status', '=', 'running')
      .where((where) =>
        where.or([
          where('instance_id', 'is', null),
          where.and([
            where('instance_id', '!=', sweep.instanceId),
            where('instance_id', 'not in', alive),
          ]),
        ]),
      )
      .returning(['id', 'conversation_id', 'message_id'])
      .execute();
    const runIdOf = (messageId: string) => {
      const run = runs.find((ended) => ended.message_id === messageId);
      return run ? { runId: run.id } : {};
    };
    // Their messages, and messages whose run was never stored (a kill between the two
    // writes; old enough that a live instance would have stored it by now).
    const messages = await trx
      .selectFrom('messages')
      .select(['id', 'conversation_id', 'run_id', 'parts'])
      .where('status', '=', 'streaming')
      .where((where) =>
        where.or([
          ...(runs.length
            ? [
                where(
                  'id',
                  'in',
                  runs.map((run) => run.message_id),
                ),
              ]
            : []),
          where.and([
            where.not(
              where.exists(
                where
                  .selectFrom('runs')
                  .select('runs.id')
                  .whereRef('runs.message_id', '=', 'messages.id'),
              ),
            ),
            ...(sweep.staleBefore !== undefined
              ? [where('created_at', '<', sweep.staleBefore)]
              : []),
          ]),
        ]),
      )
      .execute();
    for (const row of messages) {
      const parts = interruptedParts(
        readJson(row.parts) as MessagePart[],
        row.run_id ?? undefined,
        row.conversation_id,
      );
      await trx
        .updateTable('messages')
        .set({ status: 'interrupted', error: reason, parts: JSON.stringify(parts) })
        .where('id', '=', row.id)
        .execute();
    }
    await trx
      .deleteFrom('instances')
      .where('id', '!=', sweep.instanceId)
      .$if(sweep.staleBefore !== undefined, (query) =>
        query.where('heartbeat_at', '<', sweep.staleBefore as string),
      )
      .execute();
    return messages.map((row) => ({
      conversationId: row.conversation_id,
      messageId: row.id,
      ...runIdOf(row.id),
    }));
  });
}

function insertRun(db: Kysely<DatabaseSchema>, run: RunRecord) {
  return db
    .insertInto('runs')
    .values({
      id: run.id,
      conversation_id: run.conversationId,
      message_id: run.messageId,
      trigger_message_id: run.triggerMessageId,
      agent_id: run.agentId,
      status: run.status,
      attempt: run.attempt ?? 1,
      created_at: run.createdAt,
      started_at: run.startedAt ?? null,
      ended_at: run.endedAt ?? null,
      usage: run.usage === undefined ? null : JSON.stringify(run.usage),
      error: run.error ?? null,
      instance_id: run.instanceId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
