import { describe, expect, it } from 'vitest';
import { HistorySlice } from '../src/lib/client/slices/history.js';
import { fail, ok } from '../src/lib/protocol/index.js';
import { conversation, userMessage } from './fixtures.js';
import { sliceContext } from './fixtures/slice-context.js';

const older = userMessage({ id: 'm0', clientMessageId: 'client-0' });
const newer = userMessage({ id: 'm1', parentId: 'm0' });

describe('HistorySlice alone', () => {
  it('loads the page before the oldest message once, however often asked, and puts it first', async () => {
    let requests = 0;
    const { context, transport } = sliceContext({
      'messages:history': ({ before }) => {
        requests += 1;
        expect(before).toBe('m1');
        return ok({ messages: [older], hasMore: false });
      },
    });
    transport.connect();
    const history = new HistorySlice(context);
    await history.loadOlder(); // Nothing open: nothing asked.
    context.dispatch({ type: 'joined', conversation, messages: [newer], runs: [], hasMore: true });
    const [first, second] = [history.loadOlder(), history.loadOlder()];
    expect(first).toBe(second);
    await first;
    expect(requests).toBe(1);
    expect(context.snapshot.chat.messages.map((message) => message.id)).toEqual(['m0', 'm1']);
    expect(context.snapshot.chat.hasMore).toBe(false);
    await history.loadOlder();
    expect(requests).toBe(1);
  });

  it('shows the error of a page that fails', async () => {
    const { context, transport } = sliceContext({
      'messages:history': () => fail('forbidden', 'Not a member.'),
    });
    transport.connect();
    context.dispatch({ type: 'joined', conversation, messages: [newer], runs: [], hasMore: true });
    const result = await new HistorySlice(context).loadOlder();
    expect(result.ok).toBe(false);
    expect(context.snapshot.chat.error?.code).toBe('forbidden');
  });
});
