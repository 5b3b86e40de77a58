/** A long, deterministic conversation for stories and browser tests of the windowed list. */
import type { ChatMessage } from '../../src/lib/client/index.js';

const topics = ['transports', 'reconnection', 'token streaming', 'tool calls', 'theming'];

/** The text of message `index`: questions of varied length, answers with lists and code. */
function text(index: number): string {
  const topic = topics[index % topics.length]!;
  if (index % 2 === 0) {
    return (
      `Question ${index}: how do ${topic} work here?` + ' Please be specific.'.repeat(index % 4)
    );
  }
  const points = Array.from(
    { length: index % 5 },
    (_, point) => `- Point ${point + 1} about ${topic}.`,
  );
  const code = index % 7 === 1 ? `\n\n\`\`\`ts\nconst answer = ${index};\n\`\`\`` : '';
  return [`Answer ${index}: about **${topic}**.`, points.join('\n')].join('\n\n') + code;
}

/**
 * `length` messages, alternating user and assistant, oldest first. With `streaming`, the last
 * answer is still streaming.
 */
export function longConversation(
  length: number,
  options: { streaming?: boolean } = {},
): ChatMessage[] {
  return Array.from({ length }, (_, index) => ({
    id: `long-${index}`,
    conversationId: 'conv-long',
    role: index % 2 ? 'assistant' : 'user',
    ...(index % 2 ? { agentId: 'demo-writer' } : {}),
    parts: [{ type: 'text', text: text(index) }],
    status: options.streaming && index === length - 1 ? 'streaming' : 'complete',
    createdAt: new Date(Date.UTC(2026, 2, 2, 9, 0, index)).toISOString(),
    delivery: 'sent',
  }));
}
