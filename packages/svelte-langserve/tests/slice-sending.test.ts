import { describe, expect, it } from 'vitest';
import { SendingSlice } from '../src/lib/client/slices/sending.js';
import { fail, ok, type RequestPayload } from '../src/lib/protocol/index.js';
import { conversation, userMessage } from './fixtures.js';
import { settle, sliceContext } from './fixtures/slice-context.js';

describe('SendingSlice alone', () => {
  it('holds sends typed offline, then delivers them in order into a new conversation', async () => {
    const sent: RequestPayload<'messages:send'>[] = [];
    const { context, transport } = sliceContext({
      'conversations:create': () => ok({ conversation }),
      'messages:send': (payload) => {
        sent.push(payload);
        const id = `m${sent.length}`;
        return ok({
          message: userMessage({ id, clientMessageId: payload.clientMessageId }),
          runs: [],
        });
      },
    });
    let next = 0;
    const sending = new SendingSlice(context, { createId: () => `client-${++next}` });
    const first = sending.send('one');
    const second = sending.send('two');
    expect(context.snapshot.chat.messages.map((message) => message.delivery)).toEqual([
      'queued',
      'queued',
    ]);
    transport.connect();
    await Promise.all([first, second]);
    expect(sent.map((payload) => [payload.conversationId, payload.text])).toEqual([
      ['c1', 'one'],
      ['c1', 'two'],
    ]);
    // The second follows the first, named by the id the server gave it.
    expect(sent[1]!.parentId).toBe('m1');
    expect(context.snapshot.chat.messages.map((message) => message.delivery)).toEqual([
      'sent',
      'sent',
    ]);
  });

  it('retries a retryable failure with the same client id, then gives up', async () => {
    const ids: string[] = [];
    const { context, transport } = sliceContext({
      'conversations:create': () => ok({ conversation }),
      'messages:send': (payload) => {
        ids.push(payload.clientMessageId);
        return fail('unavailable', 'Busy.');
      },
    });
    transport.connect();
    const sending = new SendingSlice(context, { sendRetries: 2, retryDelayMs: () => 0 });
    const result = await sending.send('hello');
    expect(result.ok).toBe(false);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(context.snapshot.chat.messages[0]!.delivery).toBe('failed');
  });

  it('regenerates with runs started or the error shown, and cancels quietly on conflict', async () => {
    const { context, transport } = sliceContext({
      'messages:regenerate': ({ messageId }) =>
        messageId === 'a1' ? ok({ runs: [] }) : fail('not_found', 'No such message.'),
      'runs:cancel': () => fail('conflict', 'The run has ended.'),
    });
    transport.connect();
    const sending = new SendingSlice(context);
    expect((await sending.regenerate('a1')).ok).toBe(false); // No conversation open.
    context.dispatch({ type: 'joined', conversation, messages: [], runs: [] });
    expect((await sending.regenerate('a1')).ok).toBe(true);
    expect(context.snapshot.chat.error).toBeNull();
    await sending.regenerate('zz');
    expect(context.snapshot.chat.error?.code).toBe('not_found');
    context.dispatch({ type: 'clear-error' });
    await sending.cancel('r1');
    expect(context.snapshot.chat.error).toBeNull();
  });

  it('stops waiting for the connection when the context is disposed', async () => {
    const { context } = sliceContext();
    const sending = new SendingSlice(context);
    const result = sending.send('never');
    await settle();
    context.dispose();
    await expect(result).resolves.toMatchObject({ ok: false });
  });
});
