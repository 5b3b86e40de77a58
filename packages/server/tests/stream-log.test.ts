import { RunLog, RunLogPatch } from 'langchain-core-0.3/tracers/log_stream';
import { describe, expect, it } from 'vitest';
import { includedInLog, runLogPatchesOf } from '../src/langserve/stream-log.js';
import { traceOf, type TracedRun } from '../src/langserve/trace.js';
import type { UnnumberedRunEvent } from '../src/runs/stream-adapter.js';

const RUN: TracedRun = {
  runId: 'run-1',
  agentId: 'chatbot',
  model: 'meta/llama~3',
  input: 'hi',
  responseMetadata: { provider: 'test' },
};

async function* eventsOf(events: UnnumberedRunEvent[]) {
  yield* events;
}

const EVENTS: UnnumberedRunEvent[] = [
  { type: 'text-delta', text: 'Let me ' },
  { type: 'text-delta', text: 'check.' },
  { type: 'tool-call-start', toolCallId: 'call-1', name: 'calculator' },
  { type: 'tool-call-running', toolCallId: 'call-1', argsText: '{"expression":"2+2"}' },
  { type: 'tool-result', toolCallId: 'call-1', result: '4' },
  { type: 'tool-call-start', toolCallId: 'call-2', name: 'calculator' },
  { type: 'tool-call-running', toolCallId: 'call-2', argsText: 'not json' },
  { type: 'tool-result', toolCallId: 'call-2', error: 'Bad expression.' },
  { type: 'text-delta', text: ' It is 4.' },
];

/** The state LangChain's RunLog builds from the patches (applied as JSON, from JSON). */
async function stateOf(filters = {}) {
  let log: RunLog | undefined;
  for await (const patch of runLogPatchesOf(RUN, traceOf(eventsOf(EVENTS)), filters)) {
    const parsed = new RunLogPatch(JSON.parse(JSON.stringify(patch)));
    log = log === undefined ? RunLog.fromRunLogPatch(parsed) : log.concat(parsed);
  }
  return (log as RunLog).state;
}

describe('stream_log patches (runLogPatchesOf)', () => {
  it('build the RunLog: root chunks and answer, model turns and tool calls keyed by name', async () => {
    const state = await stateOf();
    expect(state).toMatchObject({ id: 'run-1', name: 'chatbot', type: 'chain' });
    expect(state.streamed_output.map((chunk: { content: string }) => chunk.content)).toEqual([
      'Let me ',
      'check.',
      ' It is 4.',
    ]);
    expect(state.final_output).toMatchObject({
      type: 'ai',
      content: 'Let me check. It is 4.',
      response_metadata: { provider: 'test' },
    });
    // A model name with "/" and "~" is one key (JSON Pointer escaping), numbered like LangChain.
    expect(Object.keys(state.logs)).toEqual([
      'meta/llama~3',
      'calculator',
      'calculator:2',
      'meta/llama~3:2',
    ]);
    expect(state.logs['meta/llama~3']).toMatchObject({
      type: 'llm',
      streamed_output_str: ['Let me ', 'check.'],
      final_output: { type: 'LLMResult', generations: [[{ text: 'Let me check.' }]] },
    });
    expect(state.logs['meta/llama~3:2']?.streamed_output_str).toEqual([' It is 4.']);
    expect(state.logs.calculator).toMatchObject({
      type: 'tool',
      inputs: { input: { expression: '2+2' } },
      final_output: { output: '4' },
    });
    expect(state.logs['calculator:2']).toMatchObject({
      inputs: { input: 'not json' },
      final_output: { error: 'Bad expression.' },
    });
    for (const entry of Object.values(state.logs))
      expect(entry.end_time).toEqual(expect.any(String));
  });

  it('filter the sub-runs as LangChain does; the root is always there', async () => {
    expect(Object.keys((await stateOf({ include_types: ['tool'] })).logs)).toEqual([
      'calculator',
      'calculator:2',
    ]);
    expect(Object.keys((await stateOf({ include_names: ['meta/llama~3'] })).logs)).toEqual([
      'meta/llama~3',
      'meta/llama~3:2',
    ]);
    const excluded = await stateOf({ exclude_names: ['calculator'], exclude_types: ['llm'] });
    expect(excluded.logs).toEqual({});
    expect(excluded.final_output).toMatchObject({ content: 'Let me check. It is 4.' });
    expect(Object.keys((await stateOf({ include_tags: ['x'] })).logs)).toEqual([]);
  });

  it('includedInLog: include_* widen from nothing, exclude_* narrow', () => {
    expect(includedInLog({}, 'calculator', 'tool')).toBe(true);
    expect(includedInLog({ include_names: ['search'] }, 'calculator', 'tool')).toBe(false);
    expect(
      includedInLog({ include_names: ['search'], include_types: ['tool'] }, 'calculator', 'tool'),
    ).toBe(true);
    expect(
      includedInLog(
        { include_types: ['tool'], exclude_names: ['calculator'] },
        'calculator',
        'tool',
      ),
    ).toBe(false);
    expect(includedInLog({ include_names: null, exclude_tags: ['x'] }, 'calculator', 'tool')).toBe(
      true,
    );
  });
});
