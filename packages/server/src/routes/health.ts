import type { FastifyInstance } from 'fastify';
import type { AgentInfo } from 'svelte-langserve/protocol';

/** The body of `GET /health`. */
export interface HealthResponse {
  status: 'ok' | 'closing';
  agents: AgentInfo[];
  /** Seconds since the app was built. */
  uptime: number;
}

/** `GET /health`: liveness plus the agents offered. */
export function registerHealthRoute(
  app: FastifyInstance,
  options: { agents: () => AgentInfo[]; closing: () => boolean; startedAt: number },
): void {
  app.get('/health', async (): Promise<HealthResponse> => ({
    status: options.closing() ? 'closing' : 'ok',
    agents: options.agents(),
    uptime: Math.round((performance.now() - options.startedAt) / 10) / 100,
  }));
}
