import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerAuthRoutes } from '../routes/auth.js';
import { registerHealthRoute } from '../routes/health.js';
import { langServeRoutes } from '../routes/langserve/index.js';
import type { PluginContext } from './context.js';
import { registerHttpCors } from './http-cors.js';
import { RUNS_PLUGIN } from './runs.js';

/**
 * The HTTP side: CORS for the allowed origins, the LangServe routes under `/agents` with their
 * OpenAPI document (`/openapi.json`, Swagger UI at `/docs`), `GET /health`, and the token routes
 * (`/auth/refresh`, and `/auth/dev-login` in development).
 */
export const httpPlugin = fp(
  async (app: FastifyInstance, { config, agents, authority, startedAt }: PluginContext) => {
    const { runs, conversations } = app;
    registerHttpCors(app, config);
    // Before the other routes: its OpenAPI document lists the routes registered after it.
    await app.register(langServeRoutes, {
      agents,
      listAgents: () => conversations.listAgents(),
      authority,
      config,
      runs,
    });
    registerHealthRoute(app, {
      agents: () => conversations.listAgents(),
      closing: () => runs.closing,
      startedAt,
    });
    registerAuthRoutes(app, { authority, devLogin: config.auth.devLogin });
  },
  { name: 'svelte-langserve.http', fastify: '5.x', dependencies: [RUNS_PLUGIN] },
);
