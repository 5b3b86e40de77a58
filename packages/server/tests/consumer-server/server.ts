import { AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';
import { createServer } from '@svelte-langserve/server';
import { z } from 'zod';

const add = tool(async ({ a, b }) => String(a + b), {
  name: 'add',
  description: 'Adds two numbers.',
  schema: z.object({ a: z.number(), b: z.number() }),
});

// The messages channel, plus a key of our own that must survive from turn to turn.
const State = Annotation.Root({ ...MessagesAnnotation.spec, turns: Annotation<number>() });

// A scripted "model": calls the tool once per turn, then says what it has seen so far.
function model(state: typeof State.State) {
  const turns = state.turns ?? 0;
  if (state.messages.at(-1)?.getType() === 'human') {
    const call = { id: `call-${turns + 1}`, name: 'add', args: { a: 2, b: turns } };
    return { turns: turns + 1, messages: [new AIMessage({ content: '', tool_calls: [call] })] };
  }
  const results = state.messages.filter((m) => m.getType() === 'tool').map((m) => m.content);
  return {
    messages: [new AIMessage(`Turn ${turns}. Tool results so far: ${results.join(', ')}.`)],
  };
}

const graph = new StateGraph(State)
  .addNode('model', model)
  .addNode('tools', new ToolNode([add]))
  .addEdge(START, 'model')
  .addConditionalEdges('model', toolsCondition, ['tools', END])
  .addEdge('tools', 'model')
  .compile();

const app = createServer({
  agents: [{ id: 'adder', name: 'Adder', description: 'Adds with a tool.', graph }],
  config: { database: { dialect: 'sqlite', file: 'data/chat.sqlite' }, logLevel: 'warn' },
});
await app.listen({ port: Number(process.env.PORT ?? 8000), host: '127.0.0.1' });
