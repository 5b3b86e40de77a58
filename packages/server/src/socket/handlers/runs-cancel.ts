import { ok } from 'svelte-langserve/protocol';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `runs:cancel`: aborts a live run's model call; the run ends as `cancelled`. Only members of
 * the run's conversation may cancel it (`not_found` for anyone else).
 */
export const runsCancel = defineHandler({
  event: 'runs:cancel',
  async handle(payload, { conversations, socket }) {
    return ok({
      run: await conversations.cancel({ runId: payload.runId, userId: userIdOf(socket) }),
    });
  },
});
