import { describe, expect, it } from 'vitest';
import {
  ChatController,
  InMemoryTransport,
  chatReducer,
  initialChatState,
  messageText,
  type ChatAction,
  type ChatState,
} from '../src/lib/client/index.js';
import {
  fail,
  ok,
  type Conversation,
  type Message,
  type RequestPayload,
} from '../src/lib/protocol/index.js';
import { userMessage } from './fixtures.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

function conversationAt(id: string, minute: number, title = `Conversation ${id}`): Conversation {
  return { id, title, agentIds: ['chatbot'], createdAt: at(0), updatedAt: at(minute) };
}

function messagesOf(conversationId: string, count: number): Message[] {
  return Array.from({ length: count }, (_, index) =>
    userMessage({
      id: `${conversationId}-m${index}`,
      conversationId,
      clientMessageId: `${conversationId}-client-${index}`,
      parts: [{ type: 'text', text: `${conversationId} #${index}` }],
      createdAt: at(index),
    }),
  );
}

const apply = (state: ChatState, actions: ChatAction[]) => actions.reduce(chatReducer, state);

describe('chatReducer: conversations', () => {
  const a = conversationAt('a', 3);
  const b = conversationAt('b', 2);
  const c = conversationAt('c', 1);

  it('replaces the list with a first page and appends later pages, newest first', () => {
    const first = chatReducer(initialChatState, {
      type: 'conversations-listed',
      conversations: [a, b],
      nextCursor: 'page-2',
      append: false,
    });
    expect(first.conversations.map((item) => item.id)).toEqual(['a', 'b']);
    expect(first.nextCursor).toBe('page-2');
    // A later page, with one overlap (a conversation moved between requests).
    const second = chatReducer(first, {
      type: 'conversations-listed',
      conversations: [b, c],
      nextCursor: null,
      append: true,
    });
    expect(second.conversations.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    expect(second.nextCursor).toBeNull();
    const reloaded = chatReducer(second, {
      type: 'conversations-listed',
      conversations: [c],
      nextCursor: null,
      append: false,
    });
    expect(reloaded.conversations.map((item) => item.id)).toEqual(['c']);
  });

  it('updates a listed conversation in place and re-sorts it; ignores unknown ones', () => {
    const listed = chatReducer(initialChatState, {
      type: 'conversations-listed',
      conversations: [a, b, c],
      nextCursor: null,
      append: false,
    });
    const renamed = chatReducer(listed, {
      type: 'conversation-updated',
      conversation: { ...c, title: 'Renamed', updatedAt: at(9) },
    });
    expect(renamed.conversations.map((item) => [item.id, item.title])).toEqual([
      ['c', 'Renamed'],
      ['a', 'Conversation a'],
      ['b', 'Conversation b'],
    ]);
    const unknown = conversationAt('zzz', 10);
    expect(chatReducer(listed, { type: 'conversation-updated', conversation: unknown })).toBe(
      listed,
    );
  });

  it('renames the open conversation too', () => {
    const open = chatReducer(initialChatState, {
      type: 'joined',
      conversation: a,
      messages: [],
      runs: [],
    });
    const renamed = chatReducer(open, {
      type: 'conversation-updated',
      conversation: { ...a, title: 'New title' },
    });
    expect(renamed.conversation?.title).toBe('New title');
    expect(renamed.conversations.map((item) => item.title)).toEqual(['New title']);
  });

  it('deleting the open conversation clears it; deleting another only shortens the list', () => {
    const state = apply(initialChatState, [
      { type: 'conversations-listed', conversations: [a, b], nextCursor: null, append: false },
      { type: 'joined', conversation: a, messages: messagesOf('a', 2), runs: [], hasMore: true },
    ]);
    expect(state.hasMore).toBe(true);
    const withoutB = chatReducer(state, { type: 'conversation-deleted', conversationId: 'b' });
    expect(withoutB.conversation?.id).toBe('a');
    expect(withoutB.messages).toHaveLength(2);
    expect(withoutB.conversations.map((item) => item.id)).toEqual(['a']);
    const withoutA = chatReducer(withoutB, { type: 'conversation-deleted', conversationId: 'a' });
    expect(withoutA.conversation).toBeNull();
    expect(withoutA.messages).toEqual([]);
    expect(withoutA.hasMore).toBe(false);
    expect(withoutA.conversations).toEqual([]);
    expect(chatReducer(withoutA, { type: 'conversation-deleted', conversationId: 'x' })).toBe(
      withoutA,
    );
  });

  it('puts an older page first, skipping messages already held, and keeps hasMore', () => {
    const all = messagesOf('a', 6);
    const open = chatReducer(initialChatState, {
      type: 'joined',
      conversation: a,
      messages: all.slice(3),
      runs: [],
      hasMore: true,
    });
    const older = chatReducer(open, {
      type: 'history-loaded',
      conversationId: 'a',
      messages: all.slice(0, 4),
      hasMore: false,
    });
    expect(older.messages.map((message) => message.id)).toEqual(all.map((message) => message.id));
    expect(older.hasMore).toBe(false);
    // A page for a conversation no longer open changes nothing.
    expect(
      chatReducer(older, {
        type: 'history-loaded',
        conversationId: 'b',
        messages: all,
        hasMore: true,
      }),
    ).toBe(older);
  });

  it('a new message moves its conversation to the top of the list', () => {
    const state = apply(initialChatState, [
      { type: 'conversations-listed', conversations: [a, b], nextCursor: null, append: false },
      { type: 'joined', conversation: b, messages: [], runs: [] },
      {
        type: 'message-created',
        message: userMessage({ id: 'new', conversationId: 'b', createdAt: at(30) }),
      },
    ]);
    expect(state.conversations.map((item) => item.id)).toEqual(['b', 'a']);
  });

  it('an acknowledgement for a conversation no longer open does not add its message', () => {
    const state = apply(initialChatState, [
      { type: 'conversations-listed', conversations: [a, b], nextCursor: null, append: false },
      { type: 'joined', conversation: b, messages: [], runs: [] },
    ]);
    const acked = chatReducer(state, {
      type: 'send-ok',
      clientMessageId: 'late',
      message: userMessage({ id: 'late', conversationId: 'a', createdAt: at(40) }),
      runs: [],
    });
    expect(acked.messages).toEqual([]);
    expect(acked.conversations.map((item) => item.id)).toEqual(['a', 'b']);
    expect(acked.conversations[0]!.updatedAt).toBe(at(40));
  });

  it('closing keeps the list and drops the open conversation', () => {
    const state = apply(initialChatState, [
      { type: 'joined', conversation: a, messages: messagesOf('a', 1), runs: [] },
      { type: 'closed' },
    ]);
    expect(state.conversation).toBeNull();
    expect(state.messages).toEqual([]);
    expect(state.conversations.map((item) => item.id)).toEqual(['a']);
    expect(chatReducer(state, { type: 'closed' })).toBe(state);
  });
});

/** A scripted server holding conversations and their messages, with membership by room. */
function conversationServer(options: { conversations: number; messages?: number }) {
  const conversations = Array.from({ length: options.conversations }, (_, index) =>
    conversationAt(`c${index}`, 100 - index),
  );
  const history = new Map(
    conversations.map((conversation) => [
      conversation.id,
      messagesOf(conversation.id, options.messages ?? 3),
    ]),
  );
  const pageSize = 2;
  const transport = new InMemoryTransport({
    speed: 0,
    handlers: {
      'agents:list': () => ok({ agents: [] }),
      'conversations:list': (payload: RequestPayload<'conversations:list'>) => {
        const start = payload.cursor ? Number(payload.cursor) : 0;
        const limit = payload.limit ?? pageSize;
        const end = start + limit;
        return ok({
          conversations: conversations.slice(start, end),
          nextCursor: end < conversations.length ? String(end) : null,
        });
      },
      'conversations:join': ({ conversationId, limit }) => {
        const conversation = conversations.find((item) => item.id === conversationId);
        if (!conversation) return fail('not_found', 'No such conversation.');
        const messages = history.get(conversationId)!;
        const page = limit ?? 2;
        return ok({
          conversation,
          messages: messages.slice(-page),
          hasMore: messages.length > page,
          runs: [],
        });
      },
      'conversations:leave': ({ conversationId }) => ok({ conversationId }),
      'messages:history': ({ conversationId, before, limit }) => {
        const messages = history.get(conversationId)!;
        const end = messages.findIndex((message) => message.id === before);
        const start = Math.max(0, end - (limit ?? 2));
        return ok({ messages: messages.slice(start, end), hasMore: start > 0 });
      },
      'conversations:update': ({ conversationId, title }) => {
        const index = conversations.findIndex((item) => item.id === conversationId);
        if (index === -1) return fail('not_found', 'No such conversation.');
        const updated = { ...conversations[index]!, title: title!, updatedAt: at(500) };
        conversations[index] = updated;
        return ok({ conversation: updated });
      },
      'conversations:delete': ({ conversationId }) => {
        if (conversationId === 'not-mine') return fail('forbidden', 'Only its owner may.');
        return ok({ conversationId });
      },
    },
  });
  return { transport, conversations };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const eventsOf = (transport: InMemoryTransport) =>
  transport.requests.map((request) => request.event);

describe('ChatController: conversations', () => {
  it('lists conversations page by page, newest first', async () => {
    const { transport } = conversationServer({ conversations: 5 });
    const controller = new ChatController({ transport });
    controller.connect();
    await settle();
    await controller.listConversations();
    expect(controller.snapshot.chat.conversations.map((item) => item.id)).toEqual(['c0', 'c1']);
    expect(controller.snapshot.chat.nextCursor).toBe('2');
    await controller.loadMoreConversations();
    await controller.loadMoreConversations();
    expect(controller.snapshot.chat.conversations.map((item) => item.id)).toEqual([
      'c0',
      'c1',
      'c2',
      'c3',
      'c4',
    ]);
    expect(controller.snapshot.chat.nextCursor).toBeNull();
    expect(await controller.loadMoreConversations()).toBeNull();
    controller.dispose();
  });

  it('asked before connecting, the list loads once connected, and again on reconnect', async () => {
    const { transport } = conversationServer({ conversations: 1 });
    const controller = new ChatController({ transport });
    const early = await controller.listConversations();
    expect(early.ok).toBe(false);
    expect(controller.snapshot.chat.error).toBeNull();
    controller.connect();
    await settle();
    expect(controller.snapshot.chat.conversations.map((item) => item.id)).toEqual(['c0']);
    transport.drop();
    transport.restore();
    await settle();
    expect(eventsOf(transport).filter((event) => event === 'conversations:list')).toHaveLength(3);
    controller.dispose();
  });

  it('opens a conversation, switches to another (leaving the first), and starts afresh', async () => {
    const { transport } = conversationServer({ conversations: 2 });
    const controller = new ChatController({ transport });
    controller.connect();
    await settle();
    await controller.open('c0');
    expect(controller.snapshot.chat.conversation?.id).toBe('c0');
    expect(controller.snapshot.chat.messages.map(messageText)).toEqual(['c0 #1', 'c0 #2']);
    expect(controller.snapshot.chat.hasMore).toBe(true);

    await controller.open('c1');
    await settle();
    expect(controller.snapshot.chat.conversation?.id).toBe('c1');
    expect(controller.snapshot.chat.messages.map(messageText)).toEqual(['c1 #1', 'c1 #2']);
    const leave = transport.requests.find((request) => request.event === 'conversations:leave');
    expect(leave?.payload).toEqual({ conversationId: 'c0' });

    // Opening the conversation already shown does not join it again.
    const joins = eventsOf(transport).filter((event) => event === 'conversations:join').length;
    await controller.open('c1');
    expect(eventsOf(transport).filter((event) => event === 'conversations:join')).toHaveLength(
      joins,
    );

    controller.newConversation();
    await settle();
    expect(controller.snapshot.chat.conversation).toBeNull();
    expect(controller.snapshot.chat.messages).toEqual([]);
    expect(transport.requests.at(-1)).toEqual({
      event: 'conversations:leave',
      payload: { conversationId: 'c1' },
    });
    // A reconnect re-joins nothing: the user started afresh.
    transport.drop();
    transport.restore();
    await settle();
    expect(controller.snapshot.chat.conversation).toBeNull();
    controller.dispose();
  });

  it('opening the same conversation twice at once joins it once', async () => {
    const { transport } = conversationServer({ conversations: 2 });
    const controller = new ChatController({ transport });
    controller.connect();
    await settle();
    const [first, second] = [controller.open('c1'), controller.open('c1')];
    expect(first).toBe(second);
    await first;
    expect(eventsOf(transport).filter((event) => event === 'conversations:join')).toHaveLength(1);
    controller.dispose();
  });

  it('opened before connecting, the conversation is joined once connected', async () => {
    const { transport } = conversationServer({ conversations: 2 });
    const controller = new ChatController({ transport });
    const result = await controller.open('c1');
    expect(result.ok).toBe(false);
    controller.connect();
    await settle();
    expect(controller.snapshot.chat.conversation?.id).toBe('c1');
    controller.dispose();
  });

  it('loads older messages page by page until there are none', async () => {
    const { transport } = conversationServer({ conversations: 1, messages: 5 });
    const controller = new ChatController({ transport });
    controller.connect();
    await settle();
    await controller.open('c0');
    // Two calls at once share one request.
    const [first, second] = [controller.loadOlder(), controller.loadOlder()];
    expect(first).toBe(second);
    await first;
    expect(controller.snapshot.chat.messages.map(messageText)).toEqual([
      'c0 #1',
      'c0 #2',
      'c0 #3',
      'c0 #4',
    ]);
    expect(controller.snapshot.chat.hasMore).toBe(true);
    await controller.loadOlder();
    expect(controller.snapshot.chat.messages).toHaveLength(5);
    expect(controller.snapshot.chat.hasMore).toBe(false);
    const requests = transport.requests.length;
    await controller.loadOlder();
    expect(transport.requests).toHaveLength(requests);
    const histories = transport.requests.filter((request) => request.event === 'messages:history');
    expect(histories.map((request) => request.payload)).toEqual([
      { conversationId: 'c0', before: 'c0-m3' },
      { conversationId: 'c0', before: 'c0-m1' },
    ]);
    controller.dispose();
  });

  it('renames and deletes; a refused delete shows its error', async () => {
    const { transport } = conversationServer({ conversations: 3 });
    const controller = new ChatController({ transport });
    controller.connect();
    await settle();
    await controller.listConversations({ limit: 3 });
    await controller.open('c2');
    await controller.renameConversation('c2', 'Trip plans');
    expect(controller.snapshot.chat.conversation?.title).toBe('Trip plans');
    expect(controller.snapshot.chat.conversations.map((item) => item.title)[0]).toBe('Trip plans');

    await controller.deleteConversation('c1');
    expect(controller.snapshot.chat.conversations.map((item) => item.id)).toEqual(['c2', 'c0']);
    await controller.deleteConversation('c2');
    expect(controller.snapshot.chat.conversation).toBeNull();
    expect(controller.snapshot.chat.conversations.map((item) => item.id)).toEqual(['c0']);

    const refused = await controller.deleteConversation('not-mine');
    expect(refused.ok).toBe(false);
    expect(controller.snapshot.chat.error?.code).toBe('forbidden');
    controller.dispose();
  });

  it('follows conversation:updated and conversation:deleted from the server', async () => {
    const { transport, conversations } = conversationServer({ conversations: 2 });
    const controller = new ChatController({ transport, conversationId: 'c0' });
    controller.connect();
    await settle();
    await controller.listConversations();
    transport.emit('conversation:updated', {
      conversation: { ...conversations[1]!, title: 'From another tab', updatedAt: at(900) },
    });
    expect(controller.snapshot.chat.conversations.map((item) => item.title)).toEqual([
      'From another tab',
      'Conversation c0',
    ]);
    transport.emit('conversation:deleted', { conversationId: 'c0' });
    expect(controller.snapshot.chat.conversation).toBeNull();
    expect(controller.snapshot.chat.conversations.map((item) => item.id)).toEqual(['c1']);
    // Deleted: a reconnect does not try to join it again.
    transport.drop();
    transport.restore();
    await settle();
    expect(controller.snapshot.chat.conversation).toBeNull();
    controller.dispose();
  });
});
