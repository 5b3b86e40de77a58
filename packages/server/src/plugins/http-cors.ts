import type { FastifyInstance } from 'fastify';
import { isOriginAllowed, type ServerConfig } from '../config.js';

/** Minimal CORS for the HTTP routes: allowed origins may read responses and send preflights. */
export function registerHttpCors(app: FastifyInstance, config: ServerConfig): void {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !isOriginAllowed(origin, config.corsOrigins)) return;
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Vary', 'Origin');
    if (request.method === 'OPTIONS') {
      reply.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      reply.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
      reply.header('Access-Control-Max-Age', '600');
      return reply.code(204).send();
    }
  });
}
