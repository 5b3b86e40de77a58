import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { Message } from 'svelte-langserve/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { toLangChainHistory, trimForModel } from '../src/agents/history.js';

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

describe('trimForModel (what a graph state sends its model)', () => {
  const thinking = { type: 'thinking', thinking: 'pondering', signature: 'sig' };
  const answer = (text: string, id: string, toolCalls = false) =>
    new AIMessage({
      id,
      content: [
        thinking,
        { type: 'text', text: text.slice(0, 2) },
        { type: 'text', text: text.slice(2) },
      ],
      tool_calls: toolCalls
        ? [{ id: `call-${id}`, name: 'calculator', args: { expression: '1+1' } }]
        : [],
    });

  it('sends earlier turns’ answers as their text and tool calls, the current turn as it is', async () => {
    const current = answer('Working', 'a2', true);
    const sent = await trimForModel([
      new HumanMessage({ content: 'first', id: 'h1' }),
      answer('Adding', 'a1', true),
      new ToolMessage({ content: '2', tool_call_id: 'call-a1' }),
      answer('Hello!', 'a1b'),
      new HumanMessage({ content: 'again', id: 'h2' }),
      current,
    ]);
    expect(sent.map((message) => [message.getType(), message.content])).toEqual([
      ['human', 'first'],
      ['ai', 'Adding'],
      ['tool', '2'],
      ['ai', 'Hello!'],
      ['human', 'again'],
      ['ai', current.content],
    ]);
    expect((sent[1] as AIMessage).tool_calls).toMatchObject([
      { id: 'call-a1', name: 'calculator' },
    ]);
    expect(sent[1]?.id).toBe('a1');
    expect((sent[5] as AIMessage).tool_calls).toEqual(current.tool_calls);
  });

  it('keeps the latest turn whole when it alone is over the budget', async () => {
    const long = new HumanMessage({ content: 'x'.repeat(4000), id: 'h' });
    const sent = await trimForModel(
      [new HumanMessage('old'), new AIMessage('old answer'), long],
      10,
    );
    expect(sent).toEqual([long]);
  });
});
