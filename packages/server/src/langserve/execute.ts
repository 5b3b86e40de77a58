import type { BaseMessage } from '@langchain/core/messages';
import type { RunSettings } from 'svelte-langserve/protocol';
import { RUN_STREAM_MODES, type Agent } from '../agents/agent.js';
import { trimHistory } from '../agents/history.js';
import { RunTimeoutError } from '../runs/retry.js';
import { userSafeRunError } from '../runs/errors.js';
import { adaptMessageStream, type UnnumberedRunEvent } from '../runs/stream-adapter.js';

/** Thrown into a run whose HTTP client went away. */
export class ClientClosedError extends Error {
  constructor() {
    super('The client closed the connection.');
    this.name = 'ClientClosedError';
  }
}

/** What {@link streamAgentRun} needs. */
export interface HttpRunOptions {
  agent: Agent;
  messages: BaseMessage[];
  settings: RunSettings;
  /** Aborted when the client disconnects (or the server shuts down). */
  signal: AbortSignal;
  /** The run fails after this long, in ms. */
  timeoutMs: number;
}

/**
 * Runs an agent for an HTTP request: the agent's graph stream (`["messages", "updates"]`)
 * through THE stream adapter, so HTTP clients get the same tokens and tool events sockets do.
 * The history is trimmed to the agent's context budget; the run is aborted when `signal` is
 * (client disconnect) or after `timeoutMs`; the agent's health records the outcome.
 */
export async function* streamAgentRun(options: HttpRunOptions): AsyncGenerator<UnnumberedRunEvent> {
  const { agent, signal } = options;
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(
    () => controller.abort(new RunTimeoutError(options.timeoutMs)),
    options.timeoutMs,
  );
  try {
    const messages = await trimHistory(options.messages, agent.contextTokens);
    const stream = await agent.graph.stream(
      { messages },
      { streamMode: RUN_STREAM_MODES, signal: controller.signal, settings: options.settings },
    );
    for await (const event of adaptMessageStream(stream)) {
      if (controller.signal.aborted) break;
      yield event;
    }
    if (controller.signal.aborted) throw controller.signal.reason;
    agent.health.succeeded();
  } catch (error) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    if (!signal.aborted) agent.health.failed(userSafeRunError(reason));
    throw reason;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
    if (!controller.signal.aborted) controller.abort();
  }
}
