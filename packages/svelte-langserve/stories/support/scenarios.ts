/**
 * Named chat scenarios for stories: which transcripts the scripted server answers with, what
 * the user sends, and what happens to the connection afterwards. The transcripts are recorded
 * from the agent server (`tests/fixtures/transcripts.ts`); the scenarios that say "derived"
 * reuse a recording for a state the server was not recorded in.
 */
import type { InMemoryTransport } from '../../src/lib/client/index.js';
import { createScriptedTransport, type Reply } from '../../tests/fixtures/scripted-server.js';
import {
  cancelledRun,
  demoConversation,
  failedRun,
  longAnswer,
  midStream,
  REASONING_DELTAS,
  reasoningAnswer,
  streamingAnswer,
} from '../../tests/fixtures/transcripts.js';
import { createHistoryTransport } from './history-transport.js';
import { longConversation } from './long-conversation.js';
import { toolCallAnswer, toolCallRunning } from './tool-call-transcript.js';

/** What happens to the connection once every prompt has been answered. */
export type AfterPrompts = 'drop' | 'reconnecting' | null;

interface Scenario {
  replies: Reply[];
  prompts: string[];
  speed?: number;
  connectOutcome?: 'connected' | 'refused' | 'never';
  afterPrompts?: AfterPrompts;
  sendRetries?: number;
  /** Opens `demoConversation` holding this many earlier messages (no agent answers sends). */
  history?: number;
}

/** How many messages the `long-conversation` scenario opens with. */
export const LONG_CONVERSATION_LENGTH = 1200;

/** The text of the send error the `error` scenario answers its second prompt with. */
export const SEND_ERROR_MESSAGE = 'The agent is at capacity right now. Try again in a minute.';

/** The Arabic prompt of the `right-to-left` scenario ("How do streaming transports work?"). */
export const RTL_PROMPT = 'كيف تعمل وسائل النقل المتدفقة؟';

/** How far into the streaming answer the `mid-stream` scenario stops (text deltas). */
export const MID_STREAM_DELTAS = 22;

const scenarios = {
  empty: { replies: [{ transcript: streamingAnswer }], prompts: [] },
  streaming: {
    replies: [{ transcript: streamingAnswer }],
    prompts: [streamingAnswer.prompt],
  },
  'mid-stream': {
    replies: [{ transcript: midStream(streamingAnswer, MID_STREAM_DELTAS) }],
    prompts: [streamingAnswer.prompt],
    speed: 0,
  },
  'long-answer': {
    replies: [{ transcript: longAnswer }],
    prompts: [longAnswer.prompt],
    speed: 0,
  },
  /** The model reasons (a collapsed "Thinking…") for about 1.5 s, then answers. */
  reasoning: {
    replies: [{ transcript: reasoningAnswer }],
    prompts: [reasoningAnswer.prompt],
  },
  /** Frozen while the model is still reasoning. */
  'mid-reasoning': {
    replies: [{ transcript: midStream(reasoningAnswer, Math.floor(REASONING_DELTAS / 2)) }],
    prompts: [reasoningAnswer.prompt],
    speed: 0,
  },
  cancelled: {
    replies: [{ transcript: cancelledRun }],
    prompts: [cancelledRun.prompt],
    speed: 0,
  },
  error: {
    replies: [
      { transcript: failedRun },
      { error: { code: 'unavailable', message: SEND_ERROR_MESSAGE, retryable: true } },
    ],
    prompts: [failedRun.prompt, 'Try again, please.'],
    speed: 0,
    sendRetries: 0,
  },
  /** Derived: the recorded answer, then the in-memory transport drops the connection. */
  disconnected: {
    replies: [{ transcript: streamingAnswer }],
    prompts: [streamingAnswer.prompt],
    speed: 0,
    afterPrompts: 'drop',
  },
  /** Derived: the recorded answer, then the transport drops and retries (no server involved). */
  reconnecting: {
    replies: [{ transcript: streamingAnswer }],
    prompts: [streamingAnswer.prompt],
    speed: 0,
    afterPrompts: 'reconnecting',
  },
  refused: { replies: [], prompts: [], connectOutcome: 'refused' },
  /**
   * Derived: an Arabic question, answered with the recorded (English) streaming answer, which
   * keeps its own direction. The recording was made with an English prompt.
   */
  'right-to-left': {
    replies: [{ transcript: streamingAnswer }],
    prompts: [RTL_PROMPT],
    speed: 0,
  },
  /** The agent calls a tool, which is still running (derived: the recording frozen there). */
  'tool-call-running': {
    replies: [{ transcript: toolCallRunning }],
    prompts: [toolCallRunning.prompt],
    speed: 0,
  },
  /** The agent calls a tool, shows its result, then answers. */
  'tool-call': {
    replies: [{ transcript: toolCallAnswer }],
    prompts: [toolCallAnswer.prompt],
    speed: 0,
  },
  /** A conversation of 1,200 messages, opened from the server. */
  'long-conversation': { replies: [], prompts: [], history: LONG_CONVERSATION_LENGTH },
} satisfies Record<string, Scenario>;

/** Every scenario's name. */
export type ScenarioName = keyof typeof scenarios;

/** Every scenario's name, for a story control. */
export const SCENARIO_NAMES = Object.keys(scenarios) as ScenarioName[];

/** A fresh scripted transport and the harness props for a scenario. */
export function setUpScenario(name: ScenarioName): {
  transport: InMemoryTransport;
  prompts: string[];
  afterPrompts: AfterPrompts;
  sendRetries: number | undefined;
  conversationId: string | undefined;
} {
  const scenario: Scenario = scenarios[name];
  if (scenario.history !== undefined) {
    return {
      transport: createHistoryTransport(longConversation(scenario.history)),
      prompts: [],
      afterPrompts: null,
      sendRetries: 0,
      conversationId: demoConversation.id,
    };
  }
  return {
    conversationId: undefined,
    transport: createScriptedTransport({
      replies: scenario.replies,
      speed: scenario.speed ?? 1,
      connectOutcome: scenario.connectOutcome ?? 'connected',
    }),
    prompts: scenario.prompts,
    afterPrompts: scenario.afterPrompts ?? null,
    sendRetries: scenario.sendRetries,
  };
}
