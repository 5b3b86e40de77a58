import { describe, expect, it } from 'vitest';
import { ChatController, InMemoryTransport, messageText } from '../src/lib/client/index.js';
import { ok, type Message, type RequestPayload, type RunEvent } from '../src/lib/protocol/index.js';
import { agent, conversation, runEvents, userMessage } from './fixtures.js';

const settle = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's copy of run r1's answer, as a join returns it. */
const serverAnswer = (text: string, status: Message['status']): Message => ({
  id: 'a1',
  conversationId: 'c1',
  role: 'assistant',
  parts: [{ type: 'text', text }],
  status,
  createdAt: '2026-01-01T00:00:02.000Z',
  runId: 'r1',
  agentId: 'chatbot',
});

describe('the outbox (unit: controller over the in-memory transport)', () => {
  it('queues messages typed while offline and sends them in order once connected', async () => {
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:create': () => ok({ conversation }),
        'conversations:join': () => ok({ conversation, messages: [], hasMore: false, runs: [] }),
        'messages:send': (payload: RequestPayload<'messages:send'>) =>
          ok({
            message: userMessage({
              id: `u-${payload.clientMessageId}`,
              clientMessageId: payload.clientMessageId,
              parts: [{ type: 'text', text: payload.text }],
            }),
            runs: [],
          }),
      },
    });
    let next = 0;
    const controller = new ChatController({ transport, createId: () => `m${++next}` });
    const first = controller.send('first');
    const second = controller.send('second');
    await settle();
    // Nothing went out: both wait in the outbox, shown as queued.
    expect(transport.requests).toEqual([]);
    expect(controller.snapshot.chat.messages.map((message) => message.delivery)).toEqual([
      'queued',
      'queued',
    ]);
    expect(controller.snapshot.chat.status).toBe('ready');

    controller.connect();
    expect((await first).ok && (await second).ok).toBe(true);
    const sends = transport.requests.filter((request) => request.event === 'messages:send');
    expect(sends.map((request) => (request.payload as { text: string }).text)).toEqual([
      'first',
      'second',
    ]);
    expect(controller.snapshot.chat.messages.map((message) => message.delivery)).toEqual([
      'sent',
      'sent',
    ]);
  });

  it('a send interrupted by a drop waits for the connection without spending retries', async () => {
    let sends = 0;
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:create': () => ok({ conversation }),
        'conversations:join': () => ok({ conversation, messages: [], hasMore: false, runs: [] }),
        'messages:send': (payload: RequestPayload<'messages:send'>) => {
          sends += 1;
          return ok({
            message: userMessage({ clientMessageId: payload.clientMessageId }),
            runs: [],
          });
        },
      },
    });
    const controller = new ChatController({ transport, sendRetries: 0 });
    controller.connect();
    await settle();
    transport.drop(true);
    const sent = controller.send('while offline');
    await settle(20);
    expect(sends).toBe(0);
    expect(controller.snapshot.chat.messages.at(-1)?.delivery).toBe('queued');
    transport.restore(false);
    expect((await sent).ok).toBe(true);
    expect(sends).toBe(1);
  });
});

describe('resuming a live run after a reconnect (unit)', () => {
  // A session Socket.IO restored may still have missed events (ADR 0021): the client re-joins
  // on every connection, recovered or not.
  it.each([{ recovered: false }, { recovered: true }])(
    're-joins with the last seq applied; the replay completes the text without duplicates (recovered: $recovered)',
    async ({ recovered }) => {
      const events = runEvents(['One', ' two', ' three', ' four']);
      const [start, d1, d2, d3, d4, end] = events as [
        RunEvent,
        RunEvent,
        RunEvent,
        RunEvent,
        RunEvent,
        RunEvent,
      ];
      const runInfo = {
        id: 'r1',
        conversationId: 'c1',
        messageId: 'a1',
        agentId: 'chatbot',
        status: 'running' as const,
        seq: -1,
      };
      const joins: Array<RequestPayload<'conversations:join'>> = [];
      const transport = new InMemoryTransport({
        handlers: {
          'agents:list': () => ok({ agents: [agent] }),
          'conversations:create': () => ok({ conversation }),
          'conversations:join': (payload, context) => {
            joins.push(payload);
            // The server has reached seq 3 ("One two three") while the client applied up to 1.
            const resumeFrom = payload.runs?.find((entry) => entry.runId === 'r1')?.seq ?? 3;
            void context.replay(
              [d1, d2, d3, d4, end]
                .filter((event) => (event as RunEvent).seq > resumeFrom)
                .map((event) => ({ event: 'run:event' as const, payload: event as RunEvent })),
            );
            return ok({
              conversation,
              messages: [userMessage(), serverAnswer('One two three', 'streaming')],
              hasMore: false,
              runs: [{ ...runInfo, seq: 3 }],
            });
          },
          'messages:send': (payload: RequestPayload<'messages:send'>) =>
            ok({
              message: userMessage({ clientMessageId: payload.clientMessageId }),
              runs: [runInfo],
            }),
        },
      });
      const controller = new ChatController({ transport });
      controller.connect();
      await controller.send('Hello');
      transport.emit('run:event', start);
      transport.emit('run:event', d1);
      await settle();
      expect(messageText(controller.snapshot.chat.messages.at(-1)!)).toBe('One');

      const statuses: string[] = [];
      controller.subscribe((snapshot) => {
        if (statuses.at(-1) !== snapshot.connection.status)
          statuses.push(snapshot.connection.status);
      });
      transport.drop(true);
      transport.restore(recovered);
      await settle(10);
      // Connected again, catching up while the join with the resume seqs is answered.
      expect(statuses).toEqual(['reconnecting', 'connected', 'replaying', 'connected']);
      // The join named the run and the last seq this client applied.
      expect(joins.at(-1)).toEqual({ conversationId: 'c1', runs: [{ runId: 'r1', seq: 1 }] });
      const answer = controller.snapshot.chat.messages.find((message) => message.id === 'a1')!;
      expect(messageText(answer)).toBe('One two three four');
      expect(answer.status).toBe('complete');
      expect(controller.snapshot.chat.runs.r1).toMatchObject({ status: 'completed', nextSeq: 6 });
    },
  );

  it('takes the server copy for a run the server cannot replay', async () => {
    const events = runEvents(['One', ' two']);
    const runInfo = {
      id: 'r1',
      conversationId: 'c1',
      messageId: 'a1',
      agentId: 'chatbot',
      status: 'running' as const,
      seq: -1,
    };
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:create': () => ok({ conversation }),
        'conversations:join': () =>
          ok({
            conversation,
            messages: [serverAnswer('One two', 'complete')],
            hasMore: false,
            runs: [],
            unreplayable: ['r1'],
          }),
        'messages:send': (payload: RequestPayload<'messages:send'>) =>
          ok({
            message: userMessage({ clientMessageId: payload.clientMessageId }),
            runs: [runInfo],
          }),
      },
    });
    const controller = new ChatController({ transport });
    controller.connect();
    await controller.send('Hello');
    transport.emit('run:event', events[0]!);
    transport.emit('run:event', events[1]!);
    transport.drop(true);
    transport.restore(false);
    await settle(10);
    const answer = controller.snapshot.chat.messages.find((message) => message.id === 'a1')!;
    expect(messageText(answer)).toBe('One two');
    expect(answer.status).toBe('complete');
  });
});

describe('healing a gap (unit)', () => {
  it('re-joins without resuming when an event skips a seq, and shows the server copy', async () => {
    const events = runEvents(['One', ' two', ' three']);
    const runInfo = {
      id: 'r1',
      conversationId: 'c1',
      messageId: 'a1',
      agentId: 'chatbot',
      status: 'running' as const,
      seq: -1,
    };
    const joins: Array<RequestPayload<'conversations:join'>> = [];
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:create': () => ok({ conversation }),
        'conversations:join': (payload) => {
          joins.push(payload);
          return ok({
            conversation,
            messages: [serverAnswer('One two three', 'streaming')],
            hasMore: false,
            runs: [{ ...runInfo, seq: 3 }],
          });
        },
        'messages:send': (payload: RequestPayload<'messages:send'>) =>
          ok({
            message: userMessage({ clientMessageId: payload.clientMessageId }),
            runs: [runInfo],
          }),
      },
    });
    const controller = new ChatController({ transport });
    controller.connect();
    await controller.send('Hello');
    transport.emit('run:event', events[0]!);
    transport.emit('run:event', events[1]!);
    // seq 2 is lost; seq 3 arrives.
    transport.emit('run:event', events[3]!);
    await settle(10);
    expect(joins.at(-1)).toEqual({ conversationId: 'c1' });
    const answer = controller.snapshot.chat.messages.find((message) => message.id === 'a1')!;
    expect(messageText(answer)).toBe('One two three');
    // The stream goes on from the server's position.
    transport.emit('run:event', events[4]!);
    await settle();
    expect(controller.snapshot.chat.messages.find((message) => message.id === 'a1')?.status).toBe(
      'complete',
    );
  });
});
