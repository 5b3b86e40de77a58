import { describe, expect, it } from 'vitest';
import { BranchView } from '../src/lib/client/branches.js';
import {
  ChatController,
  InMemoryTransport,
  chatReducer,
  initialChatState,
  messageText,
  siblingPosition,
  siblingPositions,
  visibleMessages,
  type ChatAction,
  type ChatState,
} from '../src/lib/client/index.js';
import { ok, type Message, type RequestPayload } from '../src/lib/protocol/index.js';
import { agent, conversation, runEvents, userMessage } from './fixtures.js';

const apply = (state: ChatState, actions: ChatAction[]) => actions.reduce(chatReducer, state);
const ids = (state: ChatState) => visibleMessages(state).map((message) => message.id);

const user = (id: string, parentId?: string): Message =>
  userMessage({ id, clientMessageId: `client-${id}`, ...(parentId ? { parentId } : {}) });
const answer = (id: string, parentId?: string): Message => ({
  id,
  conversationId: 'c1',
  role: 'assistant',
  parts: [{ type: 'text', text: id }],
  status: 'complete',
  createdAt: '2026-01-01T00:00:02.000Z',
  agentId: 'chatbot',
  ...(parentId ? { parentId } : {}),
});

/** u1 → a1 | a1b | a1c (three versions of the answer); a1 → u2 → a2. */
const tree: Message[] = [
  user('u1'),
  answer('a1', 'u1'),
  user('u2', 'a1'),
  answer('a2', 'u2'),
  answer('a1b', 'u1'),
  answer('a1c', 'u1'),
];
const join = (messages: Message[]): ChatState =>
  chatReducer(initialChatState, { type: 'joined', conversation, messages, runs: [] });

describe('message tree', () => {
  it('shows the answers of several agents to one message together; versions are per agent', () => {
    const by = (message: Message, agentId: string): Message => ({ ...message, agentId });
    const parallel: Message[] = [
      user('q'),
      by(answer('chat-1', 'q'), 'chatbot'),
      by(answer('code-1', 'q'), 'code-assistant'),
      // chatbot's answer regenerated: a version of chat-1, not of code-1.
      by(answer('chat-2', 'q'), 'chatbot'),
      // The next question follows the last answer shown.
      user('q2', 'chat-2'),
      by(answer('chat-3', 'q2'), 'chatbot'),
    ];
    const state = join(parallel);
    expect(ids(state)).toEqual(['q', 'code-1', 'chat-2', 'q2', 'chat-3']);
    expect(siblingPosition(state, 'chat-2')).toMatchObject({ index: 1, count: 2 });
    expect(siblingPosition(state, 'code-1')).toMatchObject({ index: 0, count: 1 });
    // Back to chatbot's first version: code-assistant's answer stays; q2 followed chat-2, so the
    // conversation goes on from the shown answer that has a follow-up — none now.
    const first = chatReducer(state, { type: 'branch-selected', messageId: 'chat-1' });
    expect(ids(first)).toEqual(['q', 'chat-1', 'code-1']);
  });

  it('shows the newest child of each message by default', () => {
    expect(ids(join(tree))).toEqual(['u1', 'a1c']);
    expect(siblingPosition(join(tree), 'a1b')).toMatchObject({ index: 1, count: 3 });
    expect(siblingPosition(join(tree), 'u1')).toMatchObject({ index: 0, count: 1 });
  });

  it('follows the selected child, and keeps it on a re-join of the same conversation', () => {
    const state = chatReducer(join(tree), { type: 'branch-selected', messageId: 'a1' });
    expect(ids(state)).toEqual(['u1', 'a1', 'u2', 'a2']);
    const rejoined = chatReducer(state, {
      type: 'joined',
      conversation,
      messages: tree,
      runs: [],
    });
    expect(ids(rejoined)).toEqual(['u1', 'a1', 'u2', 'a2']);
    const other = chatReducer(rejoined, {
      type: 'joined',
      conversation: { ...conversation, id: 'c2' },
      messages: [],
      runs: [],
    });
    expect(other.selection).toEqual({});
  });

  it('renders a legacy list (no parentId) in order', () => {
    const legacy = [user('u1'), answer('a1'), user('u2'), answer('a2')];
    expect(ids(join(legacy))).toEqual(['u1', 'a1', 'u2', 'a2']);
  });

  it('treats a message without parentId after branched ones as a new root', () => {
    const state = join([user('u1'), answer('a1', 'u1'), user('u1b'), answer('a1d', 'u1b')]);
    expect(ids(state)).toEqual(['u1b', 'a1d']);
    expect(siblingPosition(state, 'u1b')).toMatchObject({ index: 1, count: 2 });
    expect(ids(chatReducer(state, { type: 'branch-selected', messageId: 'u1' }))).toEqual([
      'u1',
      'a1',
    ]);
  });

  it('gives an answer created by a start event its parentId and shows it', () => {
    const selected = chatReducer(join(tree), { type: 'branch-selected', messageId: 'a1' });
    const [start] = runEvents([], { runId: 'r9', messageId: 'a1e' });
    const state = apply(selected, [
      { type: 'run-event', event: { ...start!, type: 'start', parentId: 'u1' } as never },
    ]);
    expect(state.messages.at(-1)?.parentId).toBe('u1');
    expect(ids(state)).toEqual(['u1', 'a1e']);
    expect(siblingPosition(state, 'a1e')).toMatchObject({ index: 3, count: 4 });
  });
});

describe('BranchView (the tree, kept while only text changes)', () => {
  /** The tree, a1 shown, with a streaming answer to u2 (a2b, a version of a2) that r9 writes. */
  const streaming = () => {
    const [start, delta] = runEvents(['Hel'], { runId: 'r9', messageId: 'a2b' });
    return apply(join(tree), [
      { type: 'branch-selected', messageId: 'a1' },
      { type: 'run-event', event: { ...start!, parentId: 'u2' } as never },
      { type: 'run-event', event: delta! },
    ]);
  };
  const delta = (state: ChatState, text: string): ChatState => {
    const nextSeq = state.runs.r9!.nextSeq;
    const [, event] = runEvents([text], { runId: 'r9', messageId: 'a2b' });
    return chatReducer(state, { type: 'run-event', event: { ...event!, seq: nextSeq } });
  };

  it('answers as visibleMessages and siblingPositions do', () => {
    const view = new BranchView();
    let state = streaming();
    expect(view.visible(state)).toEqual(visibleMessages(state));
    expect(view.positions(state.messages)).toEqual(siblingPositions(state.messages));
    state = chatReducer(state, { type: 'branch-selected', messageId: 'a1b' });
    expect(view.visible(state).map((message) => message.id)).toEqual(['u1', 'a1b']);
    expect(view.visible(state)).toEqual(visibleMessages(state));
    state = chatReducer(state, { type: 'branch-selected', messageId: 'a1' });
    expect(view.visible(state)).toEqual(visibleMessages(state));
  });

  it('keeps the positions and every unchanged message across a text delta', () => {
    const view = new BranchView();
    const before = streaming();
    const shown = view.visible(before);
    const positions = view.positions(before.messages);
    const after = delta(before, 'lo');
    const next = view.visible(after);
    // The same tree: the very same positions map, and only the streaming message replaced.
    expect(view.positions(after.messages)).toBe(positions);
    expect(next).not.toBe(shown);
    expect(next.map((message) => message.id)).toEqual(['u1', 'a1', 'u2', 'a2b']);
    next.slice(0, -1).forEach((message, index) => expect(message).toBe(shown[index]));
    expect(messageText(next.at(-1)!)).toBe('Hello');
    expect(next).toEqual(visibleMessages(after));
    // Asked again for the same state: the same array.
    expect(view.visible(after)).toBe(next);
  });

  it('keeps the shown array when only a message not shown changed', () => {
    const view = new BranchView();
    const state = join(tree);
    const shown = view.visible(state);
    expect(shown.map((message) => message.id)).not.toContain('a1b');
    const rated = chatReducer(state, {
      type: 'feedback-set',
      messageId: 'a1b',
      feedback: { value: 1 },
    });
    expect(rated.messages).not.toBe(state.messages);
    expect(view.visible(rated)).toBe(shown);
  });

  it('works the tree out again when a message is added, removed or re-parented', () => {
    const view = new BranchView();
    const state = join(tree);
    const positions = view.positions(state.messages);
    view.visible(state);
    const added = streaming();
    expect(view.positions(added.messages)).not.toBe(positions);
    expect(view.positions(added.messages)).toEqual(siblingPositions(added.messages));
    expect(view.visible(added)).toEqual(visibleMessages(added));
    const moved = {
      ...added,
      messages: added.messages.map((message) =>
        message.id === 'u2' ? { ...message, parentId: 'a1c' } : message,
      ),
    };
    expect(view.visible(moved)).toEqual(visibleMessages(moved));
    expect(view.positions(moved.messages)).toEqual(siblingPositions(moved.messages));
    const removed = { ...moved, messages: moved.messages.slice(0, -1) };
    expect(view.visible(removed)).toEqual(visibleMessages(removed));
  });
});

function branchingServer(stored: Message[] = tree) {
  const sent: RequestPayload<'messages:send'>[] = [];
  const regenerated: RequestPayload<'messages:regenerate'>[] = [];
  let next = 0;
  const transport = new InMemoryTransport({
    speed: 0,
    handlers: {
      'agents:list': () => ok({ agents: [agent] }),
      'conversations:join': () => ok({ conversation, messages: stored, hasMore: true, runs: [] }),
      'messages:send': (payload) => {
        sent.push(payload);
        next += 1;
        return ok({
          message: {
            ...user(`s${next}`),
            clientMessageId: payload.clientMessageId,
            ...(payload.parentId ? { parentId: payload.parentId } : {}),
          },
          runs: [],
        });
      },
      'messages:regenerate': (payload) => {
        regenerated.push(payload);
        return ok({ runs: [] });
      },
    },
  });
  return { transport, sent, regenerated };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ChatController branches', () => {
  async function connected(stored?: Message[]) {
    const server = branchingServer(stored);
    const controller = new ChatController({ transport: server.transport, conversationId: 'c1' });
    controller.connect();
    await settle();
    return { ...server, controller };
  }

  it('sends with the last visible message as parent, after a reload too', async () => {
    const { controller, sent } = await connected();
    controller.selectBranch('a1c', 0);
    expect(ids(controller.snapshot.chat)).toEqual(['u1', 'a1', 'u2', 'a2']);
    await controller.send('More');
    expect(sent.at(-1)?.parentId).toBe('a2');
    expect(ids(controller.snapshot.chat)).toEqual(['u1', 'a1', 'u2', 'a2', 's1']);
  });

  it('names a message sent just before by its server id', async () => {
    const { controller, sent } = await connected();
    await Promise.all([controller.send('One'), controller.send('Two')]);
    expect(sent.map((payload) => payload.parentId)).toEqual(['a1c', 's1']);
    expect(ids(controller.snapshot.chat)).toEqual(['u1', 'a1c', 's1', 's2']);
  });

  it('navigates versions by direction, clamped at the ends', async () => {
    const { controller } = await connected();
    controller.selectBranch('a1c', 'previous');
    expect(ids(controller.snapshot.chat)).toEqual(['u1', 'a1b']);
    controller.selectBranch('a1b', 'previous');
    controller.selectBranch('a1', 'previous');
    expect(ids(controller.snapshot.chat).at(-1)).toBe('a2');
    controller.selectBranch('a1', 'next');
    expect(ids(controller.snapshot.chat)).toEqual(['u1', 'a1b']);
  });

  it('edits a message as a send with its parent (null for a root) and shows the new version', async () => {
    const { controller, sent } = await connected();
    controller.selectBranch('a1c', 0);
    await controller.edit('u2', 'Changed');
    expect(sent.at(-1)).toMatchObject({ text: 'Changed', parentId: 'a1' });
    expect(ids(controller.snapshot.chat)).toEqual(['u1', 'a1', 's1']);
    expect(siblingPosition(controller.snapshot.chat, 's1')).toMatchObject({ index: 1, count: 2 });
    await controller.edit('u1', 'New start');
    expect(sent.at(-1)).toMatchObject({ text: 'New start', parentId: null });
  });

  it('edits with the parent a message names even when that parent is not loaded', async () => {
    const { controller, sent } = await connected([user('u5', 'older'), answer('a5', 'u5')]);
    expect(ids(controller.snapshot.chat)).toEqual(['u5', 'a5']);
    await controller.edit('u5', 'Again');
    expect(sent.at(-1)?.parentId).toBe('older');
    expect((await controller.edit('unknown', 'x')).ok).toBe(false);
  });

  it('regenerates an answer by its id', async () => {
    const { controller, regenerated } = await connected();
    const result = await controller.regenerate('a1c', { settings: { temperature: 0.2 } });
    expect(result.ok).toBe(true);
    expect(regenerated).toEqual([
      { conversationId: 'c1', messageId: 'a1c', settings: { temperature: 0.2 } },
    ]);
  });
});
