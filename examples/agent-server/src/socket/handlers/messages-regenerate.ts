import { randomUUID } from 'node:crypto';
import { ok } from 'svelte-langserve/protocol';
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
    let runs;
    try {
      runs = await conversations.regenerate({ ...payload, userId });
    } catch (error) {
      admitted.admission.release();
      throw error;
    }
    admitted.admission.bind(runs);
    return {
      commit: () => ok({ runs: runs.map((run) => run.info()) }),
      afterAck: () => {
        for (const run of runs) run.start();
      },
    };
  },
});
