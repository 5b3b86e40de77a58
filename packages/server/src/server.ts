import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { resolveServerConfig } from './config.js';
import { svelteLangserve, type SvelteLangserveOptions } from './plugin.js';

/** Options of {@link createServer}: the plugin's, plus Fastify's logger. */
export interface CreateServerOptions extends SvelteLangserveOptions {
  /** Fastify's logger option. Default: pino at `config.logLevel` (`info`). */
  logger?: FastifyServerOptions['logger'];
}

/**
 * A ready Fastify app serving `options.agents` (see {@link svelteLangserve}), with the body
 * limit of `config.limits.maxPayloadBytes`. Never listens: `app.listen` (or `ready`, `inject`)
 * loads the plugins, and rejects with the first problem (e.g. a store that cannot open).
 *
 * ```ts
 * const app = createServer({ agents: [{ id: 'helper', name: 'Helper', description: '…', graph }] });
 * await app.listen({ port: 8000 });
 * ```
 */
export function createServer(options: CreateServerOptions): FastifyInstance {
  const { logger, ...pluginOptions } = options;
  // Resolved once: the plugin gets the whole configuration and no environment to read again.
  const config = resolveServerConfig(options.config, options.env);
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    bodyLimit: config.limits.maxPayloadBytes,
  });
  void app.register(svelteLangserve, { ...pluginOptions, config, env: {} });
  return app;
}
