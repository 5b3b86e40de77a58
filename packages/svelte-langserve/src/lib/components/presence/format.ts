import type { PresenceMember } from '../../protocol/index.js';

/** The name to show for a member: their name, else their user id without a `dev:`-like prefix. */
export function memberName(member: Pick<PresenceMember, 'userId' | 'name'>): string {
  if (member.name?.trim()) return member.name.trim();
  const colon = member.userId.indexOf(':');
  return colon > 0 && colon < member.userId.length - 1
    ? member.userId.slice(colon + 1)
    : member.userId;
}

/** Up to two initials for a member's avatar ("Ada Lovelace" → "AL", "bob" → "B"). */
export function memberInitials(member: Pick<PresenceMember, 'userId' | 'name'>): string {
  const words = memberName(member)
    .split(/[\s._-]+/u)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((word) => [...word][0]!.toUpperCase());
  return letters.join('') || '?';
}

/**
 * The sentence for who is typing: "Alice is typing…", "Alice and Bob are typing…",
 * "Alice, Bob and 2 others are typing…"; empty when nobody is.
 */
export function typingText(members: Pick<PresenceMember, 'userId' | 'name'>[]): string {
  const names = members.map(memberName);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others are typing…`;
}
