import {
  AIMessage,
  AIMessageChunk,
  HumanMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import {
  convertCompletionsDeltaToBaseMessageChunk,
  convertResponsesDeltaToChatGenerationChunk,
} from '@langchain/openai';
import { describe, expect, it } from 'vitest';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { textOfContent } from '../src/agents/content.js';
import { adaptMessageStream, type UnnumberedRunEvent } from '../src/runs/stream-adapter.js';

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
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('model', async (state, config) => ({
        messages: [await model.invoke(state.messages, config)],
      }))
      .addEdge(START, 'model')
      .addEdge('model', END)
      .compile();
    const stream = await graph.stream(
      { messages: [new HumanMessage('hi')] },
      { streamMode: 'messages', signal: new AbortController().signal },
    );
    const texts = await collect(adaptMessageStream(stream));
    expect(texts.length).toBe('Streaming through **LangGraph**.'.length);
    expect(texts.join('')).toBe('Streaming through **LangGraph**.');
  });
});

describe('adaptMessageStream: tool calls', () => {
  async function events(items: unknown[]): Promise<UnnumberedRunEvent[]> {
    async function* source() {
      for (const item of items) yield item as never;
    }
    const out: UnnumberedRunEvent[] = [];
    for await (const event of adaptMessageStream(source())) out.push(event);
    return out;
  }

  it('maps chunks, the complete message (updates) and the tool message, in order', async () => {
    const meta = { langgraph_node: 'model' };
    const complete = new AIMessage({
      content: 'Let me compute.',
      id: 'm1',
      tool_calls: [{ id: 'c1', name: 'calculator', args: { expression: '1+1' } }],
    });
    const out = await events([
      ['messages', [new AIMessageChunk({ content: 'Let me compute.', id: 'm1' }), meta]],
      [
        'messages',
        [
          new AIMessageChunk({
            content: '',
            id: 'm1',
            tool_call_chunks: [
              { type: 'tool_call_chunk', id: 'c1', name: 'calculator', args: '{"expr', index: 0 },
            ],
          }),
          meta,
        ],
      ],
      [
        'messages',
        [
          new AIMessageChunk({
            content: '',
            id: 'm1',
            tool_call_chunks: [{ type: 'tool_call_chunk', args: 'ession":"1+1"}', index: 0 }],
          }),
          meta,
        ],
      ],
      ['updates', { model: { messages: [complete] } }],
      ['messages', [new ToolMessage({ content: '2', tool_call_id: 'c1', name: 'calculator' }), {}]],
      ['updates', { tools: { messages: [] } }],
    ]);
    expect(out).toEqual([
      { type: 'text-delta', text: 'Let me compute.' },
      { type: 'tool-call-start', toolCallId: 'c1', name: 'calculator' },
      { type: 'tool-call-delta', toolCallId: 'c1', argsText: '{"expr' },
      { type: 'tool-call-delta', toolCallId: 'c1', argsText: 'ession":"1+1"}' },
      { type: 'tool-call-running', toolCallId: 'c1', argsText: '{"expression":"1+1"}' },
      { type: 'tool-result', toolCallId: 'c1', result: '2' },
    ]);
  });

  it('handles a non-streamed tool call and a failed tool message', async () => {
    const out = await events([
      [
        'updates',
        {
          model: {
            messages: [
              new AIMessage({
                content: '',
                id: 'm2',
                tool_calls: [{ id: 'c2', name: 'current_datetime', args: { timeZone: 'X/Y' } }],
              }),
            ],
          },
        },
      ],
      [
        'messages',
        [
          new ToolMessage({
            content: 'Error: Unknown time zone "X/Y".\n Please fix your mistakes.',
            tool_call_id: 'c2',
            status: 'error',
          }),
          {},
        ],
      ],
    ]);
    expect(out).toEqual([
      { type: 'tool-call-start', toolCallId: 'c2', name: 'current_datetime' },
      { type: 'tool-call-running', toolCallId: 'c2', argsText: '{"timeZone":"X/Y"}' },
      { type: 'tool-result', toolCallId: 'c2', error: 'Unknown time zone "X/Y".' },
    ]);
  });
});

describe('adaptMessageStream: reasoning', () => {
  const meta = { langgraph_node: 'model' };
  async function events(messages: BaseMessage[]): Promise<UnnumberedRunEvent[]> {
    async function* source() {
      for (const message of messages) yield ['messages', [message, meta]] as never;
    }
    const out: UnnumberedRunEvent[] = [];
    for await (const event of adaptMessageStream(source())) out.push(event);
    return out;
  }

  it('maps Anthropic thinking blocks (thinking_delta, signature_delta) before the text', async () => {
    // The chunks @langchain/anthropic makes from a thinking stream (content_block_start,
    // thinking_delta, signature_delta, then a text block), content blocks keeping their index.
    const response_metadata = { model_provider: 'anthropic' };
    const out = await events([
      new AIMessageChunk({ id: 'msg_1', content: [], additional_kwargs: {} }),
      new AIMessageChunk({
        content: [{ index: 0, type: 'thinking', thinking: '', signature: '' }],
        response_metadata,
      }),
      new AIMessageChunk({
        content: [{ index: 0, type: 'thinking', thinking: 'The user wants ' }],
        response_metadata,
      }),
      new AIMessageChunk({
        content: [{ index: 0, type: 'thinking', thinking: 'a greeting.' }],
        response_metadata,
      }),
      new AIMessageChunk({
        content: [{ index: 0, type: 'thinking', signature: 'EqQBCgIYAhIM' }],
        response_metadata,
      }),
      new AIMessageChunk({ content: [{ index: 1, type: 'text', text: '' }], response_metadata }),
      new AIMessageChunk({
        content: [{ index: 1, type: 'text', text: 'Hello!' }],
        response_metadata,
      }),
    ]);
    expect(out).toEqual([
      { type: 'reasoning-delta', text: 'The user wants ' },
      { type: 'reasoning-delta', text: 'a greeting.' },
      { type: 'text-delta', text: 'Hello!' },
    ]);
  });

  it('maps an OpenAI-compatible reasoning_content delta (llama.cpp, vLLM, DeepSeek)', async () => {
    // Made by @langchain/openai's own Chat Completions delta converter, as ChatOpenAI does.
    const rawResponse = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'qwen3',
      choices: [],
    } as never;
    const chunk = (delta: Record<string, unknown>) =>
      convertCompletionsDeltaToBaseMessageChunk({
        delta: delta as never,
        rawResponse,
        defaultRole: 'assistant',
      }) as AIMessageChunk;
    const first = chunk({ role: 'assistant', content: null, reasoning_content: 'Two plus ' });
    expect(first.additional_kwargs.reasoning_content).toBe('Two plus ');
    const out = await events([
      first,
      chunk({ content: null, reasoning_content: 'two is four.' }),
      chunk({ content: 'It is ' }),
      chunk({ content: '4.' }),
    ]);
    expect(out).toEqual([
      { type: 'reasoning-delta', text: 'Two plus ' },
      { type: 'reasoning-delta', text: 'two is four.' },
      { type: 'text-delta', text: 'It is ' },
      { type: 'text-delta', text: '4.' },
    ]);
  });

  it('maps OpenAI Responses reasoning summary deltas', async () => {
    const generation = convertResponsesDeltaToChatGenerationChunk({
      type: 'response.reasoning_summary_text.delta',
      item_id: 'rs_1',
      output_index: 0,
      summary_index: 0,
      delta: 'Checking the units.',
      sequence_number: 3,
    } as never);
    const out = await events([generation!.message as AIMessageChunk]);
    expect(out).toEqual([{ type: 'reasoning-delta', text: 'Checking the units.' }]);
  });

  it('gives a complete message that was not streamed its reasoning first, once', async () => {
    const complete = new AIMessage({
      id: 'msg_2',
      content: [
        { type: 'thinking', thinking: 'Short plan.', signature: 'sig' },
        { type: 'text', text: 'Answer.' },
      ],
    });
    const out = await events([complete, complete]);
    expect(out).toEqual([
      { type: 'reasoning-delta', text: 'Short plan.' },
      { type: 'text-delta', text: 'Answer.' },
    ]);
  });
});
