import { ok } from 'svelte-langserve/protocol';
import { defineHandler } from './request-handler.js';

/** `agents:list`: every agent the server offers. */
export const agentsList = defineHandler({
  event: 'agents:list',
  async handle(_payload, { conversations }) {
    return ok({ agents: conversations.listAgents() });
  },
});
