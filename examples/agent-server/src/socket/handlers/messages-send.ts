import { ok } from 'svelte-langserve/protocol';
import { conversationRoom } from '../types.js';
import { defineHandler } from './request-handler.js';

/**
 * `messages:send`: stores the user message and starts one run per agent. Idempotent on
 * (conversationId, clientMessageId). The acknowledgement goes out before `message:created` and
 * before any run's start event.
 */
export const messagesSend = defineHandler({
  event: 'messages:send',
  async handle(payload, { conversations, io }) {
    const outcome = await conversations.send(payload);
    if (outcome.duplicateRuns) {
      return ok({ message: outcome.message, runs: outcome.duplicateRuns });
    }
    return {
      commit: () => ok({ message: outcome.message, runs: outcome.runs.map((run) => run.info()) }),
      afterAck: () => {
        io.to(conversationRoom(outcome.message.conversationId)).emit('message:created', {
          message: outcome.message,
        });
        for (const run of outcome.runs) run.start();
      },
    };
  },
});
