import type { Conversation } from '../../src/lib/protocol/index.js';

const MINUTE = 60_000;

/** A conversation last active `minutesAgo` before `now`. */
export function conversationAgo(
  id: string,
  title: string,
  minutesAgo: number,
  now = Date.now(),
): Conversation {
  const updatedAt = new Date(now - minutesAgo * MINUTE).toISOString();
  return { id, title, agentIds: ['chatbot'], createdAt: updatedAt, updatedAt };
}

/** A handful of conversations, most recently active first. */
export function someConversations(now = Date.now()): Conversation[] {
  return [
    conversationAgo('trip', 'Planning a trip to Lisbon', 2, now),
    conversationAgo('sql', 'Why is this SQL query slow?', 75, now),
    conversationAgo('poem', 'A haiku about autumn', 60 * 26, now),
    conversationAgo('budget', 'Monthly budget spreadsheet', 60 * 24 * 9, now),
    conversationAgo('thesis', 'Thesis outline: renewable grids', 60 * 24 * 60, now),
  ];
}

const topics = [
  'Refactor the billing service',
  'Birthday party ideas',
  'Explain monads simply',
  'Kubernetes ingress 502s',
  'Sourdough starter schedule',
  'Rust lifetimes question',
  'Marketing email draft',
  'Compare two job offers',
];

/** `count` conversations, one every three hours back from `now`. */
export function manyConversations(count: number, now = Date.now()): Conversation[] {
  return Array.from({ length: count }, (_, index) =>
    conversationAgo(
      `many-${index}`,
      `${topics[index % topics.length]} (${index + 1})`,
      index * 180 + 1,
      now,
    ),
  );
}

/** Conversations titled in Arabic and Hebrew, for right-to-left layouts. */
export function rightToLeftConversations(now = Date.now()): Conversation[] {
  return [
    conversationAgo('ar-1', 'خطة رحلة إلى القاهرة', 5, now),
    conversationAgo('he-1', 'מתכון לשקשוקה', 90, now),
    conversationAgo('mixed', 'شرح React hooks بالعربية', 60 * 30, now),
  ];
}
