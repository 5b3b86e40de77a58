/**
 * A transport whose server already holds a conversation: joining `demoConversation` answers
 * with `history`. For stories of a chat opened on a long conversation. Sends are refused (no
 * agent is scripted), so the composer's error path shows if one is tried.
 */
import { InMemoryTransport } from '../../src/lib/client/index.js';
import { fail, ok, type Message } from '../../src/lib/protocol/index.js';
import { demoAgent, demoConversation } from '../../tests/fixtures/transcripts.js';

/** An `InMemoryTransport` serving `demoConversation` with `history` (oldest first). */
export function createHistoryTransport(history: Message[]): InMemoryTransport {
  const messages = history.map((message) => ({ ...message, conversationId: demoConversation.id }));
  return new InMemoryTransport({
    handlers: {
      'agents:list': () => ok({ agents: [demoAgent] }),
      'conversations:join': ({ conversationId }) =>
        conversationId === demoConversation.id
          ? ok({ conversation: demoConversation, messages, hasMore: false, runs: [] })
          : fail('not_found', 'No such conversation.'),
      'messages:send': () =>
        fail('unavailable', 'This story scripts no agent.', { retryable: false }),
    },
  });
}
