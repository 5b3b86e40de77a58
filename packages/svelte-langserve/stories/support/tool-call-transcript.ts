/**
 * A recorded run that calls a tool: a sentence, a `calculator` call whose arguments stream in,
 * the tool running, its result, then the answer. Same shape and pacing as the transcripts in
 * `tests/fixtures/transcripts.ts`.
 */
import type { RunEvent } from '../../src/lib/protocol/index.js';
import {
  demoAgent,
  demoConversation,
  type RecordedTranscript,
} from '../../tests/fixtures/transcripts.js';

/** Every run event field but the ones each step shares (`runId`, `conversationId`, `seq`). */
type StepEvent = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'runId' | 'conversationId' | 'seq'>
    : never
  : never;

const runId = 'run-7001ca';
const messageId = 'msg-c41c07';
const toolCallId = 'call-3f9a01';

/** The tool call's complete arguments. */
export const TOOL_ARGS = '{"expression":"(17 + 25) * 3"}';
/** What the tool returned. */
export const TOOL_RESULT = '126';

const steps: [delayMs: number, event: StepEvent][] = [
  [
    30,
    {
      type: 'start',
      messageId,
      agentId: demoAgent.id,
      attempt: 1,
      createdAt: '2026-03-02T09:20:11.412Z',
      metadata: { provider: 'demo', model: demoAgent.model, demo: true },
    },
  ],
  [340, { type: 'text-delta', text: 'Let me work that out with the calculator.' }],
  [60, { type: 'tool-call-start', toolCallId, name: 'calculator' }],
  [40, { type: 'tool-call-delta', toolCallId, argsText: '{"expression":' }],
  [35, { type: 'tool-call-delta', toolCallId, argsText: '"(17 + 25) * 3"}' }],
  [20, { type: 'tool-call-running', toolCallId, argsText: TOOL_ARGS }],
  [650, { type: 'tool-result', toolCallId, result: TOOL_RESULT }],
  [280, { type: 'text-delta', text: '(17 + 25) × 3 = **126**: the sum is 42, and' }],
  [30, { type: 'text-delta', text: ' three times 42 is 126.' }],
  [40, { type: 'end', status: 'completed' }],
];

/** The whole run: the tool finishes and the answer follows. */
export const toolCallAnswer: RecordedTranscript = {
  prompt: 'What is (17 + 25) × 3? Use the calculator.',
  runId,
  messageId,
  steps: steps.map(([delayMs, event], seq) => ({
    delayMs,
    event: 'run:event',
    payload: { ...event, runId, conversationId: demoConversation.id, seq } as RunEvent,
  })),
};

/** The same run frozen while the tool runs (arguments complete, no result yet, no end). */
export const toolCallRunning: RecordedTranscript = {
  ...toolCallAnswer,
  steps: toolCallAnswer.steps.slice(
    0,
    toolCallAnswer.steps.findIndex(
      (step) => step.event === 'run:event' && step.payload.type === 'tool-call-running',
    ) + 1,
  ),
};
