import { describe, expect, it } from 'vitest';
import { FeedbackSlice } from '../src/lib/client/slices/feedback.js';
import { fail, ok } from '../src/lib/protocol/index.js';
import { conversation, userMessage } from './fixtures.js';
import { sliceContext } from './fixtures/slice-context.js';

const answer = userMessage({ id: 'a1', role: 'assistant', parentId: 'm1', runId: 'r1' });

describe('FeedbackSlice alone', () => {
  it('shows a rating at once and keeps what the server stored', async () => {
    const { context, transport } = sliceContext({
      'messages:feedback': ({ messageId, value, comment }) =>
        ok({
          messageId,
          feedback: value === null ? null : { value, ...(comment ? { comment } : {}) },
        }),
    });
    transport.connect();
    context.dispatch({ type: 'joined', conversation, messages: [userMessage(), answer], runs: [] });
    const feedback = new FeedbackSlice(context);
    const pending = feedback.feedback('a1', -1, '  Wrong city. ');
    expect(context.snapshot.chat.messages[1]!.feedback).toEqual({
      value: -1,
      comment: 'Wrong city.',
    });
    await pending;
    expect(context.snapshot.chat.messages[1]!.feedback).toEqual({
      value: -1,
      comment: 'Wrong city.',
    });
  });

  it('goes back to the confirmed rating and shows the error when refused', async () => {
    const { context, transport } = sliceContext({
      'messages:feedback': () => fail('forbidden', 'No.'),
    });
    transport.connect();
    context.dispatch({
      type: 'joined',
      conversation,
      messages: [userMessage(), { ...answer, feedback: { value: 1 } }],
      runs: [],
    });
    const result = await new FeedbackSlice(context).feedback('a1', -1);
    expect(result.ok).toBe(false);
    expect(context.snapshot.chat.messages[1]!.feedback).toEqual({ value: 1 });
    expect(context.snapshot.chat.error?.code).toBe('forbidden');
  });
});
