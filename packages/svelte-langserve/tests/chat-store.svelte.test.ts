import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { ChatController, InMemoryTransport, messageText } from '../src/lib/client/index.js';
import { ok } from '../src/lib/protocol/index.js';
import { ChatStore, createChatStore } from '../src/lib/state/index.js';
import { agent, conversation, runEvents, userMessage } from './fixtures.js';

function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => void queue.push(flush),
    runFrame: () => queue.splice(0).forEach((flush) => flush()),
    get pending() {
      return queue.length;
    },
  };
}

describe('ChatStore (runes)', () => {
  it('publishes connection changes on the next frame, not before', () => {
    const transport = new InMemoryTransport({
      handlers: { 'agents:list': () => ok({ agents: [agent] }) },
    });
    const frames = manualFrames();
    const store = new ChatStore(new ChatController({ transport }), frames.schedule);
    transport.connect();
    expect(store.connection.status).toBe('idle');
    expect(frames.pending).toBe(1);
    frames.runFrame();
    expect(store.connection.status).toBe('connected');
    expect(frames.pending).toBe(0);
    store.destroy();
  });

  it('shows a streamed answer once frames run, and stops updating after destroy', async () => {
    const frames = manualFrames();
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:create': () => ok({ conversation }),
        'messages:send': (payload, context) => {
          for (const event of runEvents(['Hel', 'lo'])) context.emit('run:event', event);
          return ok({
            message: {
              id: 'm1',
              conversationId: 'c1',
              role: 'user',
              parts: [{ type: 'text', text: payload.text }],
              status: 'complete',
              createdAt: '2026-01-01T00:00:00.000Z',
              clientMessageId: payload.clientMessageId,
            },
            runs: [],
          });
        },
      },
    });
    const store = new ChatStore(new ChatController({ transport }), frames.schedule);
    const renders: string[] = [];
    const cleanup = $effect.root(() => {
      $effect(() => {
        renders.push(store.messages.map(messageText).join('|'));
      });
    });
    flushSync();
    store.connect();
    await store.send('Hi');
    await Promise.resolve();
    expect(store.messages).toHaveLength(0);
    frames.runFrame();
    flushSync();
    expect(store.messages.map(messageText)).toEqual(['Hi', 'Hello']);
    expect(store.agents).toEqual([agent]);
    expect(store.status).toBe('ready');
    // Every event of the run arrived in one frame: the effect ran once for them.
    expect(renders).toEqual(['', 'Hi|Hello']);

    store.destroy();
    transport.emit('run:event', { ...runEvents(['x'], { runId: 'r2', messageId: 'a2' })[0]! });
    frames.runFrame();
    flushSync();
    expect(store.messages).toHaveLength(2);
    expect(transport.connected).toBe(false);
    cleanup();
  });

  it('keeps what a text delta does not change: messages shown, sibling positions', async () => {
    const history = Array.from({ length: 6 }, (_, index) =>
      userMessage({
        id: `h${index}`,
        clientMessageId: `client-h${index}`,
        ...(index ? { parentId: `h${index - 1}` } : {}),
      }),
    );
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:join': () =>
          ok({ conversation, messages: history, hasMore: false, runs: [] }),
      },
    });
    const frames = manualFrames();
    const store = new ChatStore(new ChatController({ transport }), frames.schedule);
    store.connect();
    await store.open('c1');
    const [start, first, second] = runEvents(['Hel', 'lo'], { messageId: 'a1' });
    transport.emit('run:event', { ...start!, parentId: 'h5' } as typeof start & {});
    transport.emit('run:event', first!);
    frames.runFrame();
    const shown = store.visibleMessages;
    const position = store.siblingsOf('h3');
    expect(shown.map((message) => message.id)).toEqual([...history.map(({ id }) => id), 'a1']);

    let shownRuns = 0;
    let positionRuns = 0;
    const cleanup = $effect.root(() => {
      $effect(() => {
        void store.siblingsOf('h3');
        positionRuns += 1;
      });
      $effect(() => {
        void store.visibleMessages;
        shownRuns += 1;
      });
    });
    flushSync();
    transport.emit('run:event', second!);
    frames.runFrame();
    flushSync();
    const next = store.visibleMessages;
    expect(messageText(next.at(-1)!)).toBe('Hello');
    // Only the streaming message is new; the rest are the very same objects.
    next.slice(0, -1).forEach((message, index) => expect(message).toBe(shown[index]));
    expect(store.siblingsOf('h3')).toBe(position);
    expect(shownRuns).toBe(2);
    // Its position did not change: what reads it did not run again.
    expect(positionRuns).toBe(1);
    cleanup();
    store.destroy();
  });

  it('creates a Socket.IO store from a URL and an in-memory one from a transport', () => {
    const remote = createChatStore({ url: 'http://127.0.0.1:9' });
    expect(remote.connection.status).toBe('idle');
    remote.destroy();
    const transport = new InMemoryTransport();
    const local = createChatStore({ transport });
    local.connect();
    expect(transport.connected).toBe(true);
    local.destroy();
  });

  it('sends its agents and settings unless the call names others', async () => {
    const received: unknown[] = [];
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:create': () => ok({ conversation }),
        'messages:send': (payload) => {
          received.push(payload);
          return ok({
            message: userMessage({ clientMessageId: payload.clientMessageId }),
            runs: [],
          });
        },
      },
    });
    const store = new ChatStore(new ChatController({ transport }), () => {});
    store.connect();
    await store.send('Plain');
    store.agentIds = ['chatbot'];
    store.settings = { temperature: 0.3 };
    await store.send('Stored');
    await store.send('Explicit', { settings: { maxTokens: 5 } });
    expect(received).toEqual([
      expect.not.objectContaining({ settings: expect.anything() }),
      expect.objectContaining({ agentIds: ['chatbot'], settings: { temperature: 0.3 } }),
      expect.objectContaining({ agentIds: ['chatbot'], settings: { maxTokens: 5 } }),
    ]);
    store.destroy();
  });
});
