import { randomUUID } from 'node:crypto';
import type { BaseMessage } from '@langchain/core/messages';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunSettings } from 'svelte-langserve/protocol';
import type { z } from 'zod';
import type { Agent } from '../../agents/agent.js';
import { resolveRunSettings } from '../../agents/settings.js';
import type { ServerConfig } from '../../config.js';
import { admitRuns, ANONYMOUS_USER_ID, rateRefusal } from '../../edge/policy.js';
import { ClientClosedError, streamAgentRun } from '../../langserve/execute.js';
import { sendError, sendRefusal } from '../../langserve/http.js';
import {
  issuesOf,
  parseChatInput,
  settingsOf,
  wireAiMessage,
  type runnableConfigSchema,
} from '../../langserve/wire.js';
import { KeyedRateLimiter } from '../../limits/token-bucket.js';
import { userSafeRunError } from '../../runs/errors.js';
import { RunTimeoutError } from '../../runs/retry.js';
import type { RunAdmission, RunManager } from '../../runs/run-manager.js';

/** Where the agent routes live. */
export const AGENTS_PREFIX = '/agents';

/** How many ended HTTP runs are remembered (for feedback). */
const REMEMBERED_RUNS = 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller of a LangServe route: a token's `sub`, or `anonymous` in development. */
    langserveUserId: string;
  }
}

type RunnableConfig = z.infer<typeof runnableConfigSchema>;

/** One prepared run of a request: its messages, checked settings and id. */
export interface PreparedRun {
  runId: string;
  messages: BaseMessage[];
  settings: RunSettings;
}

/** An input {@link PreparedRun} refused: malformed (`issues`), or a message over the limit. */
export interface Refused {
  issues: string[];
  tooLong?: string;
}

/**
 * What every LangServe route does at the edge, beside the shared edge policy: find the agent,
 * take from the caller's rate budget, parse and check the body, admit the runs, tie them to the
 * request (aborted when the client leaves or the server closes) and answer failures. The
 * helpers send the refusal themselves and return null, so a route reads top to bottom.
 */
export function langServeEdge(options: {
  agents: readonly Agent[];
  config: ServerConfig;
  runs: RunManager;
}) {
  const { config, runs } = options;
  const byId = new Map(options.agents.map((agent) => [agent.info.id, agent]));
  const limiter = new KeyedRateLimiter({
    ratePerSecond: config.limits.eventsPerSecond,
    capacity: config.limits.eventBurst,
  });
  /** Live HTTP runs, aborted when the server closes. */
  const live = new Set<AbortController>();
  /** Recently started runs: id → agent and user (feedback must name one of them). */
  const recent = new Map<string, { agentId: string; userId: string }>();
  const remember = (runId: string, agentId: string, userId: string) => {
    recent.set(runId, { agentId, userId });
    if (recent.size > REMEMBERED_RUNS) recent.delete(recent.keys().next().value as string);
  };
  /** Aborts every live HTTP run (the server is closing). */
  const abortAll = () => {
    for (const controller of live) controller.abort(new Error('The server is shutting down.'));
  };

  /** The agent a route names, or a 404 (sent) and undefined. */
  const agentOf = (request: FastifyRequest, reply: FastifyReply): Agent | undefined => {
    const { agentId } = request.params as { agentId: string };
    const agent = byId.get(agentId);
    if (!agent)
      void sendError(
        reply,
        404,
        'not_found',
        `Unknown agent: ${agentId}. GET ${AGENTS_PREFIX} lists the agents.`,
      );
    return agent;
  };

  /** Takes one request from the caller's rate budget; sends a 429 and returns false if spent. */
  const withinRate = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const user = request.langserveUserId;
    const retryAfterMs = limiter.take(user === ANONYMOUS_USER_ID ? `ip:${request.ip}` : user);
    if (retryAfterMs === 0) return true;
    void sendRefusal(reply, rateRefusal(config.limits, retryAfterMs));
    return false;
  };

  /**
   * The route's agent and its parsed body, within the caller's rate budget; otherwise the
   * refusal (404, 429 or 400) is sent and the result is null.
   */
  const begin = <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    schema: z.ZodType<T>,
    kind: string,
  ): { agent: Agent; body: T } | null => {
    const agent = agentOf(request, reply);
    if (!agent || !withinRate(request, reply)) return null;
    const body = schema.safeParse(request.body);
    if (body.success) return { agent, body: body.data };
    void sendError(reply, 400, 'invalid_payload', `Invalid ${kind} body.`, {
      issues: issuesOf(body.error),
    });
    return null;
  };

  /**
   * Checks an input and its config against the agent: `issues` when malformed, `tooLong`
   * when a message is over the message length limit (the sockets' `message_length`).
   */
  const prepare = (
    agent: Agent,
    input: unknown,
    runConfig: RunnableConfig | undefined,
    path: string,
  ): PreparedRun | Refused => {
    const parsed = parseChatInput(input, path);
    if (!parsed.ok) return { issues: parsed.issues };
    const max = config.limits.maxMessageLength;
    const long = parsed.messages.findIndex((message) => message.text.length > max);
    if (long !== -1)
      return { tooLong: `${path}: message ${long} is over ${max} characters`, issues: [] };
    const resolved = resolveRunSettings(agent.settings, settingsOf(runConfig), agent.info.name);
    if (!resolved.ok) return { issues: [`config.configurable: ${resolved.error}`] };
    return { runId: randomUUID(), messages: parsed.messages, settings: resolved.settings };
  };

  /** Answers refused inputs: 413 `message_length` if one is too long, else 400 with issues. */
  const refuse = (reply: FastifyReply, refused: Refused[]) => {
    const tooLong = refused.find((run) => run.tooLong !== undefined)?.tooLong;
    if (tooLong !== undefined)
      return sendError(
        reply,
        413,
        'limit_exceeded',
        `A message is too long: at most ${config.limits.maxMessageLength} characters (${tooLong}).`,
        { limit: 'message_length', retryable: false },
      );
    return sendError(reply, 400, 'invalid_payload', 'Invalid input.', {
      issues: refused.flatMap((run) => run.issues),
    });
  };

  /**
   * Admits `count` runs of `agent` for the caller (server open, agent configured, within the
   * concurrent-run limit shared with socket runs); sends the refusal and returns null.
   */
  const admit = (
    request: FastifyRequest,
    reply: FastifyReply,
    agent: Agent,
    count: number,
  ): RunAdmission | null => {
    const admitted = admitRuns(runs, config.limits, {
      userId: request.langserveUserId,
      count,
      sendKey: `http:${randomUUID()}`,
      agents: [agent],
    });
    if ('admission' in admitted) return admitted.admission;
    void sendRefusal(reply, admitted.refusal);
    return null;
  };

  /** An AbortController for a request's run(s): aborted on client disconnect and shutdown. */
  const runController = (reply: FastifyReply) => {
    const controller = new AbortController();
    live.add(controller);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new ClientClosedError());
      live.delete(controller);
    });
    return controller;
  };

  /** The error reply for a failed run. */
  const runFailed = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (reply.raw.destroyed || error instanceof ClientClosedError) return reply;
    request.log.warn({ err: error }, 'LangServe run failed');
    return error instanceof RunTimeoutError
      ? sendError(reply, 504, 'unavailable', userSafeRunError(error), { retryable: true })
      : sendError(reply, 502, 'unavailable', userSafeRunError(error), { retryable: true });
  };

  /** Runs one prepared run to its end; resolves with the answer's text. */
  const collect = async (agent: Agent, run: PreparedRun, signal: AbortSignal) => {
    let text = '';
    for await (const event of streamAgentRun({
      agent,
      messages: run.messages,
      settings: run.settings,
      signal,
      timeoutMs: config.runTimeoutMs,
    }))
      if (event.type === 'text-delta') text += event.text;
    return wireAiMessage('ai', text, run.runId, { ...agent.metadata, run_id: run.runId });
  };

  return {
    agentIds: [...byId.keys()],
    agentOf,
    begin,
    prepare,
    refuse,
    admit,
    runController,
    runFailed,
    collect,
    remember,
    recent: (runId: string) => recent.get(runId),
    abortAll,
  };
}

/** The helpers of {@link langServeEdge}. */
export type LangServeEdge = ReturnType<typeof langServeEdge>;
