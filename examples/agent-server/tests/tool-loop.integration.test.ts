import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  applyRunEventToParts,
  type MessagePart,
  type RunEvent,
  type ToolCallPart,
} from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { AGENT_DEFINITIONS } from '../src/agents/definitions.js';
import { askAgent, createConversation, EventLog, serverPerTest } from './support/harness.js';

const FIXTURE_DOCS = path.join(import.meta.dirname, 'fixtures/docs');

const harness = serverPerTest();

async function setUp() {
  await harness.start({ config: { demoTokenDelayMs: 1, docsDir: FIXTURE_DOCS } });
  const socket = await harness.client();
  const log = new EventLog(socket);
  const conversationId = await createConversation(socket);
  return { socket, log, conversationId };
}

/** Sends `text` to `agentId`, waits for the run to end; returns its events and stored message. */
async function ask(agentId: string, text: string) {
  const { socket, log, conversationId } = await setUp();
  const { run, answer } = await askAgent(socket, log, conversationId, agentId, text);
  const events = log.forRun(run.id).map(({ receivedAt: _receivedAt, ...event }) => event);
  return { events, stored: answer };
}

/** The event types with consecutive repeats collapsed, e.g. start, tool-call-delta, ... */
function shape(events: RunEvent[]): string[] {
  return events
    .map((event) => event.type)
    .filter((type, index, all) => index === 0 || all[index - 1] !== type);
}

/** Rebuilds the parts from the events (what a client does). */
function partsFrom(events: RunEvent[]): MessagePart[] {
  const parts: MessagePart[] = [];
  const call = (id: string) =>
    parts.find((part): part is ToolCallPart => part.type === 'tool-call' && part.toolCallId === id);
  for (const event of events) {
    if (event.type === 'text-delta') {
      const last = parts[parts.length - 1];
      if (last?.type === 'text') last.text += event.text;
      else parts.push({ type: 'text', text: event.text });
    } else if (event.type === 'tool-call-start')
      parts.push({
        type: 'tool-call',
        toolCallId: event.toolCallId,
        name: event.name,
        argsText: '',
        state: 'streaming',
      });
    else if (event.type === 'tool-call-delta') call(event.toolCallId)!.argsText += event.argsText;
    else if (event.type === 'tool-call-running')
      Object.assign(call(event.toolCallId)!, { argsText: event.argsText, state: 'running' });
    else if (event.type === 'tool-result') {
      const part = call(event.toolCallId)!;
      part.state = event.error !== undefined ? 'failed' : 'completed';
      if (event.result !== undefined) part.result = event.result;
      if (event.error !== undefined) part.error = event.error;
    }
  }
  return parts;
}

const TOOL_LOOP = [
  'start',
  'tool-call-start',
  'tool-call-delta',
  'tool-call-running',
  'tool-result',
  'text-delta',
  'end',
];

describe('the tool loop through real agent graphs (demo model, real tools, real sockets)', () => {
  it('chatbot → calculator: streamed args, running, result, then an answer using it', async () => {
    const { events, stored } = await ask('chatbot', 'What is 12 * (3 + 4)?');
    expect(shape(events)).toEqual(TOOL_LOOP);
    expect(events.filter((event) => event.type === 'tool-call-delta').length).toBeGreaterThan(1);
    const parts = partsFrom(events);
    expect(parts[0]).toMatchObject({
      type: 'tool-call',
      name: 'calculator',
      state: 'completed',
      argsText: JSON.stringify({ expression: '12 * (3 + 4)' }),
      result: JSON.stringify({ expression: '12 * (3 + 4)', result: '84' }),
    });
    expect(parts[1]).toMatchObject({ type: 'text' });
    expect((parts[1] as { text: string }).text).toContain('12 * (3 + 4) = 84');
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    expect(stored).toMatchObject({ status: 'complete', parts });
  });

  it('data-analyst → statistics', async () => {
    const { events, stored } = await ask(
      'data-analyst',
      'What is the mean of 2, 4, 4, 4, 5, 5, 7, 9?',
    );
    expect(shape(events)).toEqual(TOOL_LOOP);
    const parts = partsFrom(events);
    expect(parts[0]).toMatchObject({ name: 'statistics', state: 'completed' });
    expect(JSON.parse((parts[0] as ToolCallPart).result ?? '')).toMatchObject({
      mean: 5,
      median: 4.5,
      standardDeviation: 2,
    });
    expect((parts[1] as { text: string }).text).toContain('| mean | 5 |');
    expect(stored).toMatchObject({ status: 'complete', parts });
  });

  it('chatbot → current_datetime in a time zone', async () => {
    const { events, stored } = await ask('chatbot', 'What time is it in Europe/Paris?');
    expect(shape(events)).toEqual(TOOL_LOOP);
    const parts = partsFrom(events);
    expect(parts[0]).toMatchObject({
      name: 'current_datetime',
      state: 'completed',
      argsText: '{"timeZone":"Europe/Paris"}',
    });
    const result = JSON.parse((parts[0] as ToolCallPart).result ?? '');
    expect(result.timeZone).toBe('Europe/Paris');
    expect(Math.abs(Date.parse(result.iso) - Date.now())).toBeLessThan(10_000);
    expect((parts[1] as { text: string }).text).toContain('in Europe/Paris');
    expect(stored).toMatchObject({ status: 'complete', parts });
  });

  it('research-assistant → search_documents, with its status line and indexing progress', async () => {
    const { events, stored } = await ask('research-assistant', 'Search for coalesces deltas');
    // The tool writes with config.writer (the `custom` stream mode): a status while it works,
    // cleared at its end, and the first search's indexing progress as one data part. The agent's
    // node status shows "Thinking…" while its model node works, until the model's first token.
    // After the search, the model node writes the conversation's sources (a data part).
    expect(shape(events)).toEqual([
      'start',
      'status',
      ...TOOL_LOOP.slice(1, 4),
      'status',
      'data',
      'status',
      'tool-result',
      'status',
      'data',
      'status',
      ...TOOL_LOOP.slice(5),
    ]);
    const statuses = events.flatMap((event) => (event.type === 'status' ? [event.text] : []));
    expect(statuses).toEqual(['Thinking…', '', 'Searching documents…', '', 'Thinking…', '']);
    const progress = events.flatMap((event) =>
      event.type === 'data' && event.id === 'index-documents' ? [event] : [],
    );
    expect(progress.map((event) => (event.data as { progress: number }).progress)).toEqual([
      0, 0.5, 1,
    ]);
    const parts = events.reduce<MessagePart[]>(applyRunEventToParts, []);
    expect(parts.map((part) => part.type)).toEqual(['tool-call', 'data', 'data', 'text']);
    expect(parts[1]).toEqual({
      type: 'data',
      id: 'index-documents',
      name: 'progress',
      data: { progress: 1, label: 'Indexing documents (2 of 2)' },
    });
    expect(parts[0]).toMatchObject({ name: 'search_documents', state: 'completed' });
    const result = JSON.parse((parts[0] as ToolCallPart).result ?? '');
    expect(result.hits[0]).toMatchObject({ file: 'streaming.md', title: 'Streaming answers' });
    expect(parts[2]).toMatchObject({ type: 'data', id: 'sources', name: 'sources' });
    expect((parts[2] as { data: { files: string[] } }).data.files).toContain('streaming.md');
    expect((parts[3] as { text: string }).text).toContain('`streaming.md`');
    // The data part is stored with the answer; the status is not.
    expect(stored).toMatchObject({ status: 'complete', parts });
  });

  it('a failing tool ends as a failed tool part while the run completes', async () => {
    for (const [agentId, text, error] of [
      ['chatbot', 'What is 1/0?', /finite/],
      ['chatbot', 'What time is it in Mars/Olympus_Mons?', /Unknown time zone/],
    ] as const) {
      const { events, stored } = await ask(agentId, text);
      expect(shape(events)).toEqual(TOOL_LOOP);
      const result = events.find((event) => event.type === 'tool-result');
      expect(result).toMatchObject({ error: expect.stringMatching(error) });
      expect(result).not.toHaveProperty('result');
      const parts = partsFrom(events);
      expect(parts[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(error) });
      expect((parts[1] as { text: string }).text).toContain('could not answer');
      expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
      expect(stored).toMatchObject({ status: 'complete', parts });
      await harness.server.close();
    }
  });

  it('answers a plain greeting with text only (no tool call)', async () => {
    const { events } = await ask('chatbot', 'Hello! What can you do?');
    expect(shape(events)).toEqual(['start', 'text-delta', 'end']);
  });
});

describe('agents:list', () => {
  it('returns the five agents with their tools and health', async () => {
    const { socket } = await setUp();
    const listed = await socket.emitWithAck('agents:list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    expect(
      listed.data.agents.map(({ id, tools, health, provider, demo }) => ({
        id,
        tools,
        health,
        provider,
        demo,
      })),
    ).toEqual(
      [
        ['chatbot', ['calculator', 'current_datetime']],
        ['code-assistant', []],
        ['data-analyst', ['statistics', 'calculator']],
        ['creative-writer', []],
        ['research-assistant', ['search_documents', 'current_datetime']],
      ].map(([id, tools]) => ({
        id,
        tools,
        health: { status: 'ready' },
        provider: 'demo',
        demo: true,
      })),
    );
    expect(AGENT_DEFINITIONS).toHaveLength(5);
    for (const agent of listed.data.agents) {
      expect(agent.name.length).toBeGreaterThan(0);
      expect(agent.description.length).toBeGreaterThan(0);
    }
  });
});

describe('joining mid-run', () => {
  it('returns tool-call parts equal to what the events built up to the reported seq', async () => {
    await harness.start({ config: { demoTokenDelayMs: 20, docsDir: FIXTURE_DOCS } });
    const socket = await harness.client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: randomUUID(),
      text: 'What is 6 * 7?',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const run = sent.data.runs[0]!;
    const snapshots: string[] = [];
    for (const stage of ['tool-call-delta', 'tool-result', 'text-delta'] as const) {
      await log.until(() => log.forRun(run.id).some((event) => event.type === stage));
      const joined = await socket.emitWithAck('conversations:join', { conversationId });
      if (!joined.ok) throw new Error(joined.error.message);
      const info = joined.data.runs.find((candidate) => candidate.id === run.id);
      const message = joined.data.messages.find((candidate) => candidate.id === run.messageId);
      if (!info) break; // the run ended meanwhile
      const upTo = log.forRun(run.id).filter((event) => event.seq <= info.seq);
      expect(upTo.at(-1)?.seq).toBe(info.seq);
      expect(message?.parts).toEqual(partsFrom(upTo));
      snapshots.push(stage);
    }
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    await log.ended(run.id);
  });
});
