import { describe, expect, it } from 'vitest';
import { ChatController, InMemoryTransport } from '../src/lib/client/index.js';
import { ok, type Conversation } from '../src/lib/protocol/index.js';
import { ChatStore } from '../src/lib/state/index.js';
import { userMessage } from './fixtures.js';

const conversationOf = (id: string, minute: number): Conversation => ({
  id,
  title: `Conversation ${id}`,
  agentIds: ['chatbot'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ChatStore: conversations', () => {
  it('exposes the list, more pages, older messages and the methods', async () => {
    const all = [conversationOf('a', 3), conversationOf('b', 2), conversationOf('c', 1)];
    const messages = [1, 2, 3].map((index) =>
      userMessage({ id: `m${index}`, conversationId: 'a', clientMessageId: `k${index}` }),
    );
    const transport = new InMemoryTransport({
      speed: 0,
      handlers: {
        'agents:list': () => ok({ agents: [] }),
        'conversations:list': ({ cursor }) =>
          cursor
            ? ok({ conversations: all.slice(2), nextCursor: null })
            : ok({ conversations: all.slice(0, 2), nextCursor: 'next' }),
        'conversations:join': ({ conversationId }) =>
          ok({
            conversation: all.find((item) => item.id === conversationId)!,
            messages: messages.slice(1),
            hasMore: true,
            runs: [],
          }),
        'messages:history': () => ok({ messages: messages.slice(0, 1), hasMore: false }),
        'conversations:update': ({ conversationId, title }) =>
          ok({
            conversation: { ...all.find((item) => item.id === conversationId)!, title: title! },
          }),
        'conversations:delete': ({ conversationId }) => ok({ conversationId }),
        'conversations:leave': ({ conversationId }) => ok({ conversationId }),
      },
    });
    // Snapshots apply at once (no animation frame in this test).
    const store = new ChatStore(new ChatController({ transport }), (flush) => flush());
    store.connect();
    await settle();
    await store.listConversations();
    expect(store.conversations.map((item) => item.id)).toEqual(['a', 'b']);
    expect(store.hasMoreConversations).toBe(true);
    await store.loadMoreConversations();
    expect(store.hasMoreConversations).toBe(false);

    await store.open('a');
    expect(store.conversation?.id).toBe('a');
    expect(store.hasOlderMessages).toBe(true);
    await store.loadOlder();
    expect(store.messages.map((message) => message.id)).toEqual(['m1', 'm2', 'm3']);
    expect(store.hasOlderMessages).toBe(false);

    await store.renameConversation('a', 'Renamed');
    expect(store.conversation?.title).toBe('Renamed');
    await store.deleteConversation('b');
    expect(store.conversations.map((item) => item.id)).toEqual(['a', 'c']);
    store.newConversation();
    expect(store.conversation).toBeNull();
    expect(store.messages).toEqual([]);
    store.destroy();
  });
});
