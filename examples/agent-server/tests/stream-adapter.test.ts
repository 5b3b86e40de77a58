import {
  AIMessage,
  AIMessageChunk,
  HumanMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { createChatbotGraph } from '../src/agents/chatbot.js';
import {
  adaptMessageStream,
  textOfContent,
  type UnnumberedRunEvent,
} from '../src/runs/stream-adapter.js';

async function* items(messages: BaseMessage[]) {
  for (const message of messages)
    yield [message, { langgraph_node: 'model' }] as [BaseMessage, Record<string, unknown>];
}

async function collect(stream: AsyncIterable<UnnumberedRunEvent>): Promise<string[]> {
  const out: string[] = [];
  for await (const event of stream) if (event.type === 'text-delta') out.push(event.text);
  return out;
}

describe('adaptMessageStream', () => {
  it('turns AI chunks into text deltas and skips the same message when complete', async () => {
    const texts = await collect(
      adaptMessageStream(
        items([
          new AIMessageChunk({ content: 'Hel', id: 'm1' }),
          new AIMessageChunk({ content: '', id: 'm1' }),
          new AIMessageChunk({ content: 'lo', id: 'm1' }),
          new AIMessage({ content: 'Hello', id: 'm1' }),
        ]),
      ),
    );
    expect(texts).toEqual(['Hel', 'lo']);
  });

  it('emits a complete AI message once when it was not streamed, and ignores other roles', async () => {
    const texts = await collect(
      adaptMessageStream(
        items([
          new HumanMessage({ content: 'question', id: 'h1' }),
          new ToolMessage({ content: 'tool output', tool_call_id: 't1' }),
          new AIMessage({
            content: [
              { type: 'text', text: 'whole ' },
              { type: 'text', text: 'answer' },
            ],
            id: 'm2',
          }),
        ]),
      ),
    );
    expect(texts).toEqual(['whole answer']);
  });

  it('reads text blocks from content arrays', () => {
    expect(
      textOfContent([
        { type: 'text', text: 'a' },
        { type: 'image_url', image_url: 'x' },
        { type: 'text', text: 'b' },
      ]),
    ).toBe('ab');
  });

  it('yields exactly the model output from a real LangGraph messages stream', async () => {
    const model = new FakeListChatModel({ responses: ['Streaming through **LangGraph**.'] });
    const graph = createChatbotGraph({
      provider: 'test',
      model: 'fake',
      demo: false,
      chatModel: model,
    });
    const stream = await graph.stream(
      { messages: [new HumanMessage('hi')] },
      { streamMode: 'messages', signal: new AbortController().signal },
    );
    const texts = await collect(adaptMessageStream(stream));
    expect(texts.length).toBe('Streaming through **LangGraph**.'.length);
    expect(texts.join('')).toBe('Streaming through **LangGraph**.');
  });
});
