import { describe, expect, it } from 'vitest';
import { ChatController, InMemoryTransport } from '../src/lib/client/index.js';
import { ok, type RequestPayload } from '../src/lib/protocol/index.js';
import { agent, conversation } from './fixtures.js';

describe('the presence slice of a ChatController', () => {
  it('follows the conversation shown, leaves the user out, and is disposed with it', async () => {
    const typing: RequestPayload<'presence:typing'>[] = [];
    const transport = new InMemoryTransport({
      handlers: {
        'agents:list': () => ok({ agents: [agent] }),
        'conversations:join': () => ok({ conversation, messages: [], hasMore: false, runs: [] }),
        'presence:typing': (payload) => (typing.push(payload), ok({})),
      },
    });
    const controller = new ChatController({ transport, conversationId: 'c1', userId: 'dev:alice' });
    const members = [
      { userId: 'dev:alice', online: true, typing: true },
      { userId: 'dev:bob', online: true, typing: true },
    ];
    transport.emit('presence', { conversationId: 'c1', members });
    expect(controller.presence.members).toEqual([]); // Nothing shown yet.
    controller.connect();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(controller.presence.typingMembers.map((member) => member.userId)).toEqual(['dev:bob']);
    controller.presence.typing();
    expect(typing).toEqual([{ conversationId: 'c1', typing: true }]);
    controller.dispose();
    transport.emit('presence', { conversationId: 'c1', members: [] });
    expect(controller.presence.membersOf('c1')).toEqual(members);
  });
});
