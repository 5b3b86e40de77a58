import { describe, expect, it, vi } from 'vitest';
import {
  ChatController,
  InMemoryTransport,
  messageText,
  type ChatSnapshot,
} from '../src/lib/client/index.js';
import { fail, ok, type RequestPayload, type Result } from '../src/lib/protocol/index.js';
import { agent, conversation, runEvents, userMessage } from './fixtures.js';

const runInfo = {
  id: 'r1',
  conversationId: 'c1',
  messageId: 'a1',
  agentId: 'chatbot',
  status: 'running' as const,
  seq: -1,
};

function scriptedTransport(options: { sendResults?: Result<never>[]; stepDelayMs?: number } = {}) {
  const sendResults = [...(options.sendResults ?? [])];
  return new InMemoryTransport({
    speed: options.stepDelayMs ? 1 : 0,
    handlers: {
      'agents:list': () => ok({ agents: [agent] }),
      'conversations:create': () => ok({ conversation }),
      'conversations:join': () => ok({ conversation, messages: [], hasMore: false, runs: [] }),
      'messages:send': (payload: RequestPayload<'messages:send'>, context) => {
        const failure = sendResults.shift();
        if (failure) return failure;
        void context.replay(
          runEvents(['Hi', ' there']).map((event) => ({
            delayMs: options.stepDelayMs ?? 0,
            event: 'run:event' as const,
            payload: event,
          })),
        );
        return ok({
          message: userMessage({
            clientMessageId: payload.clientMessageId,
            parts: [{ type: 'text', text: payload.text }],
          }),
          runs: [runInfo],
        });
      },
      'runs:cancel': () => fail('conflict', 'Run already ended.'),
    },
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ChatController', () => {
  it('loads agents on connect and publishes the connection status', async () => {
    const controller = new ChatController({ transport: scriptedTransport() });
    const statuses: string[] = [];
    controller.subscribe((snapshot) => statuses.push(snapshot.connection.status));
    controller.connect();
    await settle();
    expect(statuses).toContain('connecting');
    expect(controller.snapshot.connection.status).toBe('connected');
    expect(controller.snapshot.agents).toEqual([agent]);
  });

  it('creates a conversation on first send and streams the answer', async () => {
    const transport = scriptedTransport();
    const controller = new ChatController({ transport, createId: () => 'client-1' });
    controller.connect();
    const result = await controller.send('Hello');
    expect(result.ok).toBe(true);
    await settle();
    const { chat } = controller.snapshot;
    expect(chat.conversation?.id).toBe('c1');
    expect(chat.messages.map((message) => [message.role, messageText(message)])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi there'],
    ]);
    expect(chat.status).toBe('ready');
    expect(transport.requests.map((request) => request.event)).toEqual([
      'agents:list',
      'conversations:create',
      'messages:send',
    ]);
  });

  it('retries a retryable failure with the same client id, then succeeds', async () => {
    const transport = scriptedTransport({ sendResults: [fail('unavailable', 'busy')] });
    const controller = new ChatController({
      transport,
      retryDelayMs: () => 0,
      createId: () => 'same-id',
    });
    controller.connect();
    await settle();
    const result = await controller.send('Hello');
    expect(result.ok).toBe(true);
    const sends = transport.requests.filter((request) => request.event === 'messages:send');
    expect(sends).toHaveLength(2);
    expect(
      sends.map((send) => (send.payload as { clientMessageId: string }).clientMessageId),
    ).toEqual(['same-id', 'same-id']);
  });

  it('waits the retryAfterMs a limit names before retrying', async () => {
    const limited = {
      ok: false as const,
      error: {
        code: 'limit_exceeded' as const,
        message: 'Too many requests',
        retryable: true,
        limit: 'rate' as const,
        retryAfterMs: 120,
      },
    };
    const transport = scriptedTransport({ sendResults: [limited] });
    const controller = new ChatController({ transport, retryDelayMs: () => 0 });
    controller.connect();
    await settle();
    const started = performance.now();
    const result = await controller.send('Hello');
    expect(result.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect(transport.requests.filter((request) => request.event === 'messages:send')).toHaveLength(
      2,
    );
  });

  it('does not retry a non-retryable failure and marks the message failed', async () => {
    const transport = scriptedTransport({ sendResults: [fail('invalid_payload', 'Too long')] });
    const controller = new ChatController({ transport, retryDelayMs: () => 0 });
    controller.connect();
    const result = await controller.send('Hello');
    expect(result.ok).toBe(false);
    expect(transport.requests.filter((request) => request.event === 'messages:send')).toHaveLength(
      1,
    );
    expect(controller.snapshot.chat.messages[0]!.delivery).toBe('failed');
    expect(controller.snapshot.chat.error?.message).toBe('Too long');
    expect(controller.snapshot.chat.status).toBe('error');
  });

  it('cancels every live run and ignores a run that already ended', async () => {
    const transport = scriptedTransport({ stepDelayMs: 20 });
    const controller = new ChatController({ transport });
    controller.connect();
    await controller.send('Hello');
    expect(controller.snapshot.chat.status).toBe('streaming');
    // Mid-stream, before the transcript plays: r1 is live.
    await controller.cancel();
    expect(transport.requests.at(-1)).toEqual({ event: 'runs:cancel', payload: { runId: 'r1' } });
    expect(controller.snapshot.chat.error).toBeNull();
  });

  it('applies message:updated: an interrupted answer stops its run, so cancel skips it', async () => {
    const transport = scriptedTransport({ stepDelayMs: 20 });
    const controller = new ChatController({ transport });
    controller.connect();
    await controller.send('Hello');
    transport.emit('run:event', runEvents([])[0]!);
    expect(controller.snapshot.chat.status).toBe('streaming');
    transport.emit('message:updated', {
      message: userMessage({
        id: 'a1',
        role: 'assistant',
        status: 'interrupted',
        parts: [{ type: 'text', text: 'Hi' }],
        runId: 'r1',
        agentId: 'chatbot',
        createdAt: '2026-01-01T00:00:02.000Z',
      }),
    });
    const { chat } = controller.snapshot;
    expect(chat.status).toBe('ready');
    expect(chat.runs.r1!.status).toBe('interrupted');
    expect(chat.messages.find((message) => message.id === 'a1')).toMatchObject({
      status: 'interrupted',
    });
    const before = transport.requests.length;
    await controller.cancel();
    expect(transport.requests.length).toBe(before);
  });

  it('re-joins its conversation after a reconnect that lost the session', async () => {
    const transport = scriptedTransport();
    const controller = new ChatController({ transport });
    controller.connect();
    await controller.send('Hello');
    transport.drop(true);
    expect(controller.snapshot.connection.status).toBe('reconnecting');
    transport.restore(false);
    await settle();
    expect(transport.requests.at(-1)).toEqual({
      event: 'conversations:join',
      payload: { conversationId: 'c1' },
    });
  });

  it('stops publishing and listening after dispose', async () => {
    const transport = scriptedTransport();
    const controller = new ChatController({ transport });
    const listener = vi.fn<(snapshot: ChatSnapshot) => void>();
    controller.subscribe(listener);
    controller.dispose();
    transport.connect();
    transport.emit('run:event', runEvents(['x'])[0]!);
    expect(listener).not.toHaveBeenCalled();
  });

  it('passes settings and agent ids to the server, and keeps them on retries', async () => {
    const received: RequestPayload<'messages:send'>[] = [];
    const failures = [fail('unavailable', 'busy'), fail('unavailable', 'still busy')];
    const transport = new InMemoryTransport({
      speed: 0,
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:create': () => ok({ conversation }),
        'messages:send': (payload) => {
          received.push(structuredClone(payload));
          return (
            failures.shift() ??
            ok({ message: userMessage({ clientMessageId: payload.clientMessageId }), runs: [] })
          );
        },
      },
    });
    const controller = new ChatController({ transport, retryDelayMs: () => 0 });
    controller.connect();
    const settings = { temperature: 0.4, maxTokens: 256 };
    const result = await controller.send('Hello', { agentIds: ['chatbot'], settings });
    expect(result.ok).toBe(true);
    expect(received).toHaveLength(3);
    for (const payload of received) {
      expect(payload.agentIds).toEqual(['chatbot']);
      expect(payload.settings).toEqual({ temperature: 0.4, maxTokens: 256 });
    }
    expect(new Set(received.map((payload) => payload.clientMessageId)).size).toBe(1);
  });

  it('sends no settings field when none is set', async () => {
    const transport = scriptedTransport();
    const controller = new ChatController({ transport });
    controller.connect();
    await controller.send('Hello', { settings: { temperature: undefined } });
    const send = transport.requests.find((request) => request.event === 'messages:send');
    expect(send?.payload).not.toHaveProperty('settings');
  });
});
