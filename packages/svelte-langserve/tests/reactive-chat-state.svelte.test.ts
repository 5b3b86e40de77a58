import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { ChatController, InMemoryTransport, messageText } from '../src/lib/client/index.js';
import { ok, type RequestPayload } from '../src/lib/protocol/index.js';
import { createChatStore } from '../src/lib/state/index.js';
import { ReactiveChatState } from '../src/lib/state/reactive-chat-state.svelte.js';
import { agent, conversation, runEvents, userMessage } from './fixtures.js';

function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => void queue.push(flush),
    runFrame: () => queue.splice(0).forEach((flush) => flush()),
  };
}

const handlers = {
  'agents:list': () => ok({ agents: [agent] }),
  'conversations:join': () => ok({ conversation, messages: [], hasMore: false, runs: [] }),
};

/** A controller over a `ReactiveChatState` whose frames run by hand, connected to conversation c1. */
async function connected() {
  const frames = manualFrames();
  const state = new ReactiveChatState(frames.schedule);
  const transport = new InMemoryTransport({ speed: 0, handlers });
  const controller = new ChatController({ transport, state, conversationId: 'c1' });
  controller.connect();
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { frames, state, transport, controller };
}

describe('ReactiveChatState injected into a ChatController', () => {
  it('keeps the snapshot current at once and its $state fields one frame behind', async () => {
    const { frames, state, controller } = await connected();
    // The controller decides from the current snapshot; what is shown waits for the frame.
    expect(state.snapshot.chat.conversation?.id).toBe('c1');
    expect(state.connection.status).toBe('idle');
    expect(state.chat.conversation).toBeNull();
    frames.runFrame();
    expect(state.connection.status).toBe('connected');
    expect(state.agents).toEqual([agent]);
    expect(state.chat.conversation?.id).toBe('c1');
    controller.dispose();
  });

  it('writes only the fields that changed: a text delta does not touch connection or agents', async () => {
    const { frames, state, transport, controller } = await connected();
    frames.runFrame();
    const runs = { chat: 0, connection: 0, agents: 0 };
    const texts: string[] = [];
    const cleanup = $effect.root(() => {
      $effect(() => {
        texts.push(state.chat.messages.map(messageText).join('|'));
        runs.chat += 1;
      });
      $effect(() => {
        void state.connection;
        runs.connection += 1;
      });
      $effect(() => {
        void state.agents;
        runs.agents += 1;
      });
    });
    flushSync();
    const [start, first, second] = runEvents(['Hel', 'lo']);
    for (const event of [start!, first!, second!]) transport.emit('run:event', event);
    frames.runFrame();
    flushSync();
    // Three events in one frame: one update of `chat`, none of the others.
    expect(runs).toEqual({ chat: 2, connection: 1, agents: 1 });
    expect(texts.at(-1)).toBe('Hello');
    controller.dispose();
    transport.emit('run:event', { ...second!, seq: 3, text: '!' } as typeof second & {});
    frames.runFrame();
    flushSync();
    expect(runs.chat).toBe(2);
    cleanup();
  });

  it('a frame of text deltas does not re-run what reads only the status or the conversation', async () => {
    const { frames, state, transport, controller } = await connected();
    const [start, first, second] = runEvents(['Hel', 'lo']);
    transport.emit('run:event', start!);
    frames.runFrame();
    const runs = { chat: 0, status: 0, conversation: 0 };
    const cleanup = $effect.root(() => {
      $effect(() => {
        void state.chat;
        runs.chat += 1;
      });
      $effect(() => {
        void state.status;
        runs.status += 1;
      });
      $effect(() => {
        void state.conversation;
        void state.conversations;
        void state.error;
        void state.hasMore;
        runs.conversation += 1;
      });
    });
    flushSync();
    expect(state.status).toBe('streaming');
    for (const event of [first!, second!]) {
      transport.emit('run:event', event);
      frames.runFrame();
      flushSync();
    }
    expect(runs).toEqual({ chat: 3, status: 1, conversation: 1 });
    expect(messageText(state.chat.messages.at(-1)!)).toBe('Hello');
    controller.dispose();
    cleanup();
  });

  it('is what createChatStore injects, and the store’s actions are the controller’s', async () => {
    const transport = new InMemoryTransport({ speed: 0, handlers });
    const store = createChatStore({ transport, conversationId: 'c1' });
    expect(store.controller.state).toBeInstanceOf(ReactiveChatState);
    store.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.conversation?.id).toBe('c1');
    expect(store.connection.status).toBe('connected');
    store.clearError();
    store.newConversation();
    expect(store.controller.snapshot.chat.conversation).toBeNull();
    store.destroy();
    expect(transport.connected).toBe(false);
  });

  it('sends with the store’s agents and settings, and the parent a call names', async () => {
    const received: RequestPayload<'messages:send'>[] = [];
    const transport = new InMemoryTransport({
      speed: 0,
      handlers: {
        ...handlers,
        'messages:send': (payload) => {
          received.push(payload);
          return ok({
            message: userMessage({ clientMessageId: payload.clientMessageId }),
            runs: [],
          });
        },
      },
    });
    const store = createChatStore({ transport, conversationId: 'c1' });
    store.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    store.agentIds = ['chatbot'];
    store.settings = { temperature: 0.5 };
    await store.send('A new root', { parentId: null });
    expect(received).toEqual([
      expect.objectContaining({
        agentIds: ['chatbot'],
        settings: { temperature: 0.5 },
        parentId: null,
      }),
    ]);
    store.destroy();
  });
});
