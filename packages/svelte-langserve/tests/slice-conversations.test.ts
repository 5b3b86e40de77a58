import { describe, expect, it, vi } from 'vitest';
import { ConversationsSlice } from '../src/lib/client/slices/conversations.js';
import { fail, ok, type Conversation } from '../src/lib/protocol/index.js';
import { conversation } from './fixtures.js';
import { sliceContext } from './fixtures/slice-context.js';

const all: Conversation[] = ['a', 'b', 'c'].map((id) => ({ ...conversation, id, title: id }));

function setUp() {
  const setup = sliceContext({
    'conversations:list': ({ cursor }) =>
      cursor
        ? ok({ conversations: all.slice(2), nextCursor: null })
        : ok({ conversations: all.slice(0, 2), nextCursor: 'next' }),
    'conversations:update': ({ conversationId, title }) =>
      ok({ conversation: { ...all.find((item) => item.id === conversationId)!, title: title! } }),
    'conversations:delete': ({ conversationId }) =>
      conversationId === 'c' ? fail('forbidden', 'Not yours.') : ok({ conversationId }),
    'conversations:leave': ({ conversationId }) => ok({ conversationId }),
  });
  // The join is the resume slice's: here a stand-in that shows the conversation.
  const join = vi.fn(async (conversationId: string) => {
    await Promise.resolve();
    const shown = all.find((item) => item.id === conversationId)!;
    setup.context.dispatch({ type: 'joined', conversation: shown, messages: [], runs: [] });
    return ok({ conversation: shown });
  });
  const conversations = new ConversationsSlice(setup.context, join, 'a');
  return { ...setup, join, conversations };
}

describe('ConversationsSlice alone', () => {
  it('lists, pages, renames and deletes, showing only errors worth showing', async () => {
    const { context, transport, conversations } = setUp();
    // Offline: it fails quietly and is remembered, to load once connected.
    expect((await conversations.listConversations()).ok).toBe(false);
    expect(context.snapshot.chat.error).toBeNull();
    expect(conversations.listing).toBe(true);
    transport.connect();
    await conversations.listConversations();
    await conversations.loadMoreConversations();
    expect(await conversations.loadMoreConversations()).toBeNull();
    expect(context.snapshot.chat.conversations.map((item) => item.id).sort()).toEqual([
      'a',
      'b',
      'c',
    ]);
    await conversations.renameConversation('b', 'Renamed');
    expect(context.snapshot.chat.conversations.find((item) => item.id === 'b')!.title).toBe(
      'Renamed',
    );
    await conversations.deleteConversation('a');
    expect(conversations.target).toBeUndefined();
    await conversations.deleteConversation('c');
    expect(context.snapshot.chat.conversations.map((item) => item.id).sort()).toEqual(['b', 'c']);
    expect(context.snapshot.chat.error?.code).toBe('forbidden');
  });

  it('opens through the join, leaves the previous room, and waits for the connection', async () => {
    const { context, transport, conversations, join } = setUp();
    expect((await conversations.open('b')).ok).toBe(false);
    expect(conversations.target).toBe('b');
    expect(join).not.toHaveBeenCalled();
    transport.connect();
    const [first, again] = [conversations.open('b'), conversations.open('b')];
    expect(first).toBe(again);
    await first;
    await conversations.open('c');
    expect(join.mock.calls.map(([id]) => id)).toEqual(['b', 'c']);
    expect(transport.requests.filter((request) => request.event === 'conversations:leave')).toEqual(
      [{ event: 'conversations:leave', payload: { conversationId: 'b' } }],
    );
    expect((await conversations.open('c')).ok).toBe(true);
    await conversations.leave();
    expect(context.snapshot.chat.conversation).toBeNull();
    expect(conversations.target).toBeUndefined();
  });
});
