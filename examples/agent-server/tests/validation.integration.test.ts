import { AGENT_DEFINITIONS } from '../src/agents/definitions.js';
import { MAX_MESSAGE_LENGTH, type RequestName, type Result } from 'svelte-langserve/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryConversationStore, type ConversationStore } from '@svelte-langserve/server';
import {
  connectClient,
  createConversation,
  EventLog,
  startServer,
  wait,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

let server: TestServer;
let store: InMemoryConversationStore;
let model: ScriptedChatModel;
let socket: ClientSocket;
let conversationId: string;

type Untyped = {
  emitWithAck(event: string, ...args: unknown[]): Promise<Result<unknown>>;
  emit(event: string, ...args: unknown[]): void;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
};
const raw = () => socket as unknown as Untyped;

beforeEach(async () => {
  store = new InMemoryConversationStore();
  model = new ScriptedChatModel({ tokens: ['ok'] });
  server = await startServer({ model, store });
  socket = await connectClient(server.url);
  conversationId = await createConversation(socket);
});

afterEach(async () => {
  socket.close();
  await server.close();
});

const id = () => conversationId;
const badPayloads: Record<RequestName, Array<[string, () => unknown]>> = {
  'agents:list': [
    ['extra key', () => ({ verbose: true })],
    ['null', () => null],
    ['string', () => 'agents'],
    ['array', () => []],
    ['number', () => 42],
  ],
  'conversations:create': [
    ['title of wrong type', () => ({ title: 5 })],
    ['empty agentIds', () => ({ agentIds: [] })],
    ['agentIds not an array', () => ({ agentIds: 'chatbot' })],
    ['agent id of wrong type', () => ({ agentIds: [7] })],
    ['oversized title', () => ({ title: 't'.repeat(201) })],
    ['too many agents', () => ({ agentIds: Array.from({ length: 9 }, (_, index) => `a${index}`) })],
    ['extra key', () => ({ title: 'x', owner: 'me' })],
    ['null', () => null],
    ['string', () => 'create'],
  ],
  'conversations:list': [
    ['limit of wrong type', () => ({ limit: '10' })],
    ['limit zero', () => ({ limit: 0 })],
    ['limit above the page size', () => ({ limit: 101 })],
    ['fractional limit', () => ({ limit: 2.5 })],
    ['empty cursor', () => ({ cursor: '' })],
    ['oversized cursor', () => ({ cursor: 'c'.repeat(513) })],
    ['extra key', () => ({ userId: 'someone-else' })],
    ['null', () => null],
    ['string', () => 'list'],
  ],
  'conversations:update': [
    ['missing conversationId', () => ({ title: 'x' })],
    ['nothing to change', () => ({ conversationId: id() })],
    ['blank title', () => ({ conversationId: id(), title: '  ' })],
    ['oversized title', () => ({ conversationId: id(), title: 't'.repeat(201) })],
    ['empty agentIds', () => ({ conversationId: id(), agentIds: [] })],
    ['agentIds not an array', () => ({ conversationId: id(), agentIds: 'chatbot' })],
    ['extra key', () => ({ conversationId: id(), title: 'x', ownerId: 'me' })],
    ['null', () => null],
  ],
  'conversations:delete': [
    ['missing conversationId', () => ({})],
    ['conversationId of wrong type', () => ({ conversationId: 5 })],
    ['blank conversationId', () => ({ conversationId: ' ' })],
    ['extra key', () => ({ conversationId: id(), force: true })],
    ['string', () => id()],
  ],
  'conversations:leave': [
    ['missing conversationId', () => ({})],
    ['oversized conversationId', () => ({ conversationId: 'x'.repeat(129) })],
    ['extra key', () => ({ conversationId: id(), delete: true })],
    ['null', () => null],
  ],
  'messages:history': [
    ['missing before', () => ({ conversationId: id() })],
    ['missing conversationId', () => ({ before: 'm' })],
    ['before of wrong type', () => ({ conversationId: id(), before: 3 })],
    ['limit zero', () => ({ conversationId: id(), before: 'm', limit: 0 })],
    ['limit above the page size', () => ({ conversationId: id(), before: 'm', limit: 101 })],
    ['extra key', () => ({ conversationId: id(), before: 'm', after: 'n' })],
    ['array', () => [id()]],
  ],
  'conversations:join': [
    ['missing conversationId', () => ({})],
    ['conversationId of wrong type', () => ({ conversationId: 5 })],
    ['blank conversationId', () => ({ conversationId: '   ' })],
    ['oversized conversationId', () => ({ conversationId: 'x'.repeat(129) })],
    ['extra key', () => ({ conversationId: id(), since: 3 })],
    ['limit zero', () => ({ conversationId: id(), limit: 0 })],
    ['limit above the page size', () => ({ conversationId: id(), limit: 101 })],
    ['runs not an array', () => ({ conversationId: id(), runs: { r: 1 } })],
    ['run seq below -1', () => ({ conversationId: id(), runs: [{ runId: 'r', seq: -2 }] })],
    ['null', () => null],
    ['array', () => [id()]],
  ],
  'messages:feedback': [
    ['missing value', () => ({ conversationId: id(), messageId: 'a' })],
    ['missing messageId', () => ({ conversationId: id(), value: 1 })],
    ['value zero', () => ({ conversationId: id(), messageId: 'a', value: 0 })],
    ['value as a string', () => ({ conversationId: id(), messageId: 'a', value: 'up' })],
    [
      'comment without a value',
      () => ({ conversationId: id(), messageId: 'a', value: null, comment: 'x' }),
    ],
    [
      'oversized comment',
      () => ({ conversationId: id(), messageId: 'a', value: 1, comment: 'x'.repeat(2001) }),
    ],
    ['extra key', () => ({ conversationId: id(), messageId: 'a', value: 1, score: 1 })],
    ['null', () => null],
  ],
  'messages:regenerate': [
    ['missing fields', () => ({})],
    ['missing messageId', () => ({ conversationId: id() })],
    ['extra key', () => ({ conversationId: id(), messageId: 'a', text: 'x' })],
    ['empty agentIds', () => ({ conversationId: id(), messageId: 'a', agentIds: [] })],
    ['bad settings', () => ({ conversationId: id(), messageId: 'a', settings: { topP: 2 } })],
  ],
  'messages:send': [
    ['missing fields', () => ({})],
    ['missing text', () => ({ conversationId: id(), clientMessageId: 'm' })],
    ['missing clientMessageId', () => ({ conversationId: id(), text: 'hi' })],
    ['empty text', () => ({ conversationId: id(), clientMessageId: 'm', text: '' })],
    ['blank text', () => ({ conversationId: id(), clientMessageId: 'm', text: ' \n\t ' })],
    [
      'oversized text',
      () => ({
        conversationId: id(),
        clientMessageId: 'm',
        text: 'x'.repeat(MAX_MESSAGE_LENGTH + 1),
      }),
    ],
    ['text of wrong type', () => ({ conversationId: id(), clientMessageId: 'm', text: 5 })],
    [
      'clientMessageId of wrong type',
      () => ({ conversationId: id(), clientMessageId: 7, text: 'hi' }),
    ],
    [
      'agentIds of wrong type',
      () => ({ conversationId: id(), clientMessageId: 'm', text: 'hi', agentIds: [1] }),
    ],
    [
      'extra key',
      () => ({ conversationId: id(), clientMessageId: 'm', text: 'hi', role: 'assistant' }),
    ],
    ['null', () => null],
    ['string', () => 'hello'],
  ],
  'runs:cancel': [
    ['missing runId', () => ({})],
    ['runId of wrong type', () => ({ runId: 1 })],
    ['empty runId', () => ({ runId: '' })],
    ['extra key', () => ({ runId: 'r', force: true })],
    ['string', () => 'run'],
  ],
  'conversations:invite': [
    ['missing userId', () => ({ conversationId: id() })],
    ['missing conversationId', () => ({ userId: 'dev:bo' })],
    ['userId of wrong type', () => ({ conversationId: id(), userId: 7 })],
    ['blank userId', () => ({ conversationId: id(), userId: '  ' })],
    ['oversized userId', () => ({ conversationId: id(), userId: 'u'.repeat(257) })],
    ['extra key', () => ({ conversationId: id(), userId: 'dev:bo', role: 'owner' })],
    ['null', () => null],
  ],
  'presence:typing': [
    ['missing typing', () => ({ conversationId: id() })],
    ['typing of wrong type', () => ({ conversationId: id(), typing: 'yes' })],
    ['missing conversationId', () => ({ typing: true })],
    ['extra key', () => ({ conversationId: id(), typing: true, userId: 'x' })],
    ['string', () => 'typing'],
  ],
};

async function snapshot(store: ConversationStore) {
  const { conversations } = await store.listConversations();
  const messages = await Promise.all(conversations.map((c) => store.listMessages(c.id)));
  return JSON.stringify({ conversations, messages });
}

describe('malformed requests', () => {
  for (const [event, cases] of Object.entries(badPayloads) as Array<
    [RequestName, Array<[string, () => unknown]>]
  >) {
    it(`"${event}" answers invalid_payload for every malformed payload and changes nothing`, async () => {
      const log = new EventLog(socket);
      const before = await snapshot(store);
      for (const [label, payload] of cases) {
        const result = await raw().emitWithAck(event, payload());
        expect(result.ok, label).toBe(false);
        if (result.ok) continue;
        expect(result.error.code, label).toBe('invalid_payload');
        expect(result.error.retryable, label).toBe(false);
        expect(result.error.message, label).toBe(`Invalid "${event}" payload.`);
        expect(result.error.issues?.length, label).toBeGreaterThan(0);
      }
      // A request with no payload at all (only the callback) is malformed too.
      const bare = await raw().emitWithAck(event);
      expect(bare.ok === false && bare.error.code).toBe('invalid_payload');

      expect(await snapshot(store)).toBe(before);
      expect(model.calls).toBe(0);
      expect(log.runEvents).toEqual([]);
      expect(log.created).toEqual([]);
      const joined = await socket.emitWithAck('conversations:join', { conversationId });
      expect(joined.ok && joined.data.messages).toEqual([]);
      // The server still answers.
      const agents = await socket.emitWithAck('agents:list', {});
      expect(agents.ok && agents.data.agents.map((agent) => agent.id)).toEqual(
        AGENT_DEFINITIONS.map((agent) => agent.id),
      );
    });
  }

  it('names the wrong fields in issues', async () => {
    const result = await raw().emitWithAck('messages:send', {
      conversationId: 5,
      text: '',
      extra: 1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issues = result.error.issues ?? [];
    expect(issues.some((issue) => issue.startsWith('conversationId:'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('clientMessageId:'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('text:'))).toBe(true);
    expect(issues.some((issue) => issue.includes('extra'))).toBe(true);
  });

  it('ignores requests without an acknowledgement callback, and unknown events', async () => {
    const before = await snapshot(store);
    raw().emit('messages:send', { conversationId, clientMessageId: 'no-ack', text: 'hello' });
    raw().emit('conversations:create', {});
    raw().emit('messages:send', 'garbage');
    await expect(raw().timeout(150).emitWithAck('bogus:event', {})).rejects.toThrow();
    await wait(50);
    expect(await snapshot(store)).toBe(before);
    expect(model.calls).toBe(0);
    const agents = await socket.emitWithAck('agents:list', {});
    expect(agents.ok).toBe(true);
  });

  it('answers not_found for unknown conversations and agents, creating nothing', async () => {
    const before = await snapshot(store);
    const join = await socket.emitWithAck('conversations:join', { conversationId: 'nope' });
    expect(join.ok === false && join.error.code).toBe('not_found');
    const send = await socket.emitWithAck('messages:send', {
      conversationId: 'nope',
      clientMessageId: 'm1',
      text: 'hi',
    });
    expect(send.ok === false && send.error.code).toBe('not_found');
    const badAgent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'm2',
      text: 'hi',
      agentIds: ['ghost'],
    });
    expect(badAgent).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Unknown agent: ghost.', retryable: false },
    });
    const create = await socket.emitWithAck('conversations:create', { agentIds: ['ghost'] });
    expect(create.ok === false && create.error.code).toBe('not_found');
    expect(await snapshot(store)).toBe(before);
    expect(model.calls).toBe(0);
  });
});

describe('unexpected failures', () => {
  it('answers internal when the store throws, and keeps serving', async () => {
    class BrokenStore extends InMemoryConversationStore {
      override async createConversation(): Promise<never> {
        throw new Error('disk on fire');
      }
    }
    const broken = await startServer({ model, store: new BrokenStore() });
    const client = await connectClient(broken.url);
    try {
      const result = await client.emitWithAck('conversations:create', {});
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'internal',
          message: 'The server failed to handle the request. It has been logged.',
          retryable: false,
        },
      });
      const agents = await client.emitWithAck('agents:list', {});
      expect(agents.ok).toBe(true);
    } finally {
      client.close();
      await broken.close();
    }
  });
});
