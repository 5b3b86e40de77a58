import { ok, type RunEvent } from 'svelte-langserve/protocol';
import { conversationRoom } from '../types.js';
import { withOwnFeedback } from './messages-feedback.js';
import { defineHandler } from './request-handler.js';
import { userIdOf } from './user.js';

/**
 * `conversations:join`: the conversation, its latest `limit` (default 50) messages, whether
 * older ones exist (answers with the caller's own feedback), and its live runs. The snapshot is taken, the socket joins the room and the
 * acknowledgement goes out in one synchronous step, so the first run event the socket receives
 * afterwards is the one after the snapshot's `seq`. A re-joining client names the runs it saw
 * live and the last `seq` it applied; their missed events are replayed after the answer.
 */
export const conversationsJoin = defineHandler({
  event: 'conversations:join',
  async handle(payload, { conversations, presence, socket }) {
    const userId = userIdOf(socket);
    const page = {
      conversationId: payload.conversationId,
      userId,
      ...(payload.limit !== undefined ? { limit: payload.limit } : {}),
    };
    const snapshot = await conversations.join(page);
    // Read before the commit, which is synchronous; answers are rated only once they exist.
    const feedback = await conversations.ownFeedback({ userId, messages: snapshot.stored });
    // Runs held by other instances (several instances share a Redis adapter): their missed
    // events are fetched now; this instance's are read in the commit.
    const remoteReplays = new Map<string, RunEvent[] | undefined>();
    for (const { runId, seq } of payload.runs ?? [])
      if (!conversations.holdsRun(runId))
        remoteReplays.set(
          runId,
          await conversations.replayRemote(payload.conversationId, runId, seq),
        );
    // Runs the client saw live (`payload.runs`): their missed events are replayed right after
    // the answer, in the same synchronous step, so they arrive before any newer room event.
    let replay: RunEvent[] = [];
    return {
      commit: () => {
        const committed = snapshot.commit();
        const data = { ...committed, messages: withOwnFeedback(committed.messages, feedback) };
        const unreplayable: string[] = [];
        replay = [];
        for (const { runId, seq } of payload.runs ?? []) {
          const events = remoteReplays.has(runId)
            ? remoteReplays.get(runId)
            : conversations.replay(payload.conversationId, runId, seq);
          if (events) replay.push(...events);
          else unreplayable.push(runId);
        }
        void socket.join(conversationRoom(payload.conversationId));
        return ok(unreplayable.length ? { ...data, unreplayable } : data);
      },
      afterAck: () => {
        for (const event of replay) socket.emit('run:event', event);
        presence.joined(payload.conversationId);
      },
    };
  },
});
