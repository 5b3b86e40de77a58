import { ok } from 'svelte-langserve/protocol';
import { underAdmission } from '../../runs/run-manager.js';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `messages:send`: stores the user message and starts one run per agent. Idempotent on
 * (conversationId, clientMessageId): a retry answers the stored message and its runs (and starts
 * the runs of a stored message that has none). The acknowledgement goes out before
 * `message:created` and before any run's start event. A text longer than the configured maximum
 * (`message_length`) or a send that would take the user over their concurrent runs
 * (`concurrent_runs`) is refused with `limit_exceeded` before anything is stored.
 */
export const messagesSend = defineHandler({
  event: 'messages:send',
  async handle(payload, { conversations, io, socket, limits }) {
    const tooLong = limits.messageLength(payload.text);
    if (tooLong) return tooLong;
    const userId = userIdOf(socket);
    // Without agentIds, every agent of the conversation answers: each run counts.
    const count = await conversations.runsForSend({
      conversationId: payload.conversationId,
      userId,
      ...(payload.agentIds ? { agentIds: payload.agentIds } : {}),
    });
    const admitted = limits.admitRuns(socket.data.userId, {
      conversationId: payload.conversationId,
      clientMessageId: payload.clientMessageId,
      count,
    });
    if ('refusal' in admitted) return admitted.refusal;
    const outcome = await underAdmission(
      admitted.admission,
      () => conversations.send({ ...payload, userId }),
      (sent) => sent.runs,
    );
    if (outcome.duplicateRuns) {
      return ok({ message: outcome.message, runs: outcome.duplicateRuns });
    }
    return {
      commit: () => ok({ message: outcome.message, runs: outcome.runs.map((run) => run.info()) }),
      afterAck: () => {
        const room = io.to(conversationRoom(outcome.message.conversationId));
        room.emit('message:created', { message: outcome.message });
        if (outcome.retitled) room.emit('conversation:updated', { conversation: outcome.retitled });
        for (const run of outcome.runs) run.start();
      },
    };
  },
});
