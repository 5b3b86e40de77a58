import type { AgentInfo, Conversation, Message, RunEvent } from '../src/lib/protocol/index.js';

export const conversation: Conversation = {
  id: 'c1',
  title: 'Test',
  agentIds: ['chatbot'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

export const agent: AgentInfo = {
  id: 'chatbot',
  name: 'Chatbot',
  description: 'A helpful assistant',
  provider: 'demo',
  model: 'demo',
  demo: true,
  tools: [],
  health: { status: 'ready' },
};

export function userMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    conversationId: 'c1',
    role: 'user',
    parts: [{ type: 'text', text: 'Hello' }],
    status: 'complete',
    createdAt: '2026-01-01T00:00:01.000Z',
    clientMessageId: 'client-1',
    ...overrides,
  };
}

/** The events of one run answering `chunks`, ending with `status`. */
export function runEvents(
  chunks: string[],
  options: {
    runId?: string;
    messageId?: string;
    status?: 'completed' | 'cancelled' | 'failed';
    error?: string;
  } = {},
): RunEvent[] {
  const runId = options.runId ?? 'r1';
  const base = { runId, conversationId: 'c1' };
  const events: RunEvent[] = [
    {
      ...base,
      seq: 0,
      type: 'start',
      messageId: options.messageId ?? 'a1',
      agentId: 'chatbot',
      attempt: 1,
      createdAt: '2026-01-01T00:00:02.000Z',
      metadata: { provider: 'demo', model: 'demo', demo: true },
    },
  ];
  chunks.forEach((text, index) =>
    events.push({ ...base, seq: index + 1, type: 'text-delta', text }),
  );
  const end: RunEvent = {
    ...base,
    seq: chunks.length + 1,
    type: 'end',
    status: options.status ?? 'completed',
  };
  if (options.error) end.error = options.error;
  events.push(end);
  return events;
}
