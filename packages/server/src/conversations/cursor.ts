/**
 * The position after which a page of conversations continues: the last conversation of the
 * previous page (conversations are listed newest first by `updatedAt`, then by `id`).
 */
export interface ConversationPosition {
  updatedAt: string;
  id: string;
}

/** Encodes a position as the opaque `nextCursor` clients pass back. */
export function encodeConversationCursor(position: ConversationPosition): string {
  return Buffer.from(JSON.stringify([position.updatedAt, position.id]), 'utf8').toString(
    'base64url',
  );
}

/** Decodes a cursor made by {@link encodeConversationCursor}; undefined when it is not one. */
export function decodeConversationCursor(cursor: string): ConversationPosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    )
      return { updatedAt: new Date(value[0]).toISOString(), id: value[1] };
  } catch {
    // Not base64url JSON: not a cursor.
  }
  return undefined;
}

/** Whether `a` comes before `b` in list order (newest `updatedAt` first, then greatest `id`). */
export function comesBefore(a: ConversationPosition, b: ConversationPosition): boolean {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
  return a.id > b.id;
}
