/** A plain-text part of a message. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * Where a tool call stands: its arguments are `streaming` in, the tool is `running`, or it
 * `completed` (with a result) or `failed` (with an error).
 */
export type ToolCallState = 'streaming' | 'running' | 'completed' | 'failed';

/** A tool call the agent made, with its arguments as they stream and its result. */
export interface ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  /** The tool's name. */
  name: string;
  /** The arguments as JSON text, growing while they stream. */
  argsText: string;
  state: ToolCallState;
  /** The tool's result as text (often JSON), once `completed`. */
  result?: string;
  /** Why the tool failed, once `failed`; safe to show. */
  error?: string;
}

/**
 * The model's reasoning ("thinking") before or between its answer's text, streamed apart from
 * it. Not part of the answer: it is not copied and not sent back to the model.
 */
export interface ReasoningPart {
  type: 'reasoning';
  /** The reasoning text, growing while it streams. Untrusted model output, like the answer. */
  text: string;
  /**
   * How long the model reasoned, in ms: from this part's first reasoning token to its latest
   * (absent when the server did not measure it).
   */
  durationMs?: number;
}

/**
 * Data a graph's node wrote while it worked (LangGraph's `custom` stream mode,
 * `config.writer(...)`): progress, a found document, a chart's numbers. A later write with the
 * same `id` replaces `data` where the part already is.
 */
export interface DataPart {
  type: 'data';
  /** Names the part within its message: the writer's `id`, or one the server made up. */
  id: string;
  /** What kind of data it is (the writer's `name`), when it said. */
  name?: string;
  /**
   * JSON. `{ progress, label? }` with `progress` from 0 to 1 is progress ({@link isProgressData});
   * anything else renders as readable JSON unless the app's snippet renders it.
   */
  data: unknown;
}

/** Data that means progress: `progress` from 0 (nothing done) to 1 (done), and what is done. */
export interface ProgressData {
  progress: number;
  label?: string;
}

/** Whether a data part's `data` is progress (`{ progress: number, label?: string }`). */
export function isProgressData(data: unknown): data is ProgressData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const { progress, label } = data as Record<string, unknown>;
  return (
    typeof progress === 'number' &&
    Number.isFinite(progress) &&
    (label === undefined || typeof label === 'string')
  );
}

/** The parts a message is made of, in the order they were produced. */
export type MessagePart = TextPart | ReasoningPart | ToolCallPart | DataPart;

/** Who wrote a message. */
export type MessageRole = 'user' | 'assistant';

/**
 * How far a message has got. User messages are always `complete`; an assistant message is
 * `streaming` while its run is live and takes the run's terminal status when it ends.
 */
export type MessageStatus = 'streaming' | 'complete' | 'cancelled' | 'failed' | 'interrupted';

/** Facts about an assistant message's origin. */
export interface MessageMetadata {
  /** The provider that produced the answer (`demo`, `openai`, ...). */
  provider?: string;
  /** The model name the provider reported. */
  model?: string;
  /** True when the answer came from the offline demo model, not a real LLM. */
  demo?: boolean;
  /** Token counts, when the provider reports them. */
  usage?: TokenUsage;
  /** Milliseconds from the run's start to its first streamed token. */
  timeToFirstTokenMs?: number;
  /**
   * Output tokens per second, from the first token to the end (the provider's output token
   * count when it reports one, else the number of streamed model chunks).
   */
  tokensPerSecond?: number;
  /** The runtime settings the message asked for (only those it set). */
  settings?: RunSettings;
  /** How many times the model was called for this answer before it streamed (1 = no retry). */
  attempts?: number;
}

/** Runtime settings a message may pass to its agents' models. */
export interface RunSettings {
  /** Sampling temperature. */
  temperature?: number;
  /** Most tokens the model may generate per call. */
  maxTokens?: number;
  /** Nucleus sampling: the probability mass of tokens considered. */
  topP?: number;
}

/** The name of a runtime setting. */
export type RunSettingName = keyof RunSettings;

/** The names of all runtime settings, for runtime iteration. */
export const RUN_SETTING_NAMES: readonly RunSettingName[] = ['temperature', 'maxTokens', 'topP'];

/** The range an agent accepts for one numeric setting, and its default. */
export interface NumberSettingSpec {
  min: number;
  max: number;
  /** Used when a message does not set it; absent = the provider's own default. */
  default?: number;
  /** True when only whole numbers are accepted. */
  integer?: boolean;
}

/** The runtime settings an agent accepts; a setting not listed is not accepted. */
export type AgentSettingsSpec = { [K in RunSettingName]?: NumberSettingSpec };

/** Token counts for one answer. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** A message in a conversation. */
export interface Message {
  id: string;
  conversationId: string;
  role: MessageRole;
  parts: MessagePart[];
  status: MessageStatus;
  /** ISO-8601 time the server created the message. */
  createdAt: string;
  /** For assistant messages: the agent that wrote it. */
  agentId?: string;
  /** For assistant messages: the run that produced it. */
  runId?: string;
  /** For user messages: the id the sending client chose (used to de-duplicate retries). */
  clientMessageId?: string;
  /** For user messages: who wrote it (absent on servers without users). */
  authorId?: string;
  /**
   * The message this one follows in the conversation's tree: for an answer, the user message it
   * replies to; for a user message, the previous message of its branch (absent: a root, or a
   * message stored before branches existed, which follows the previous one). Messages with the
   * same parent are alternative versions ("2 of 3").
   */
  parentId?: string;
  metadata?: MessageMetadata;
  /** For failed messages: what went wrong, safe to show. */
  error?: string;
  /**
   * For assistant messages: the feedback of the user who receives the message (each user sees
   * only their own), when they gave any.
   */
  feedback?: MessageFeedback;
}

/** A rating of an answer: 1 is thumbs up, -1 thumbs down. */
export type FeedbackValue = 1 | -1;

/** One user's feedback on an assistant message. */
export interface MessageFeedback {
  value: FeedbackValue;
  /** The user's note, if they wrote one. */
  comment?: string;
}

/** A conversation: an ordered list of messages answered by one or more agents. */
export interface Conversation {
  id: string;
  title: string;
  /** The agents that answer new messages unless a message names others. */
  agentIds: string[];
  createdAt: string;
  updatedAt: string;
  /** The user who created it (absent on servers without users). */
  ownerId?: string;
}

/** An agent the server offers. */
export interface AgentInfo {
  id: string;
  name: string;
  description: string;
  /** The provider behind the agent (`demo`, `openai`, ...). */
  provider: string;
  model: string;
  /** True when the agent answers with the offline demo model. */
  demo: boolean;
  /** The names of the tools the agent may call. */
  tools: string[];
  /** Whether the agent can answer now. */
  health: AgentHealth;
  /** The runtime settings the agent accepts (absent or empty: none). */
  settings?: AgentSettingsSpec;
}

/**
 * An agent's health: `ready`; `degraded` (its last model calls failed); or `unconfigured`
 * (its provider lacks settings, e.g. an API key). `reason` says why when not ready.
 */
export interface AgentHealth {
  status: 'ready' | 'degraded' | 'unconfigured';
  reason?: string;
}

/** The terminal status of a run. Every run ends with exactly one of these. */
export type RunTerminalStatus = 'completed' | 'cancelled' | 'failed' | 'interrupted';

/** The status of a run, live or ended. */
export type RunStatus = 'running' | RunTerminalStatus;

/** A run as reported when it starts or when a client joins while it is live. */
export interface RunInfo {
  id: string;
  conversationId: string;
  messageId: string;
  agentId: string;
  status: RunStatus;
  /** The `seq` of the last event the server emitted for this run. */
  seq: number;
}
