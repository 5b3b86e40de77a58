import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../config.js';
import { ClientClosedError, streamAgentRun } from '../../langserve/execute.js';
import { EventStream, sendError, streamErrorData } from '../../langserve/http.js';
import {
  requestJsonSchemas,
  responseJsonSchemas,
  type JsonSchema,
} from '../../langserve/schemas.js';
import { streamEventsOf } from '../../langserve/stream-events.js';
import { runLogPatchesOf } from '../../langserve/stream-log.js';
import { traceOf, type TracedRun } from '../../langserve/trace.js';
import {
  batchRequestSchema,
  invokeRequestSchema,
  logFiltersSchema,
  streamLogRequestSchema,
  wireAiMessage,
} from '../../langserve/wire.js';
import { userSafeRunError } from '../../runs/errors.js';
import { RunTimeoutError } from '../../runs/retry.js';
import type { LangServeEdge, PreparedRun, Refused } from './edge.js';

/** The OpenAPI parts every agent route shares. */
export interface RouteDocs {
  tag: string[];
  security: { bearer: never[] }[];
  params: JsonSchema;
  errors: Record<number, JsonSchema>;
}

/** The routes that run an agent: invoke, batch, stream, stream_events and stream_log. */
export function registerRunRoutes(
  scope: FastifyInstance,
  edge: LangServeEdge,
  config: ServerConfig,
  { tag, security, params, errors }: RouteDocs,
): void {
  const { begin, prepare, refuse, admit, runController, runFailed, collect, remember } = edge;
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
                await stream.send('data', wireAiMessage('AIMessageChunk', event.text, run.runId));
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
}
