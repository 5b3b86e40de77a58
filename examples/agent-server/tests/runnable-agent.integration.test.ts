/**
 * A plain LCEL runnable registered as `{ id, name, description, runnable }` answers over the
 * socket protocol like any agent: its streamed text is the answer, and each turn it receives the
 * branch's messages (it keeps no state of its own).
 */
import type { BaseMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { askAgent, createConversation, EventLog, serverPerTest } from './support/harness.js';

const harness = serverPerTest();

describe('a plain runnable as an agent', () => {
  it('streams its text as the answer and sees the earlier turns', async () => {
    const seen: number[] = [];
    const model = new FakeListChatModel({ responses: ['First answer.', 'Second answer.'] });
    const runnable = RunnableLambda.from((messages: BaseMessage[]) => {
      seen.push(messages.length);
      return messages;
    })
      .pipe(model)
      .pipe(new StringOutputParser());
    await harness.start({
      agents: [{ id: 'lcel', name: 'LCEL', description: 'A plain runnable.', runnable }],
    });
    const socket = await harness.client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const answers: string[] = [];
    for (const text of ['Hello', 'And again']) {
      const { run, answer } = await askAgent(socket, log, conversationId, 'lcel', text);
      expect(answer.status).toBe('complete');
      answers.push(answer.parts.map((part) => (part.type === 'text' ? part.text : '')).join(''));
      // Streamed token by token, like a model's.
      expect(
        log.forRun(run.id).filter((event) => event.type === 'text-delta').length,
      ).toBeGreaterThan(0);
    }
    expect(answers).toEqual(['First answer.', 'Second answer.']);
    // The second turn received the first question, its answer and the new question.
    expect(seen).toEqual([1, 3]);
  });
});
