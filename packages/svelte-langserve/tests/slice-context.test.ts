import { describe, expect, it, vi } from 'vitest';
import {
  ChatController,
  InMemoryTransport,
  PlainChatState,
  initialChatSnapshot,
  type ChatSnapshot,
} from '../src/lib/client/index.js';
import { snapshotReducer } from '../src/lib/client/slices/context.js';
import { fail, ok } from '../src/lib/protocol/index.js';
import { agent } from './fixtures.js';
import { sliceContext } from './fixtures/slice-context.js';

describe('snapshotReducer', () => {
  it('moves the connection, loads agents and applies chat actions, same object when unchanged', () => {
    const connected = snapshotReducer(initialChatSnapshot, {
      type: 'connection',
      event: { type: 'connected', recovered: false },
    });
    expect(connected.connection.status).toBe('connected');
    expect(connected.chat).toBe(initialChatSnapshot.chat);
    // A transition the table does not list changes nothing.
    expect(snapshotReducer(connected, { type: 'connection', event: { type: 'replayed' } })).toBe(
      connected,
    );
    expect(snapshotReducer(connected, { type: 'agents-loaded', agents: [agent] }).agents).toEqual([
      agent,
    ]);
    expect(snapshotReducer(connected, { type: 'clear-error' })).toBe(connected);
  });
});

describe('ChatContext', () => {
  it('shows a failed request’s error once, unless told not to', async () => {
    const { context, transport } = sliceContext({
      'agents:list': () => fail('limit_exceeded', 'Slow down.', { limit: 'rate' }),
    });
    const seen: ChatSnapshot[] = [];
    context.state.subscribe((snapshot) => seen.push(snapshot));
    transport.connect();
    seen.length = 0;
    await context.request('agents:list', {}, false);
    await context.request('agents:list', {}, (error) => error.code !== 'limit_exceeded');
    expect(seen).toEqual([]);
    const result = await context.request('agents:list', {});
    expect(result.ok).toBe(false);
    expect(seen).toHaveLength(1);
    expect(context.snapshot.chat.error?.message).toBe('Slow down.');
  });

  it('is online only while connected or replaying, and stops on dispose', () => {
    const { context, transport, state } = sliceContext();
    expect(context.online).toBe(false);
    transport.connect();
    expect(context.online).toBe(true);
    context.dispatch({ type: 'connection', event: { type: 'replaying' } });
    expect(context.online).toBe(true);
    const release = vi.fn();
    const forgotten = vi.fn();
    context.onDispose(release);
    context.onDispose(forgotten)();
    const listener = vi.fn();
    state.subscribe(listener);
    context.dispose();
    expect(release).toHaveBeenCalledOnce();
    expect(forgotten).not.toHaveBeenCalled();
    context.dispatch({ type: 'clear-error' });
    context.dispatch({ type: 'agents-loaded', agents: [agent] });
    expect(listener).not.toHaveBeenCalled();
    expect(context.snapshot.agents).toEqual([]);
  });
});

describe('ChatController with an injected state', () => {
  it('keeps its snapshots in the state it is given and reads them back from it', async () => {
    const transport = new InMemoryTransport({
      handlers: { 'agents:list': () => ok({ agents: [agent] }) },
    });
    const state = new PlainChatState();
    const set = vi.spyOn(state, 'set');
    const controller = new ChatController({ transport, state });
    expect(controller.state).toBe(state);
    controller.connect();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(set).toHaveBeenCalled();
    expect(state.snapshot.agents).toEqual([agent]);
    expect(controller.snapshot).toBe(state.snapshot);
    controller.dispose();
    expect(transport.connected).toBe(false);
  });

  it('offers each slice’s actions as its own methods', () => {
    const controller = new ChatController({ transport: new InMemoryTransport() });
    for (const name of ['send', 'edit', 'regenerate', 'cancel', 'open', 'leave', 'join'] as const)
      expect(typeof controller[name]).toBe('function');
    for (const name of ['listConversations', 'loadOlder', 'feedback', 'newConversation'] as const)
      expect(typeof controller[name]).toBe('function');
    controller.dispose();
  });
});
