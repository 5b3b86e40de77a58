import type { Message } from 'svelte-langserve/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { toLangChainHistory } from '../src/agents/history.js';

let counter = 0;
/** The message stored last, which the next one follows unless it names its parent. */
let previous: Message | undefined;
function message(
  role: Message['role'],
  text: string,
  status: Message['status'] = 'complete',
  parent: Message | null | undefined = previous,
): Message {
  counter += 1;
  const created: Message = {
    id: `m${counter}`,
    conversationId: 'c',
    role,
    parts: [{ type: 'text', text }],
    status,
    createdAt: new Date(counter * 1000).toISOString(),
    ...(parent ? { parentId: parent.id } : {}),
  };
  previous = created;
  return created;
}

const summary = (messages: Awaited<ReturnType<typeof toLangChainHistory>>) =>
  messages.map((entry) => [entry.getType(), entry.content]);

describe('toLangChainHistory', () => {
  beforeEach(() => {
    previous = undefined;
  });

  it('maps roles, stops at the trigger and skips empty assistant messages', async () => {
    const question = message('user', 'first');
    const answer = message('assistant', 'reply');
    const cancelledEmpty = message('assistant', '', 'cancelled');
    const trigger = message('user', 'second');
    const streaming = message('assistant', '', 'streaming');
    const later = message('user', 'third');
    const history = await toLangChainHistory(
      [question, answer, cancelledEmpty, trigger, streaming, later],
      trigger.id,
    );
    expect(summary(history)).toEqual([
      ['human', 'first'],
      ['ai', 'reply'],
      ['human', 'second'],
    ]);
  });

  it('keeps only the most recent messages within the token budget, starting on a user message', async () => {
    const messages = [
      message('user', 'a'.repeat(400)),
      message('assistant', 'b'.repeat(400)),
      message('user', 'c'.repeat(400)),
      message('assistant', 'd'.repeat(400)),
      message('user', 'latest'),
    ];
    // About 104 tokens per long message: a 250-token budget keeps the last three at most.
    const history = await toLangChainHistory(messages, messages[4]!.id, 250);
    expect(summary(history)).toEqual([
      ['human', 'c'.repeat(400)],
      ['ai', 'd'.repeat(400)],
      ['human', 'latest'],
    ]);
  });

  it('follows the branch of the trigger: siblings (regenerated answers, edits) are left out', async () => {
    const first = message('user', 'first');
    const answerA = message('assistant', 'answer A', 'complete', first);
    const answerB = message('assistant', 'answer B (regenerated)', 'complete', first);
    const followUp = message('user', 'follow-up on B', 'complete', answerB);
    // An edit of the first message: a new root with its own answer.
    const edited = message('user', 'first, edited', 'complete', null);
    const editedAnswer = message('assistant', 'answer to the edit', 'complete', edited);
    const all = [first, answerA, answerB, followUp, edited, editedAnswer];
    expect(summary(await toLangChainHistory(all, followUp.id))).toEqual([
      ['human', 'first'],
      ['ai', 'answer B (regenerated)'],
      ['human', 'follow-up on B'],
    ]);
    expect(summary(await toLangChainHistory(all, edited.id))).toEqual([['human', 'first, edited']]);
    expect(answerA.parentId).toBe(first.id);
  });
});
