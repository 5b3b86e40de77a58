import { randomUUID } from 'node:crypto';
import { ok } from 'svelte-langserve/protocol';
import { underAdmission } from '../../runs/run-manager.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `messages:regenerate`: answers the question of an assistant message again; each new answer
 * is a sibling of that message (same parent), so the old version stays. Counted against the
 * user's concurrent runs like a send. The runs start after the acknowledgement.
 */
export const messagesRegenerate = defineHandler({
  event: 'messages:regenerate',
  async handle(payload, { conversations, socket, limits }) {
    const userId = userIdOf(socket);
    const count = payload.agentIds?.length ? new Set(payload.agentIds).size : 1;
    const admitted = limits.admitRuns(socket.data.userId, {
      conversationId: payload.conversationId,
      // Every regenerate is a new request (not deduplicated like a send).
      clientMessageId: `regenerate:${randomUUID()}`,
      count,
    });
    if ('refusal' in admitted) return admitted.refusal;
    const runs = await underAdmission(
      admitted.admission,
      () => conversations.regenerate({ ...payload, userId }),
      (created) => created,
    );
    return {
      commit: () => ok({ runs: runs.map((run) => run.info()) }),
      afterAck: () => {
        for (const run of runs) run.start();
      },
    };
  },
});
