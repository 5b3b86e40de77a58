import { describe, expect, it } from 'vitest';
import { ResumeSlice } from '../src/lib/client/slices/resume.js';
import { fail, ok, type RequestPayload } from '../src/lib/protocol/index.js';
import { conversation, runEvents, userMessage } from './fixtures.js';
import { sliceContext } from './fixtures/slice-context.js';

describe('ResumeSlice alone', () => {
  it('re-joins the conversation shown with the last seq of each live run, replaying meanwhile', async () => {
    const joins: RequestPayload<'conversations:join'>[] = [];
    let statusDuringJoin = '';
    const { context, transport } = sliceContext({
      'conversations:join': (payload) => {
        joins.push(payload);
        statusDuringJoin = context.snapshot.connection.status;
        return ok({ conversation, messages: [userMessage()], hasMore: false, runs: [] });
      },
    });
    transport.connect();
    const resume = new ResumeSlice(context);
    await resume.join('c1');
    expect(joins[0]).toEqual({ conversationId: 'c1' });
    const [start, delta] = runEvents(['Hel', 'lo']);
    context.dispatch({ type: 'run-event', event: start! });
    context.dispatch({ type: 'run-event', event: delta! });
    await resume.join('c1');
    expect(joins[1]).toEqual({ conversationId: 'c1', runs: [{ runId: 'r1', seq: 1 }] });
    expect(statusDuringJoin).toBe('replaying');
    expect(context.snapshot.connection.status).toBe('connected');
    // The replayed run keeps its streamed text.
    expect(context.snapshot.chat.runs.r1?.status).toBe('running');
  });

  it('shows a join’s error', async () => {
    const { context, transport } = sliceContext({
      'conversations:join': () => fail('not_found', 'No such conversation.'),
    });
    transport.connect();
    expect((await new ResumeSlice(context).join('zz')).ok).toBe(false);
    expect(context.snapshot.chat.error?.code).toBe('not_found');
  });

  it('heals a gap in a run’s seq with one re-join that resumes nothing', async () => {
    const joins: RequestPayload<'conversations:join'>[] = [];
    const { context, transport } = sliceContext({
      'conversations:join': (payload) => {
        joins.push(payload);
        return ok({ conversation, messages: [], hasMore: false, runs: [] });
      },
    });
    transport.connect();
    const resume = new ResumeSlice(context);
    await resume.join('c1');
    const [start, , , end] = runEvents(['a', 'b']);
    context.dispatch({ type: 'run-event', event: start! });
    resume.heal(start!); // In order: nothing to heal.
    context.dispatch({ type: 'run-event', event: end! });
    resume.heal(end!);
    resume.heal(end!); // One healing re-join at a time.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(joins).toEqual([{ conversationId: 'c1' }, { conversationId: 'c1' }]);
  });
});
