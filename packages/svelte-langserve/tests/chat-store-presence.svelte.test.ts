import { describe, expect, it } from 'vitest';
import { InMemoryTransport } from '../src/lib/client/index.js';
import { ok, type RequestPayload } from '../src/lib/protocol/index.js';
import { createChatStore } from '../src/lib/state/index.js';
import { agent, conversation, userMessage } from './fixtures.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

function setup() {
  const typing: RequestPayload<'presence:typing'>[] = [];
  const transport = new InMemoryTransport({
    speed: 0,
    handlers: {
      'agents:list': () => ok({ agents: [agent] }),
      'conversations:join': () => ok({ conversation, messages: [], hasMore: false, runs: [] }),
      'conversations:invite': (payload) => ok(payload),
      'presence:typing': (payload) => (typing.push(payload), ok({})),
      'messages:send': ({ clientMessageId }) =>
        ok({ message: userMessage({ clientMessageId }), runs: [] }),
    },
  });
  const store = createChatStore({ transport, userId: 'dev:alice', conversationId: 'c1' });
  return { transport, store, typing };
}

describe('ChatStore presence (runes)', () => {
  it('shows the open conversation’s members and who else is typing', async () => {
    const { transport, store } = setup();
    expect(store.presence).toEqual([]);
    store.connect();
    await settle();
    expect(store.conversation?.id).toBe('c1');
    transport.emit('presence', {
      conversationId: 'c1',
      members: [
        { userId: 'dev:alice', name: 'Alice', online: true, typing: true },
        { userId: 'dev:bob', name: 'Bob', online: true, typing: true },
        { userId: 'dev:carol', online: false, typing: false },
      ],
    });
    expect(store.presence.map((member) => member.userId)).toEqual([
      'dev:alice',
      'dev:bob',
      'dev:carol',
    ]);
    expect(store.typingUsers.map((member) => member.userId)).toEqual(['dev:bob']);
    expect(store.otherMembers).toHaveLength(2);
    // Another conversation's presence changes nothing shown.
    transport.emit('presence', { conversationId: 'c9', members: [] });
    expect(store.presence).toHaveLength(3);
    store.destroy();
  });

  it('sends typing for the open conversation, stops it on send, and invites', async () => {
    const { store, typing } = setup();
    store.typing();
    expect(typing).toEqual([]);
    store.connect();
    await settle();
    store.typing();
    store.typing();
    expect(typing).toEqual([{ conversationId: 'c1', typing: true }]);
    await store.send('hello');
    expect(typing).toEqual([
      { conversationId: 'c1', typing: true },
      { conversationId: 'c1', typing: false },
    ]);
    await expect(store.invite('dev:bob')).resolves.toEqual(
      ok({ conversationId: 'c1', userId: 'dev:bob' }),
    );
    store.destroy();
  });
});
