import { ok } from 'svelte-langserve/protocol';
import { defineHandler } from './request-handler.js';

/** `runs:cancel`: aborts a live run's model call; the run ends as `cancelled`. */
export const runsCancel = defineHandler({
  event: 'runs:cancel',
  async handle(payload, { conversations }) {
    return ok({ run: await conversations.cancel(payload.runId) });
  },
});
