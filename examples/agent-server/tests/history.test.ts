import type { Message } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { toLangChainHistory } from '../src/agents/history.js';

let counter = 0;
function message(
  role: Message['role'],
  text: string,
  status: Message['status'] = 'complete',
): Message {
  counter += 1;
  return {
    id: `m${counter}`,
    conversationId: 'c',
    role,
    parts: [{ type: 'text', text }],
    status,
    createdAt: new Date(counter * 1000).toISOString(),
  };
}

const summary = (messages: Awaited<ReturnType<typeof toLangChainHistory>>) =>
  messages.map((entry) => [entry.getType(), entry.content]);

describe('toLangChainHistory', () => {
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
});
