import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AgentInfo } from 'svelte-langserve/protocol';
import type { Agent } from '../../agents/agent.js';
import type { TokenAuthority } from '../../auth/tokens.js';
import type { ServerConfig } from '../../config.js';
import { identify, isRefusal } from '../../edge/policy.js';
import { sendError, sendRefusal } from '../../langserve/http.js';
import {
  agentConfigSchema,
  errorBodyJsonSchema,
  inputJsonSchema,
  outputJsonSchema,
  responseJsonSchemas,
  requestJsonSchemas,
  type JsonSchema,
} from '../../langserve/schemas.js';
import { feedbackRequestSchema } from '../../langserve/wire.js';
import type { RunManager } from '../../runs/run-manager.js';
import { AGENTS_PREFIX, langServeEdge } from './edge.js';
import { registerRunRoutes } from './run-routes.js';

export { AGENTS_PREFIX } from './edge.js';

/** What the LangServe routes need from the app. */
export interface LangServeRoutesOptions {
  agents: Agent[];
  /** The agents with their current health (as `agents:list` reports them). */
  listAgents: () => AgentInfo[];
  authority: TokenAuthority;
  config: ServerConfig;
  runs: RunManager;
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
  const edge = langServeEdge({ agents, config, runs });

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

  app.addHook('preClose', async () => edge.abortAll());

  await app.register(
    async (scope) => {
      // Bodies are parsed with zod in the handlers (typed 400s with the issues); the route
      // schemas document the API.
      scope.setValidatorCompiler(() => (value) => ({ value }));
      // The body limit is the server's (`limits.maxPayloadBytes`), also when the plugin sits on
      // an app with another Fastify-wide `bodyLimit`.
      scope.addHook('onRoute', (route) => {
        route.bodyLimit ??= config.limits.maxPayloadBytes;
      });
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

      const tag = ['agents'];
      const params: JsonSchema = {
        type: 'object',
        properties: { agentId: { type: 'string', enum: edge.agentIds } },
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
            const agent = edge.agentOf(request, reply);
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

      registerRunRoutes(scope, edge, config, { tag, security, params, errors });

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
          const begun = edge.begin(request, reply, feedbackRequestSchema, 'feedback');
          if (!begun) return reply;
          const { agent, body } = begun;
          const run = edge.recent(body.run_id);
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
