/**
 * Registering graphs as users write them: `createGraphAgent` takes any compiled LangGraph graph
 * whose state has a `messages` channel, with no cast (this file type-checks in `pnpm check`),
 * and runs it on a thread of the server's checkpointer without changing the graph passed in.
 */
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { createAgent } from 'langchain';
import { MessagesZodMeta } from '@langchain/langgraph';
import { withLangGraph } from '@langchain/langgraph/zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { THREAD_STREAM_MODES, type AgentStreamItem } from '../src/agents/agent.js';
import { createGraphAgent, type ChatGraph } from '../src/index.js';
import { countingGraph } from './support/graphs.js';

/** Streams one turn on `threadId`, forking from `checkpointId`; returns the text and the head. */
async function turn(
  agent: ReturnType<typeof createGraphAgent>,
  checkpointer: MemorySaver,
  text: string,
  checkpointId: string,
) {
  const stream = await agent.graph.stream(
    { messages: [new HumanMessage(text)] },
    {
      streamMode: THREAD_STREAM_MODES,
      signal: new AbortController().signal,
      thread: { checkpointer, threadId: 'conversation:agent', checkpointId },
    },
  );
  let answer = '';
  let head = '';
  for await (const item of stream as AsyncIterable<AgentStreamItem>) {
    if (item[0] === 'messages') answer += String((item[1][0] as BaseMessage).content);
    if (item[0] === 'checkpoints') head = item[1].config.configurable?.checkpoint_id ?? head;
  }
  return { answer, head };
}

describe('createGraphAgent with a compiled graph', () => {
  it('keeps an extra state key from turn to turn on the server checkpointer, and leaves the graph as it was', async () => {
    const graph = countingGraph();
    const agent = createGraphAgent({
      id: 'counter',
      name: 'Counter',
      description: 'Counts.',
      graph,
    });
    const checkpointer = new MemorySaver();
    const first = await turn(agent, checkpointer, 'one', 'root-1');
    expect(first.answer).toBe('turn 1');
    const second = await turn(agent, checkpointer, 'two', first.head);
    expect(second.answer).toBe('turn 2');
    // A sibling forked from the same head sees the same state, not the other branch's.
    const sibling = await turn(agent, checkpointer, 'two again', first.head);
    expect(sibling.answer).toBe('turn 2');
    expect((graph as { checkpointer?: unknown }).checkpointer).toBeUndefined();
  });

  it("accepts createReactAgent, langchain's createAgent, a zod state and MessagesAnnotation graphs without a cast", () => {
    const model = new FakeListChatModel({ responses: ['ok'] });
    const react = createReactAgent({ llm: model, tools: [] });
    const agent = createAgent({ model, tools: [] });
    const ZodState = z.object({
      messages: withLangGraph(z.custom<BaseMessage[]>(), MessagesZodMeta),
      topic: z.string().optional(),
    });
    const zodGraph = new StateGraph(ZodState)
      .addNode('answer', () => ({ messages: [new AIMessage('ok')], topic: 'x' }))
      .addEdge(START, 'answer')
      .compile();
    const plain = new StateGraph(MessagesAnnotation)
      .addNode('answer', () => ({ messages: [new AIMessage('ok')] }))
      .addEdge(START, 'answer')
      .compile();
    const graphs: ChatGraph[] = [react, agent, zodGraph, plain];
    for (const [index, graph] of graphs.entries())
      expect(
        createGraphAgent({ id: `g${index}`, name: 'G', description: 'A graph.', graph }).info.id,
      ).toBe(`g${index}`);
  });

  it("runs langchain's createAgent on the server's thread: the second turn continues the first", async () => {
    const model = new FakeListChatModel({ responses: ['an answer'] });
    const agent = createGraphAgent({
      id: 'v1',
      name: 'V1',
      description: 'langchain createAgent.',
      graph: createAgent({ model, tools: [] }),
    });
    const checkpointer = new MemorySaver();
    const first = await turn(agent, checkpointer, 'one', 'root-1');
    const second = await turn(agent, checkpointer, 'two', first.head);
    expect([first.answer, second.answer]).toEqual(['an answer', 'an answer']);
    const state = await checkpointer.getTuple({
      configurable: { thread_id: 'conversation:agent', checkpoint_id: second.head },
    });
    const messages = (state?.checkpoint.channel_values.messages ?? []) as BaseMessage[];
    expect(messages.map((message) => `${message.getType()}:${String(message.content)}`)).toEqual([
      'human:one',
      'ai:an answer',
      'human:two',
      'ai:an answer',
    ]);
  });

  it('shows a node status line while the node works, then clears it', async () => {
    const agent = createGraphAgent({
      id: 'counter',
      name: 'Counter',
      description: 'Counts.',
      graph: countingGraph(),
      nodeStatus: { count: 'Counting…' },
    });
    const stream = await agent.graph.stream(
      { messages: [new HumanMessage('one')] },
      { streamMode: THREAD_STREAM_MODES, signal: new AbortController().signal },
    );
    const seen: string[] = [];
    for await (const item of stream as AsyncIterable<AgentStreamItem>) {
      if (item[0] === 'custom') seen.push(`status:${(item[1] as { status: string }).status}`);
      if (item[0] === 'messages') seen.push(`text:${String((item[1][0] as BaseMessage).content)}`);
    }
    expect(seen).toEqual(['status:Counting…', 'status:', 'text:turn 1']);
  });

  it('refuses an agent id clients could not address, naming it', () => {
    expect(() =>
      createGraphAgent({ id: 'has space', name: 'X', description: 'X', graph: countingGraph() }),
    ).toThrow(/Agent id "has space"/);
  });
});
