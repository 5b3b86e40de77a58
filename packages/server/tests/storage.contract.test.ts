/**
 * One contract for every ConversationStore: in memory, SQLite (a temporary file) and PostgreSQL
 * (a fresh schema per run on PG_TEST_URL, default postgres://postgres@127.0.0.1:5432/test).
 * PostgreSQL being unreachable FAILS these tests: start it, or point PG_TEST_URL at one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Conversation, Message } from 'svelte-langserve/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryConversationStore } from '../src/conversations/memory-store.js';
import {
  isStoreError,
  type ConversationStore,
  type RunRecord,
} from '../src/conversations/store.js';
import { SqlConversationStore } from '../src/storage/index.js';
import { PG_TEST_URL, requirePostgres } from './support/postgres.js';

interface Backend {
  store: ConversationStore;
  /** A second, independent connection pool to the same data (PostgreSQL only). */
  second: ConversationStore | null;
  dispose(): Promise<void>;
}

const backends: Record<string, () => Promise<Backend>> = {
  memory: async () => ({
    store: new InMemoryConversationStore(),
    second: null,
    dispose: async () => {},
  }),
  sqlite: async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'store-contract-'));
    const file = path.join(folder, 'db.sqlite');
    const store = SqlConversationStore.open({ dialect: 'sqlite', file });
    await store.migrate();
    // Migrating again is a no-op. (SQLite serves one process through one connection: a second
    // writer in the same process would wait on the first one's open transaction.)
    await store.migrate();
    return {
      store,
      second: null,
      dispose: async () => {
        await store.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
  postgres: async () => {
    await requirePostgres(PG_TEST_URL);
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const store = SqlConversationStore.open({ dialect: 'postgres', url: PG_TEST_URL, schema });
    const second = SqlConversationStore.open({ dialect: 'postgres', url: PG_TEST_URL, schema });
    // Two instances starting at once: the migrator's lock lets one migrate, the other wait.
    await Promise.all([store.migrate(), second.migrate()]);
    return {
      store,
      second,
      dispose: async () => {
        await store.close();
        await second.close();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  },
};

let clock = Date.parse('2030-01-01T00:00:00.000Z');
/** A strictly increasing ISO time (ms precision, like the server's). */
const tick = () => new Date((clock += 1000)).toISOString();

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  const now = tick();
  return {
    id: randomUUID(),
    title: 'A conversation',
    agentIds: ['chatbot'],
    createdAt: now,
    updatedAt: now,
    ownerId: 'alice',
    ...overrides,
  };
}

function message(conversationId: string, overrides: Partial<Message> = {}): Message {
  return {
    id: randomUUID(),
    conversationId,
    role: 'user',
    parts: [{ type: 'text', text: 'hello' }],
    status: 'complete',
    createdAt: tick(),
    ...overrides,
  };
}

async function expectStoreError(promise: Promise<unknown>, kind: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a StoreError ${kind}`).toBeDefined();
  expect(isStoreError(error, kind as never), String(error)).toBe(true);
}

describe.each(Object.keys(backends))('ConversationStore contract: %s', (name) => {
  let backend: Backend;
  let store: ConversationStore;

  beforeAll(async () => {
    backend = await (backends[name] as () => Promise<Backend>)();
    store = backend.store;
  }, 30_000);

  afterAll(async () => {
    await backend?.dispose();
  });

  describe('conversations', () => {
    it('creates, reads back exactly, and refuses a taken id', async () => {
      const created = conversation({ agentIds: ['chatbot', 'code-assistant'] });
      expect(await store.createConversation(created)).toEqual(created);
      expect(await store.getConversation(created.id)).toEqual(created);
      await expectStoreError(store.createConversation(created), 'already_exists');
      expect(await store.getConversation('missing')).toBeUndefined();
      const anonymous = conversation({ ownerId: undefined });
      delete anonymous.ownerId;
      await store.createConversation(anonymous);
      expect(await store.getConversation(anonymous.id)).toEqual(anonymous);
    });

    it('makes the owner a member', async () => {
      const created = await store.createConversation(conversation({ ownerId: 'olga' }));
      expect(await store.listMembers(created.id)).toEqual([
        { conversationId: created.id, userId: 'olga', role: 'owner', joinedAt: created.createdAt },
      ]);
      expect(await store.isMember(created.id, 'olga')).toBe(true);
      expect(await store.isMember(created.id, 'someone')).toBe(false);
    });

    it('lists a user’s conversations newest first in cursor pages, ties broken by id', async () => {
      const user = `lister-${randomUUID()}`;
      const same = tick();
      const made: Conversation[] = [];
      for (let index = 0; index < 5; index += 1)
        made.push(await store.createConversation(conversation({ ownerId: user })));
      // Two share an updatedAt: the greater id comes first.
      const tiedA = await store.createConversation(
        conversation({ ownerId: user, createdAt: same, updatedAt: same, id: `a-${randomUUID()}` }),
      );
      const tiedB = await store.createConversation(
        conversation({ ownerId: user, createdAt: same, updatedAt: same, id: `b-${randomUUID()}` }),
      );
      await store.createConversation(conversation({ ownerId: 'not-the-user' }));
      const expected = [...made.reverse(), tiedB, tiedA];

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listConversations({
          userId: user,
          limit: 3,
          ...(cursor ? { cursor } : {}),
        });
        pages += 1;
        expect(page.conversations.length).toBeLessThanOrEqual(3);
        seen.push(...page.conversations.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(expected.map((c) => c.id));

      const all = await store.listConversations({ userId: user });
      expect(all.conversations.map((c) => c.id)).toEqual(seen);
      expect(all.nextCursor).toBeNull();
      const exact = await store.listConversations({ userId: user, limit: 7 });
      expect(exact.nextCursor).toBeNull();
      await expectStoreError(store.listConversations({ cursor: 'not-a-cursor' }), 'invalid_cursor');
    });

    it('updates title, agents and updatedAt; unknown ids give undefined', async () => {
      const created = await store.createConversation(conversation());
      const later = tick();
      const updated = await store.updateConversation(created.id, {
        title: 'Renamed',
        agentIds: ['data-analyst'],
        updatedAt: later,
      });
      expect(updated).toEqual({
        ...created,
        title: 'Renamed',
        agentIds: ['data-analyst'],
        updatedAt: later,
      });
      expect(await store.getConversation(created.id)).toEqual(updated);
      expect(await store.updateConversation('missing', { title: 'x' })).toBeUndefined();
    });

    it('deletes a conversation with its members, messages, runs and feedback', async () => {
      const created = await store.createConversation(conversation());
      await store.addMember({
        conversationId: created.id,
        userId: 'bob',
        role: 'member',
        joinedAt: tick(),
      });
      const user = await store.appendMessage(message(created.id, { clientMessageId: 'c1' }));
      const answer = await store.appendMessage(message(created.id, { role: 'assistant' }));
      const run = await store.createRun(runRecord(created.id, answer.id, user.id));
      await store.setFeedback({
        messageId: answer.id,
        userId: 'bob',
        value: 'up',
        createdAt: tick(),
      });

      expect(await store.deleteConversation(created.id)).toBe(true);
      expect(await store.deleteConversation(created.id)).toBe(false);
      expect(await store.getConversation(created.id)).toBeUndefined();
      expect(await store.listMembers(created.id)).toEqual([]);
      expect(await store.listMessages(created.id)).toEqual([]);
      expect(await store.getMessage(user.id)).toBeUndefined();
      expect(await store.getRun(run.id)).toBeUndefined();
      expect(await store.getFeedback(answer.id, 'bob')).toBeUndefined();
      expect(await store.findByClientMessageId(created.id, 'c1')).toBeUndefined();
    });
  });

  describe('members', () => {
    it('adds, changes the role of, lists and removes members', async () => {
      const created = await store.createConversation(conversation({ ownerId: 'owner' }));
      const joinedAt = tick();
      await store.addMember({
        conversationId: created.id,
        userId: 'bob',
        role: 'member',
        joinedAt,
      });
      await store.addMember({ conversationId: created.id, userId: 'bob', role: 'owner', joinedAt });
      expect(await store.getMember(created.id, 'bob')).toEqual({
        conversationId: created.id,
        userId: 'bob',
        role: 'owner',
        joinedAt,
      });
      expect((await store.listMembers(created.id)).map((m) => m.userId)).toEqual(['owner', 'bob']);
      const mine = await store.listConversations({ userId: 'bob' });
      expect(mine.conversations.map((c) => c.id)).toContain(created.id);
      expect(await store.removeMember(created.id, 'bob')).toBe(true);
      expect(await store.removeMember(created.id, 'bob')).toBe(false);
      expect(await store.isMember(created.id, 'bob')).toBe(false);
      await expectStoreError(
        store.addMember({ conversationId: 'missing', userId: 'bob', role: 'member', joinedAt }),
        'not_found',
      );
    });
  });

  describe('messages', () => {
    it('reads the branch that ends at a message, oldest first, newest `limit` of it', async () => {
      const created = await store.createConversation(conversation());
      const append = (parentId: string | undefined, text: string) =>
        store.appendMessage(
          message(created.id, {
            parts: [{ type: 'text', text }],
            ...(parentId !== undefined ? { parentId } : {}),
          }),
        );
      // root → a → b → c, and a sibling branch a → b2 → c2.
      const root = await append(undefined, 'root');
      const a = await append(root.id, 'a');
      const b = await append(a.id, 'b');
      const b2 = await append(a.id, 'b2');
      const c = await append(b.id, 'c');
      const c2 = await append(b2.id, 'c2');
      const ids = (messages: Message[]) => messages.map((m) => m.id);
      expect(ids(await store.listBranch(c.id, 100))).toEqual([root.id, a.id, b.id, c.id]);
      expect(ids(await store.listBranch(c2.id, 100))).toEqual([root.id, a.id, b2.id, c2.id]);
      expect(ids(await store.listBranch(c2.id, 2))).toEqual([b2.id, c2.id]);
      expect(ids(await store.listBranch(root.id, 100))).toEqual([root.id]);
      expect(await store.listBranch('missing', 100)).toEqual([]);
      expect(await store.listBranch(c.id, 0)).toEqual([]);
      // Read back whole, like every other read.
      expect((await store.listBranch(c.id, 100))[3]).toEqual(c);
    });

    it('keeps answers’ checkpoint heads beside them, never in the messages it returns', async () => {
      const created = await store.createConversation(conversation());
      const question = await store.appendMessage(message(created.id));
      const answer = (agentId: string, parentId: string) =>
        store.appendMessage(
          message(created.id, { role: 'assistant', agentId, parentId, status: 'streaming' }),
        );
      const first = await answer('a', question.id);
      const other = await answer('b', question.id);
      const second = await answer('a', question.id);
      const headless = await answer('a', question.id);
      const later = await store.appendMessage(message(created.id, { parentId: first.id }));
      const onLater = await answer('a', later.id);
      // Set with a message's final update; the message read back has no trace of it.
      const updated = await store.updateMessage(second.id, {
        status: 'complete',
        checkpointId: 'cp-2',
      });
      expect(updated).toEqual({ ...second, status: 'complete' });
      expect(await store.getMessage(second.id)).toEqual({ ...second, status: 'complete' });
      await store.updateMessage(first.id, { checkpointId: 'cp-1' });
      await store.updateMessage(other.id, { checkpointId: 'cp-b' });
      await store.updateMessage(onLater.id, { checkpointId: 'cp-later' });
      expect(headless.id).toBeDefined();
      // The agent's answers with a head, to the messages asked about, in creation order.
      expect(await store.listCheckpointHeads([question.id], 'a')).toEqual([
        { messageId: first.id, parentId: question.id, checkpointId: 'cp-1' },
        { messageId: second.id, parentId: question.id, checkpointId: 'cp-2' },
      ]);
      expect(await store.listCheckpointHeads([question.id, later.id], 'b')).toEqual([
        { messageId: other.id, parentId: question.id, checkpointId: 'cp-b' },
      ]);
      expect(await store.listCheckpointHeads([later.id], 'a')).toEqual([
        { messageId: onLater.id, parentId: later.id, checkpointId: 'cp-later' },
      ]);
      expect(await store.listCheckpointHeads([], 'a')).toEqual([]);
      expect(await store.listCheckpointHeads(['missing'], 'a')).toEqual([]);
    });

    it('appends in order (same-millisecond messages too), reads back exactly and moves updatedAt', async () => {
      const created = await store.createConversation(conversation());
      const at = tick();
      const first = message(created.id, { createdAt: at, clientMessageId: 'c', authorId: 'alice' });
      const second = message(created.id, {
        createdAt: at,
        role: 'assistant',
        status: 'streaming',
        agentId: 'chatbot',
        runId: 'r1',
        metadata: { demo: true, usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } },
        parts: [
          { type: 'text', text: 'Hi **there** ✓' },
          {
            type: 'tool-call',
            toolCallId: 't1',
            toolName: 'calculator',
            status: 'complete',
            argsText: '{"x":1}',
            args: { x: 1 },
            result: 2,
          },
        ] as Message['parts'],
      });
      const third = message(created.id, {
        createdAt: at,
        role: 'assistant',
        status: 'failed',
        error: 'boom',
      });
      for (const item of [first, second, third])
        expect(await store.appendMessage(item)).toEqual(item);
      expect(await store.listMessages(created.id)).toEqual([first, second, third]);
      expect(await store.getMessage(second.id)).toEqual(second);
      expect((await store.getConversation(created.id))?.updatedAt).toBe(at);
      // An older message does not move updatedAt back.
      await store.appendMessage(message(created.id, { createdAt: created.createdAt }));
      expect((await store.getConversation(created.id))?.updatedAt).toBe(at);
      await expectStoreError(store.appendMessage(message('missing')), 'not_found');
      await expectStoreError(store.appendMessage(first), 'already_exists');
    });

    it('pages backwards, oldest first within a page, with hasMore', async () => {
      const created = await store.createConversation(conversation());
      const all: Message[] = [];
      for (let index = 0; index < 7; index += 1)
        all.push(
          await store.appendMessage(
            message(created.id, { parts: [{ type: 'text', text: `m${index}` }] }),
          ),
        );
      const latest = await store.listMessagePage(created.id, { limit: 3 });
      expect(latest).toEqual({ messages: all.slice(4), hasMore: true });
      const older = await store.listMessagePage(created.id, { before: all[4]!.id, limit: 3 });
      expect(older).toEqual({ messages: all.slice(1, 4), hasMore: true });
      const oldest = await store.listMessagePage(created.id, { before: all[1]!.id, limit: 3 });
      expect(oldest).toEqual({ messages: all.slice(0, 1), hasMore: false });
      expect(await store.listMessagePage(created.id, { limit: 7 })).toEqual({
        messages: all,
        hasMore: false,
      });
      expect(await store.listMessagePage(created.id, { before: all[0]!.id, limit: 3 })).toEqual({
        messages: [],
        hasMore: false,
      });
      const other = await store.createConversation(conversation());
      await expectStoreError(
        store.listMessagePage(other.id, { before: all[3]!.id, limit: 3 }),
        'not_found',
      );
      expect(await store.listMessagePage(other.id, { limit: 3 })).toEqual({
        messages: [],
        hasMore: false,
      });
    });

    it('updates parts, status, error and metadata', async () => {
      const created = await store.createConversation(conversation());
      const streaming = await store.appendMessage(
        message(created.id, { role: 'assistant', status: 'streaming' }),
      );
      const updated = await store.updateMessage(streaming.id, {
        parts: [{ type: 'text', text: 'done' }],
        status: 'complete',
        metadata: { demo: true },
      });
      expect(updated).toEqual({
        ...streaming,
        parts: [{ type: 'text', text: 'done' }],
        status: 'complete',
        metadata: { demo: true },
      });
      expect(await store.getMessage(streaming.id)).toEqual(updated);
      expect(await store.updateMessage('missing', { status: 'failed' })).toBeUndefined();
    });

    it('finds a message by client id within its conversation only', async () => {
      const a = await store.createConversation(conversation());
      const b = await store.createConversation(conversation());
      const sent = await store.appendMessage(message(a.id, { clientMessageId: 'same' }));
      expect(await store.findByClientMessageId(a.id, 'same')).toEqual(sent);
      expect(await store.findByClientMessageId(b.id, 'same')).toBeUndefined();
      // The same client id in another conversation is another message.
      await store.appendMessage(message(b.id, { clientMessageId: 'same' }));
    });

    it('lets exactly one of many concurrent writers store a client message id', async () => {
      const created = await store.createConversation(conversation());
      const writers = [store, backend.second ?? store];
      const attempts = Array.from({ length: 12 }, (_, index) =>
        (writers[index % writers.length] as ConversationStore).appendMessage(
          message(created.id, {
            clientMessageId: 'race',
            parts: [{ type: 'text', text: `try ${index}` }],
          }),
        ),
      );
      const results = await Promise.allSettled(attempts);
      const stored = results.filter((result) => result.status === 'fulfilled');
      const refused = results.filter((result) => result.status === 'rejected');
      expect(stored).toHaveLength(1);
      for (const result of refused)
        expect(isStoreError((result as PromiseRejectedResult).reason, 'already_exists')).toBe(true);
      const found = await store.findByClientMessageId(created.id, 'race');
      expect(found).toEqual((stored[0] as PromiseFulfilledResult<Message>).value);
      expect(await store.listMessages(created.id)).toHaveLength(1);
    });
  });

  describe('runs', () => {
    it('creates, lists by trigger in creation order, ends with a status', async () => {
      const created = await store.createConversation(conversation());
      const trigger = await store.appendMessage(message(created.id));
      const answers = [
        await store.appendMessage(message(created.id, { role: 'assistant' })),
        await store.appendMessage(message(created.id, { role: 'assistant' })),
      ];
      const at = tick();
      const runs = [];
      for (const answer of answers)
        runs.push(
          await store.createRun({ ...runRecord(created.id, answer.id, trigger.id), createdAt: at }),
        );
      expect(runs[0]).toMatchObject({ status: 'running', attempt: 1, createdAt: at });
      expect(await store.listRunsByTrigger(trigger.id)).toEqual(runs);
      expect(await store.getRun(runs[0]!.id)).toEqual(runs[0]);
      const ended = await store.updateRunStatus(runs[0]!.id, 'cancelled');
      expect(ended?.status).toBe('cancelled');
      expect(Date.parse(ended?.endedAt ?? '')).not.toBeNaN();
      expect(await store.updateRunStatus('missing', 'failed')).toBeUndefined();
      // What a run measured is recorded with its end.
      const failed = await store.updateRunStatus(runs[1]!.id, 'failed', {
        attempt: 3,
        startedAt: at,
        usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
        error: 'The model provider had an error. Try again shortly.',
      });
      expect(failed).toMatchObject({
        status: 'failed',
        attempt: 3,
        startedAt: at,
        usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
        error: 'The model provider had an error. Try again shortly.',
      });
      expect(await store.getRun(runs[1]!.id)).toEqual(failed);
      await expectStoreError(store.createRun(runs[0]!), 'already_exists');
      await expectStoreError(
        store.createRun(runRecord(created.id, 'missing', trigger.id)),
        'not_found',
      );
    });
    it('stores a question, its runs and their answers in one transaction: all or nothing', async () => {
      const created = await store.createConversation(conversation());
      const question = message(created.id, { clientMessageId: 'asked' });
      const newRuns = () =>
        [0, 1].map(() => {
          const answer = message(created.id, {
            role: 'assistant',
            status: 'streaming',
            parentId: question.id,
          });
          return { answer, run: runRecord(created.id, answer.id, question.id) };
        });
      const first = newRuns();
      expect(await store.createRuns(first, { question })).toBe(true);
      expect(await store.listMessages(created.id)).toEqual([
        question,
        ...first.map((run) => run.answer),
      ]);
      expect((await store.listRunsByTrigger(question.id)).map((run) => run.id)).toEqual(
        first.map((entry) => entry.run.id),
      );
      expect((await store.getConversation(created.id))?.updatedAt).toBe(first[1]!.answer.createdAt);

      // A run that cannot be stored (its id is taken): nothing of the send stays.
      const retry = message(created.id, { clientMessageId: 'retried' });
      const failing = newRuns().map((entry) => ({
        answer: { ...entry.answer, parentId: retry.id },
        run: { ...entry.run, triggerMessageId: retry.id },
      }));
      failing[1]!.run.id = first[0]!.run.id;
      await expectStoreError(store.createRuns(failing, { question: retry }), 'already_exists');
      // A question whose client message id is taken: refused the same way.
      await expectStoreError(
        store.createRuns(newRuns(), { question: { ...question, id: randomUUID() } }),
        'already_exists',
      );
      expect(await store.findByClientMessageId(created.id, 'retried')).toBeUndefined();
      expect(await store.listMessages(created.id)).toHaveLength(3);
      expect(await store.getRun(failing[0]!.run.id)).toBeUndefined();
      expect((await store.getConversation(created.id))?.updatedAt).toBe(first[1]!.answer.createdAt);
      await expectStoreError(
        store.createRuns(newRuns(), { question: message('missing') }),
        'not_found',
      );

      // Runs for a stored question (a regenerate): the question is not written again.
      const more = newRuns();
      expect(await store.createRuns(more)).toBe(true);
      expect(await store.listRunsByTrigger(question.id)).toHaveLength(4);
    });

    it('onlyIfUnanswered: of racing writers answering one message, exactly one stores runs', async () => {
      const created = await store.createConversation(conversation());
      const question = await store.appendMessage(message(created.id));
      const writers = [store, backend.second ?? store];
      const attempts = Array.from({ length: 8 }, (_, index) => {
        const answer = message(created.id, { role: 'assistant', parentId: question.id });
        return (writers[index % writers.length] as ConversationStore).createRuns(
          [{ answer, run: runRecord(created.id, answer.id, question.id) }],
          { onlyIfUnanswered: true },
        );
      });
      const results = await Promise.all(attempts);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.listRunsByTrigger(question.id)).toHaveLength(1);
      expect(await store.listMessages(created.id)).toHaveLength(2);
    });

    it('interrupts the runs and streaming messages a dead process left, and nothing else', async () => {
      const created = await store.createConversation(conversation());
      const trigger = await store.appendMessage(message(created.id));
      const streaming = () =>
        message(created.id, {
          role: 'assistant',
          status: 'streaming',
          parts: [
            { type: 'text', text: 'Half an ans' },
            {
              type: 'tool-call',
              toolCallId: 'call-1',
              name: 'calculator',
              argsText: '{"expression":"1+1"}',
              state: 'running',
            },
          ],
        });
      const left = await store.appendMessage(streaming());
      const leftRun = await store.createRun(runRecord(created.id, left.id, trigger.id));
      // A kill between storing the assistant message and its run leaves a message alone.
      const alone = await store.appendMessage(streaming());
      const done = await store.appendMessage(message(created.id, { role: 'assistant' }));
      const doneRun = await store.createRun(runRecord(created.id, done.id, trigger.id));
      const completed = await store.updateRunStatus(doneRun.id, 'completed');
      const reason = 'The server stopped before this answer finished.';

      // (Earlier tests on this store left streaming messages of their own.)
      const ended = (
        await store.interruptOrphanedRuns(reason, { instanceId: 'this-process' })
      ).filter((orphan) => orphan.conversationId === created.id);
      expect(sortByMessage(ended)).toEqual(
        sortByMessage([
          { conversationId: created.id, messageId: left.id, runId: leftRun.id },
          { conversationId: created.id, messageId: alone.id },
        ]),
      );
      expect(await store.getRun(leftRun.id)).toMatchObject({
        status: 'interrupted',
        error: reason,
      });
      expect(Date.parse((await store.getRun(leftRun.id))?.endedAt ?? '')).not.toBeNaN();
      expect(await store.getRun(doneRun.id)).toEqual(completed);
      for (const id of [left.id, alone.id])
        expect(await store.getMessage(id)).toEqual({
          ...left,
          id,
          createdAt: (await store.getMessage(id))?.createdAt,
          status: 'interrupted',
          error: reason,
          parts: [
            { type: 'text', text: 'Half an ans' },
            {
              type: 'tool-call',
              toolCallId: 'call-1',
              name: 'calculator',
              argsText: '{"expression":"1+1"}',
              state: 'failed',
              error: 'The run ended (interrupted) first.',
            },
          ],
        });
      expect(await store.getMessage(done.id)).toEqual(done);
      expect(await store.getMessage(trigger.id)).toEqual(trigger);
      // Nothing is left to interrupt.
      expect(await store.interruptOrphanedRuns(reason, { instanceId: 'this-process' })).toEqual([]);
    });

    it('interrupts only the runs of instances whose heartbeat is older than the lease', async () => {
      const created = await store.createConversation(conversation());
      const trigger = await store.appendMessage(message(created.id));
      const lease = '2026-01-01T00:00:10.000Z';
      await store.heartbeat('dead', '2026-01-01T00:00:00.000Z');
      await store.heartbeat('alive', '2026-01-01T00:00:20.000Z');
      const answer = async (instanceId: string | undefined) => {
        const stored = await store.appendMessage(
          message(created.id, { role: 'assistant', status: 'streaming' }),
        );
        const run = await store.createRun({
          ...runRecord(created.id, stored.id, trigger.id),
          ...(instanceId !== undefined ? { instanceId } : {}),
        });
        return { message: stored, run };
      };
      const dead = await answer('dead');
      const alive = await answer('alive');
      const mine = await answer('me');
      const unknown = await answer('never-heard-of');
      const legacy = await answer(undefined);
      // A message whose run is not stored yet, newer than the lease: a live instance's.
      const fresh = await store.appendMessage(
        message(created.id, {
          role: 'assistant',
          status: 'streaming',
          createdAt: '2026-01-01T00:00:30.000Z',
        }),
      );
      expect(await store.getRun(dead.run.id)).toMatchObject({ instanceId: 'dead' });

      const sweep = { instanceId: 'me', staleBefore: lease };
      const ended = await store.interruptOrphanedRuns('gone', sweep);
      expect(sortByMessage(ended)).toEqual(
        sortByMessage(
          [dead, unknown, legacy].map(({ message, run }) => ({
            conversationId: created.id,
            messageId: message.id,
            runId: run.id,
          })),
        ),
      );
      for (const { run, message: stored } of [dead, unknown, legacy]) {
        expect(await store.getRun(run.id)).toMatchObject({ status: 'interrupted', error: 'gone' });
        expect(await store.getMessage(stored.id)).toMatchObject({
          status: 'interrupted',
          error: 'gone',
        });
      }
      for (const { run, message: stored } of [alive, mine]) {
        expect(await store.getRun(run.id)).toMatchObject({ status: 'running' });
        expect(await store.getMessage(stored.id)).toMatchObject({ status: 'streaming' });
      }
      expect(await store.getMessage(fresh.id)).toMatchObject({ status: 'streaming' });
      // Each run is ended once, however many instances sweep.
      expect(await store.interruptOrphanedRuns('gone', sweep)).toEqual([]);
      // Once `alive` stops beating past the lease, its run goes too; `dead` was forgotten.
      const later = await store.interruptOrphanedRuns('gone', {
        instanceId: 'me',
        staleBefore: '2026-01-01T00:00:25.000Z',
      });
      expect(later.map((orphan) => orphan.runId)).toEqual([alive.run.id]);
    });
  });

  describe('feedback', () => {
    it('sets one feedback per message and user, replacing it', async () => {
      const created = await store.createConversation(conversation());
      const answer = await store.appendMessage(message(created.id, { role: 'assistant' }));
      const first = {
        messageId: answer.id,
        userId: 'alice',
        value: 'up' as const,
        createdAt: tick(),
      };
      expect(await store.setFeedback(first)).toEqual(first);
      const second = { ...first, value: 'down' as const, comment: 'wrong sum', createdAt: tick() };
      await store.setFeedback(second);
      expect(await store.getFeedback(answer.id, 'alice')).toEqual(second);
      expect(await store.getFeedback(answer.id, 'bob')).toBeUndefined();
      await expectStoreError(store.setFeedback({ ...first, messageId: 'missing' }), 'not_found');
    });

    it("lists a user's feedback on several messages in one read, and deletes one", async () => {
      const created = await store.createConversation(conversation());
      const [a, b, c] = [
        await store.appendMessage(message(created.id, { role: 'assistant' })),
        await store.appendMessage(message(created.id, { role: 'assistant' })),
        await store.appendMessage(message(created.id, { role: 'assistant' })),
      ] as [Message, Message, Message];
      const rate = (messageId: string, userId: string, value: 'up' | 'down') =>
        store.setFeedback({ messageId, userId, value, createdAt: tick() });
      const aliceOnA = await rate(a.id, 'alice', 'up');
      const aliceOnC = await rate(c.id, 'alice', 'down');
      await rate(b.id, 'bob', 'down');
      const listed = await store.listFeedback('alice', [a.id, b.id, c.id, 'missing']);
      expect(listed.sort((x, y) => x.messageId.localeCompare(y.messageId))).toEqual(
        [aliceOnA, aliceOnC].sort((x, y) => x.messageId.localeCompare(y.messageId)),
      );
      expect(await store.listFeedback('alice', [])).toEqual([]);
      expect(await store.deleteFeedback(a.id, 'alice')).toBe(true);
      expect(await store.deleteFeedback(a.id, 'alice')).toBe(false);
      expect(await store.getFeedback(a.id, 'alice')).toBeUndefined();
      expect(await store.listFeedback('alice', [a.id, c.id])).toEqual([aliceOnC]);
      expect(await store.listFeedback('bob', [b.id])).toHaveLength(1);
    });
  });
});

function sortByMessage<T extends { messageId: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.messageId.localeCompare(b.messageId));
}

function runRecord(conversationId: string, messageId: string, triggerMessageId: string): RunRecord {
  return {
    id: randomUUID(),
    conversationId,
    messageId,
    triggerMessageId,
    agentId: 'chatbot',
    status: 'running',
    createdAt: tick(),
  };
}

describe('PostgreSQL migrations', () => {
  it('create their tables in the schema in use when another schema already has them', async () => {
    await requirePostgres();
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    const [first, second] = [1, 2].map(() => `test_${randomBytes(6).toString('hex')}`) as [
      string,
      string,
    ];
    const stores: SqlConversationStore[] = [];
    try {
      for (const schema of [first, second]) {
        await admin.query(`create schema ${schema}`);
        const store = SqlConversationStore.open({ dialect: 'postgres', url: PG_TEST_URL, schema });
        stores.push(store);
        await store.migrate();
        // The schema holds its own tables, migration log included.
        const { rows } = await admin.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1',
          [schema],
        );
        expect(rows.map((row) => row.table_name)).toEqual(
          expect.arrayContaining(['conversations', 'kysely_migration', 'kysely_migration_lock']),
        );
      }
    } finally {
      for (const store of stores) await store.close();
      for (const schema of [first, second])
        await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  });
});
