import { randomUUID } from 'node:crypto';
import type { BaseMessage } from '@langchain/core/messages';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentInfo, RunSettings } from 'svelte-langserve/protocol';
import type { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { TokenAuthority } from '../auth/tokens.js';
import { admitRuns, ANONYMOUS_USER_ID, identify, isRefusal, rateRefusal } from '../edge/policy.js';
import type { ServerConfig } from '../config.js';
import { ClientClosedError, streamAgentRun } from '../langserve/execute.js';
import { EventStream, sendError, sendRefusal, streamErrorData } from '../langserve/http.js';
import {
  agentConfigSchema,
  errorBodyJsonSchema,
  inputJsonSchema,
  outputJsonSchema,
  requestJsonSchemas,
  responseJsonSchemas,
  type JsonSchema,
} from '../langserve/schemas.js';
import { streamEventsOf } from '../langserve/stream-events.js';
import { runLogPatchesOf } from '../langserve/stream-log.js';
import { traceOf, type TracedRun } from '../langserve/trace.js';
import {
  batchRequestSchema,
  feedbackRequestSchema,
  invokeRequestSchema,
  issuesOf,
  logFiltersSchema,
  parseChatInput,
  settingsOf,
  streamLogRequestSchema,
  wireAiMessage,
  type runnableConfigSchema,
} from '../langserve/wire.js';
import { KeyedRateLimiter } from '../limits/token-bucket.js';
import { resolveRunSettings } from '../agents/settings.js';
import { RunTimeoutError } from '../runs/retry.js';
import { userSafeRunError } from '../runs/errors.js';
import type { RunAdmission, RunManager } from '../runs/run-manager.js';

/** What the LangServe routes need from the app. */
export interface LangServeRoutesOptions {
  agents: Agent[];
  /** The agents with their current health (as `agents:list` reports them). */
  listAgents: () => AgentInfo[];
  authority: TokenAuthority;
  config: ServerConfig;
  runs: RunManager;
}

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
interface PreparedRun {
  runId: string;
  messages: BaseMessage[];
  settings: RunSettings;
}

/** An input {@link PreparedRun} refused: malformed (`issues`), or a message over the limit. */
interface Refused {
  issues: string[];
  tooLong?: string;
}

/**
 * The LangServe routes as a plugin that is not encapsulated (like `fastify-plugin`), so the
 * OpenAPI document covers the app's other routes too: `app.register(langServeRoutes, options)`.
 */
export const langServeRoutes = Object.assign(
  (app: FastifyInstance, options: LangServeRoutesOptions) => registerLangServeRoutes(app, options),
  { [Symbol.for('skip-override')]: true },
);

/**
 * Serves every agent over LangServe's HTTP protocol under `/agents/<id>/` (invoke, batch,
 * stream, stream_events, stream_log, input_schema, output_schema, config_schema, feedback), the
 * index `GET /agents`, and the OpenAPI document generated from the route schemas at
 * `/openapi.json` (Swagger UI at `/docs`).
 *
 * The socket side's rules apply: the Bearer JWT (required in production; anonymous in
 * development), the per-user concurrent-run limit (shared with socket runs), a per-user request
 * rate, the body limit, and JSON errors without stack traces that LangServe clients can read
 * (`detail`, `message`) and ours can switch over (`error: { code, message, … }`; ADR 0023). A
 * client that disconnects mid-run aborts the run.
 */
async function registerLangServeRoutes(
  app: FastifyInstance,
  options: LangServeRoutesOptions,
): Promise<void> {
  const { agents, authority, config, runs } = options;
  const byId = new Map(agents.map((agent) => [agent.info.id, agent]));
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

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'agent-server',
        description:
          'Every agent over a LangServe-compatible HTTP API (see docs/http-api.md). Errors are `{ detail, message, error: { code, message, retryable, issues? } }`: `detail` and `message` for LangServe clients, `error` typed.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.addHook('preClose', async () => {
    for (const controller of live) controller.abort(new Error('The server is shutting down.'));
  });

  await app.register(
    async (scope) => {
      // Bodies are parsed with zod in the handlers (typed 400s with the issues); the route
      // schemas document the API.
      scope.setValidatorCompiler(() => (value) => ({ value }));
      scope.setSerializerCompiler(() => (data) => JSON.stringify(data));

      scope.setErrorHandler((error: FastifyError, request, reply) => {
        if (error.statusCode === 413)
          return sendError(reply, 413, 'limit_exceeded', 'The request body is too large.', {
            limit: 'payload_size',
          });
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
          return sendError(reply, error.statusCode, 'invalid_payload', error.message);
        request.log.error({ err: error }, 'LangServe route failed');
        return sendError(
          reply,
          500,
          'internal',
          'The server failed to handle the request. It has been logged.',
        );
      });
      scope.setNotFoundHandler((request, reply) =>
        sendError(reply, 404, 'not_found', `No route ${request.method} ${request.url}.`),
      );

      scope.decorateRequest('langserveUserId', '');
      scope.addHook('onRequest', async (request, reply) => {
        const header = request.headers.authorization;
        const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
        if (header && !match)
          return sendError(
            reply,
            401,
            'unauthenticated',
            'The Authorization header must be "Bearer <JWT>".',
          );
        const identity = await identify(match?.[1], {
          authority,
          production: config.production,
          missingToken: 'A token is required: send Authorization: Bearer <JWT>.',
        });
        if (isRefusal(identity)) return sendRefusal(reply, identity);
        request.langserveUserId = identity.userId;
      });

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

      const tag = ['agents'];
      const params: JsonSchema = {
        type: 'object',
        properties: { agentId: { type: 'string', enum: [...byId.keys()] } },
        required: ['agentId'],
      };
      const errors = Object.fromEntries(
        [400, 401, 404, 413, 429, 502, 503, 504].map((status) => [
          status,
          { description: 'A typed error.', ...errorBodyJsonSchema },
        ]),
      );
      const security = [{ bearer: [] }];

      scope.get(
        '',
        {
          schema: {
            tags: tag,
            summary: 'The agents, with their health and runtime settings',
            security,
            response: { 200: responseJsonSchemas.agents },
          },
        },
        async () => ({
          agents: options
            .listAgents()
            .map((info) => ({ ...info, url: `${AGENTS_PREFIX}/${info.id}/` })),
        }),
      );

      const schemaRoute = (name: string, summary: string, schemaOf: (agent: Agent) => JsonSchema) =>
        scope.get(
          `/:agentId/${name}`,
          {
            schema: {
              tags: tag,
              summary,
              security,
              params,
              response: { 200: responseJsonSchemas.schema, 404: errors[404] },
            },
          },
          async (request, reply) => {
            const agent = agentOf(request, reply);
            if (!agent) return reply;
            return schemaOf(agent);
          },
        );
      schemaRoute('input_schema', 'The JSON Schema of the chat input', () => inputJsonSchema);
      schemaRoute('output_schema', 'The JSON Schema of the output (an AI message)', () => ({
        ...outputJsonSchema,
      }));
      schemaRoute(
        'config_schema',
        'The JSON Schema of the runtime settings (config.configurable)',
        agentConfigSchema,
      );

      scope.post(
        '/:agentId/invoke',
        {
          schema: {
            tags: tag,
            summary: 'Run the agent to the end; answers its message',
            security,
            params,
            body: requestJsonSchemas.invoke,
            response: { 200: responseJsonSchemas.invoke, ...errors },
          },
        },
        async (request, reply) => {
          const begun = begin(request, reply, invokeRequestSchema, 'invoke');
          if (!begun) return reply;
          const { agent, body } = begun;
          const run = prepare(agent, body.input, body.config, 'input');
          if ('issues' in run) return refuse(reply, [run]);
          const admission = admit(request, reply, agent, 1);
          if (!admission) return reply;
          const controller = runController(reply);
          remember(run.runId, agent.info.id, request.langserveUserId);
          try {
            const output = await collect(agent, run, controller.signal);
            return {
              output,
              metadata: { run_id: run.runId, feedback_tokens: [] },
              callback_events: [],
            };
          } catch (error) {
            return runFailed(request, reply, error);
          } finally {
            admission.release();
          }
        },
      );

      scope.post(
        '/:agentId/batch',
        {
          schema: {
            tags: tag,
            summary: 'Run the agent on several inputs at once',
            security,
            params,
            body: requestJsonSchemas.batch,
            response: { 200: responseJsonSchemas.batch, ...errors },
          },
        },
        async (request, reply) => {
          const begun = begin(request, reply, batchRequestSchema, 'batch');
          if (!begun) return reply;
          const { agent, body } = begun;
          const { inputs, config: batchConfig } = body;
          if (Array.isArray(batchConfig) && batchConfig.length !== inputs.length)
            return sendError(reply, 400, 'invalid_payload', 'Invalid batch body.', {
              issues: [
                `config: ${batchConfig.length} configs for ${inputs.length} inputs (give one config, or one per input)`,
              ],
            });
          const prepared = inputs.map((input, index) =>
            prepare(
              agent,
              input,
              Array.isArray(batchConfig) ? batchConfig[index] : batchConfig,
              `inputs.${index}`,
            ),
          );
          const refused = prepared.filter((run): run is Refused => 'issues' in run);
          if (refused.length) return refuse(reply, refused);
          const admission = admit(request, reply, agent, inputs.length);
          if (!admission) return reply;
          const controller = runController(reply);
          const batch = prepared as PreparedRun[];
          for (const run of batch) remember(run.runId, agent.info.id, request.langserveUserId);
          try {
            const output = await Promise.all(
              batch.map((run) => collect(agent, run, controller.signal)),
            );
            const runIds = batch.map((run) => run.runId);
            return {
              output,
              metadata: {
                run_ids: runIds,
                responses: runIds.map((run_id) => ({ run_id, feedback_tokens: [] })),
              },
              callback_events: [],
            };
          } catch (error) {
            // One failed input fails the batch (as LangServe does): stop the others.
            controller.abort(error);
            return runFailed(request, reply, error);
          } finally {
            admission.release();
          }
        },
      );

      const STREAMS = {
        stream: {
          summary: 'Stream the answer as AI message chunks (server-sent events)',
          body: requestJsonSchemas.invoke,
        },
        stream_events: {
          summary: 'Stream LangChain v2 events of the run (server-sent events)',
          body: requestJsonSchemas.invoke,
        },
        stream_log: {
          summary:
            "Stream the run's log as JSON Patch operations on LangChain's RunLog (server-sent events)",
          body: requestJsonSchemas.streamLog,
        },
      };
      const streamRoute = (kind: keyof typeof STREAMS) =>
        scope.post(
          `/:agentId/${kind}`,
          {
            schema: {
              tags: tag,
              summary: STREAMS[kind].summary,
              security,
              params,
              body: STREAMS[kind].body,
              response: {
                200: {
                  description: 'text/event-stream',
                  content: { 'text/event-stream': { schema: responseJsonSchemas.sse } },
                },
                ...errors,
              },
            },
          },
          async (request, reply) => {
            const bodySchema = kind === 'stream_log' ? streamLogRequestSchema : invokeRequestSchema;
            const begun = begin(request, reply, bodySchema, kind);
            if (!begun) return reply;
            const { agent, body } = begun;
            const run = prepare(agent, body.input, body.config, 'input');
            if ('issues' in run) return refuse(reply, [run]);
            const admission = admit(request, reply, agent, 1);
            if (!admission) return reply;
            const controller = runController(reply);
            remember(run.runId, agent.info.id, request.langserveUserId);
            const stream = new EventStream(reply);
            try {
              await stream.send('metadata', { run_id: run.runId });
              const events = streamAgentRun({
                agent,
                messages: run.messages,
                settings: run.settings,
                signal: controller.signal,
                timeoutMs: config.runTimeoutMs,
              });
              const traced: TracedRun = {
                runId: run.runId,
                agentId: agent.info.id,
                model: agent.info.model,
                input: body.input,
                responseMetadata: { ...agent.metadata },
              };
              if (kind === 'stream') {
                for await (const event of events)
                  if (event.type === 'text-delta')
                    await stream.send(
                      'data',
                      wireAiMessage('AIMessageChunk', event.text, run.runId),
                    );
              } else {
                const steps = traceOf(events);
                const data =
                  kind === 'stream_events'
                    ? streamEventsOf(traced, steps)
                    : runLogPatchesOf(traced, steps, logFiltersSchema.parse(body));
                for await (const item of data) await stream.send('data', item);
              }
              await stream.send('end');
            } catch (error) {
              if (!(error instanceof ClientClosedError) && stream.open) {
                request.log.warn({ err: error }, 'LangServe stream failed');
                const status = error instanceof RunTimeoutError ? 504 : 502;
                await stream.send(
                  'error',
                  streamErrorData(status, 'unavailable', userSafeRunError(error)),
                );
              }
            } finally {
              admission.release();
              stream.end();
            }
            return reply;
          },
        );
      streamRoute('stream');
      streamRoute('stream_events');
      streamRoute('stream_log');

      scope.post(
        '/:agentId/feedback',
        {
          schema: {
            tags: tag,
            summary: 'Record feedback on a run (LangServe FeedbackCreateRequest)',
            security,
            params,
            body: requestJsonSchemas.feedback,
            response: { 200: responseJsonSchemas.feedback, ...errors },
          },
        },
        async (request, reply) => {
          const begun = begin(request, reply, feedbackRequestSchema, 'feedback');
          if (!begun) return reply;
          const { agent, body } = begun;
          const run = recent.get(body.run_id);
          if (!run || run.agentId !== agent.info.id || run.userId !== request.langserveUserId)
            return sendError(
              reply,
              404,
              'not_found',
              `No recent run ${body.run_id} of ${agent.info.id} for this caller.`,
            );
          const now = new Date().toISOString();
          const feedback = {
            id: randomUUID(),
            run_id: body.run_id,
            key: body.key,
            score: body.score ?? null,
            value: body.value ?? null,
            comment: body.comment ?? null,
            correction: null,
            created_at: now,
            modified_at: now,
          };
          request.log.info({ feedback, agentId: agent.info.id }, 'run feedback');
          return feedback;
        },
      );
    },
    { prefix: AGENTS_PREFIX },
  );
}
