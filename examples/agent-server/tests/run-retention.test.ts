/**
 * How long the run manager keeps ended runs (and every event they emitted) in memory. Counted,
 * not timed: the soak benchmark (`bench/soak.ts`) showed ended runs were the heap's growth.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Message } from 'svelte-langserve/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createAgent } from '../src/agents/index.js';
import { loadConfig } from '../src/config.js';
import { InMemoryConversationStore } from '@svelte-langserve/server';
import { RunManager, type RunManagerOptions } from '@svelte-langserve/server';
import { ScriptedChatModel } from './support/scripted-model.js';

const silent: FastifyBaseLogger = {
  level: 'silent',
  fatal: () => {},
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  trace: () => {},
  silent: () => {},
  child: () => silent,
} as unknown as FastifyBaseLogger;

const agent = createAgent(
  { id: 'echo', name: 'Echo', description: 'Scripted.', systemPrompt: 'Echo.', tools: [] },
  {
    provider: 'scripted',
    model: 'scripted',
    demo: false,
    chatModel: new ScriptedChatModel({ tokens: ['one ', 'two ', 'three'] }),
  },
  { docsDir: loadConfig({}).docsDir },
);

async function setUp(options: Partial<RunManagerOptions>) {
  const store = new InMemoryConversationStore();
  const now = new Date().toISOString();
  const conversation = await store.createConversation({
    id: randomUUID(),
    title: 'Retention',
    agentIds: [agent.info.id],
    createdAt: now,
    updatedAt: now,
    ownerId: 'alice',
  });
  const manager = new RunManager({
    store,
    emit: () => {},
    flushIntervalMs: 0,
    logger: silent,
    ...options,
  });
  /** Streams one answer to its end (its final state stored); resolves with the run's id. */
  const answer = async (): Promise<string> => {
    const trigger: Message = {
      id: randomUUID(),
      conversationId: conversation.id,
      role: 'user',
      parts: [{ type: 'text', text: 'Hello' }],
      status: 'complete',
      createdAt: new Date().toISOString(),
    };
    const [run] = await manager.prepare(trigger, [{ agent }], { storeTrigger: true });
    if (!run) throw new Error('no run');
    run.start();
    await run.done;
    return run.id;
  };
  return { manager, answer };
}

describe('ended runs held for replay', () => {
  it('are held, events and all, during the retention period, and none after it', async () => {
    const { manager, answer } = await setUp({ retainEndedRunsMs: 2_000 });
    const ids = await Promise.all([answer(), answer(), answer()]);
    expect(manager.endedRunCount).toBe(3);
    for (const id of ids) {
      const types = (manager.eventsAfter(id, -1) ?? []).map((event) => event.type);
      expect([types[0], types.at(-1)]).toEqual(['start', 'end']);
      expect(types.filter((type) => type === 'text-delta').length).toBeGreaterThan(0);
    }
    // The manager drops them by itself: no other run has to end for that.
    await vi.waitFor(() => expect(manager.endedRunCount).toBe(0), { timeout: 10_000 });
    for (const id of ids) {
      expect(manager.get(id)).toBeUndefined();
      expect(manager.eventsAfter(id, -1)).toBeUndefined();
    }
  });

  it('are not held at all with a retention period of 0', async () => {
    const { manager, answer } = await setUp({ retainEndedRunsMs: 0 });
    const ids = [await answer(), await answer()];
    expect(manager.endedRunCount).toBe(0);
    for (const id of ids) expect(manager.get(id)).toBeUndefined();
  });

  it('are at most `retainEndedRuns`, the oldest dropped first', async () => {
    const { manager, answer } = await setUp({ retainEndedRuns: 2, retainEndedRunsMs: 600_000 });
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(await answer());
    expect(manager.endedRunCount).toBe(2);
    expect(ids.map((id) => manager.get(id) !== undefined)).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
    await manager.shutdown();
  });
});
