import { randomUUID } from 'node:crypto';
import { RemoteRunnable } from 'langchain-core-0.3/runnables/remote';
import type { AgentHealth } from 'svelte-langserve/protocol';
import { AgentHealthTracker, type Agent } from './agent.js';
import { textItemsOf, textOfContent } from './content.js';

/** How a remote agent's input is sent: a list of messages (default) or the last user message. */
export const REMOTE_INPUT_FORMATS = ['messages', 'string'] as const;

/** A remote agent: a LangServe endpoint called through `RemoteRunnable`. */
export interface RemoteAgentConfig {
  id: string;
  /** The endpoint's URL, e.g. `https://agents.example.com/summarize`. */
  url: string;
  /** What clients see as the model. @default the URL */
  model?: string;
  /** Sent with every call (e.g. an `Authorization` header). */
  headers?: Record<string, string>;
  /** @default 'messages' */
  input?: (typeof REMOTE_INPUT_FORMATS)[number];
  name?: string;
  description?: string;
  /** The history budget sent to the endpoint, in tokens. */
  contextTokens?: number;
  /** Set when the agent cannot work (e.g. a header needs an unset variable): `unconfigured`. */
  unconfiguredReason?: string;
}

/** How long a probe of the remote schema endpoint may take, in ms. */
export const REMOTE_PROBE_TIMEOUT_MS = 5000;
/** A probe older than this is repeated when the health is read, in ms. */
export const REMOTE_PROBE_INTERVAL_MS = 30_000;

/** Options of {@link createRemoteAgent} (tests shorten the probe interval). */
export interface RemoteAgentOptions {
  probeIntervalMs?: number;
}

/**
 * A remote agent's health: `unconfigured` when its headers reference an unset variable;
 * `degraded` (with the reason) while its `input_schema` endpoint does not answer 2xx; otherwise
 * from its runs, like a local agent's. The endpoint is probed at start and again when the health
 * is read and the last probe is older than the interval.
 */
export class RemoteAgentHealth extends AgentHealthTracker {
  readonly #probe: () => Promise<string | null>;
  readonly #intervalMs: number;
  readonly #configured: boolean;
  #problem: string | null = null;
  #probedAt = -Infinity;
  #probing: Promise<void> | null = null;

  constructor(
    probe: () => Promise<string | null>,
    options: { intervalMs: number; unconfiguredReason?: string },
  ) {
    super(options.unconfiguredReason);
    this.#probe = probe;
    this.#intervalMs = options.intervalMs;
    this.#configured = options.unconfiguredReason === undefined;
    if (this.#configured) void this.refresh();
  }

  override get current(): AgentHealth {
    const base = super.current;
    if (!this.#configured) return base;
    if (performance.now() - this.#probedAt > this.#intervalMs) void this.refresh();
    if (this.#problem) return { status: 'degraded', reason: this.#problem };
    return base;
  }

  /** Probes the endpoint now (one probe at a time); resolves when it answered. */
  refresh(): Promise<void> {
    this.#probing ??= this.#probe()
      .then((problem) => {
        this.#problem = problem;
      })
      .finally(() => {
        this.#probedAt = performance.now();
        this.#probing = null;
      });
    return this.#probing;
  }
}

/** Gives a failed call the HTTP status of its response (as provider errors carry it). */
function withStatus(error: unknown): unknown {
  const response = (error as { response?: { status?: unknown } } | null)?.response;
  if (typeof response?.status === 'number' && (error as { status?: unknown }).status === undefined)
    return Object.assign(new Error((error as Error).message, { cause: error }), {
      status: response.status,
    });
  return error;
}

/**
 * An agent answered by a remote LangServe endpoint through `RemoteRunnable`: the conversation
 * goes to its `/stream` route (as `{ type, content }` messages, or the last user message for
 * `input: "string"`), and each streamed chunk's text becomes a `messages` stream item, which
 * the run's stream adapter turns into `text-delta` events like a local model's tokens. The run's
 * abort signal aborts the HTTP call. (The remote agent's tool calls are not visible: LangServe
 * streams only the output.)
 */
export function createRemoteAgent(
  config: RemoteAgentConfig,
  options: RemoteAgentOptions = {},
): Agent {
  const base = config.url.replace(/\/+$/, '');
  const headers = config.headers ?? {};
  const model = config.model ?? config.url;
  const probe = async (): Promise<string | null> => {
    try {
      const response = await fetch(`${base}/input_schema`, {
        headers,
        signal: AbortSignal.timeout(REMOTE_PROBE_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return response.ok ? null : `The remote endpoint's input_schema answered ${response.status}.`;
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause?.code;
      return `The remote endpoint is unreachable${typeof cause === 'string' ? ` (${cause})` : ''}.`;
    }
  };
  const host = new URL(config.url).host;
  const metadata = { provider: 'remote', model };
  return {
    info: {
      id: config.id,
      name: config.name ?? config.id,
      description: config.description ?? `A remote LangServe agent at ${host}.`,
      provider: 'remote',
      model,
      demo: false,
      tools: [],
      settings: {},
    },
    metadata,
    settings: {},
    ...(config.contextTokens !== undefined ? { contextTokens: config.contextTokens } : {}),
    health: new RemoteAgentHealth(probe, {
      intervalMs: options.probeIntervalMs ?? REMOTE_PROBE_INTERVAL_MS,
      ...(config.unconfiguredReason ? { unconfiguredReason: config.unconfiguredReason } : {}),
    }),
    graph: {
      stream: async ({ messages }, { signal }) => {
        const remote = new RemoteRunnable<unknown, unknown, Record<string, unknown>>({
          url: base,
          options: { headers },
        });
        const input =
          config.input === 'string'
            ? textOfContent(messages.at(-1)?.content ?? '')
            : messages.map((message) => ({
                type: message.getType() === 'human' ? 'human' : 'ai',
                content: textOfContent(message.content),
              }));
        let stream: AsyncIterable<unknown>;
        try {
          stream = await remote.stream(input, { signal });
        } catch (error) {
          throw withStatus(error);
        }
        return textItemsOf(stream, `remote-${randomUUID()}`, { remote: base }, withStatus);
      },
    },
  };
}
