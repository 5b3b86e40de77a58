/**
 * A run that calls a tool, recorded from the real agent server (see
 * `tests/fixtures/transcripts.ts`): the demo model calls `calculator`, its arguments stream in,
 * the tool runs for real, its result comes back, then the answer streams.
 */
import {
  fromRecording,
  midStream,
  type RecordedTranscript,
} from '../../tests/fixtures/transcripts.js';
import toolCallFile from '../../tests/fixtures/recorded/tool-call.json';

const recording = fromRecording(toolCallFile);

/** The whole run: the tool finishes and the answer follows. */
export const toolCallAnswer: RecordedTranscript = {
  prompt: recording.prompt,
  runId: recording.runId,
  messageId: recording.messageId,
  steps: recording.steps,
};

const payloads = toolCallAnswer.steps.flatMap((step) =>
  step.event === 'run:event' ? [step.payload] : [],
);
const running = payloads.findIndex((payload) => payload.type === 'tool-call-running');
const runningEvent = payloads[running];
const resultEvent = payloads.find((payload) => payload.type === 'tool-result');
if (runningEvent?.type !== 'tool-call-running' || resultEvent?.type !== 'tool-result')
  throw new Error('The tool-call recording has no running tool call and result.');

/** The tool call's complete arguments, as the server sent them. */
export const TOOL_ARGS: string = runningEvent.argsText;
/** What the tool returned, as the server sent it. */
export const TOOL_RESULT: string = resultEvent.result ?? '';

/**
 * Derived, not recorded: the same run frozen while the tool runs (arguments complete, no
 * result yet, no end). The recording's events up to its `tool-call-running`.
 */
export const toolCallRunning: RecordedTranscript = midStream(toolCallAnswer, running);
