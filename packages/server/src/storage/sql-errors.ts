import type { Message } from 'svelte-langserve/protocol';
import { StoreError } from '../conversations/store.js';

const MESSAGE_CLIENT_ID_INDEX = 'messages_client_message_id_unique';

/** What a driver error means, across better-sqlite3 and pg. */
function constraintKind(error: unknown): 'unique' | 'foreign_key' | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
    return 'unique';
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
  return undefined;
}

/** Runs `write`, turning constraint violations into {@link StoreError}s. */
export async function guarded<T>(
  write: () => Promise<T>,
  messages: { unique: string; foreignKey: string },
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const kind = constraintKind(error);
    if (kind === 'unique')
      throw new StoreError('already_exists', messages.unique, { cause: error });
    if (kind === 'foreign_key')
      throw new StoreError('not_found', messages.foreignKey, { cause: error });
    throw error;
  }
}

/** The {@link StoreError} of a failed message insert (as `appendMessage` throws it). */
export function messageWriteError(error: unknown, message: Message): unknown {
  const kind = constraintKind(error);
  if (kind === 'unique')
    return new StoreError(
      'already_exists',
      isClientMessageIdViolation(error)
        ? `A message with client message id ${message.clientMessageId} already exists.`
        : `Message ${message.id} already exists.`,
      { cause: error },
    );
  if (kind === 'foreign_key')
    return new StoreError(
      'not_found',
      `Conversation ${message.conversationId} (or the parent message) does not exist.`,
      { cause: error },
    );
  return error;
}

/** The {@link StoreError} of a failed run insert. */
export function runWriteError(error: unknown, runId: string): unknown {
  const kind = constraintKind(error);
  if (kind === 'unique')
    return new StoreError('already_exists', `Run ${runId} already exists.`, { cause: error });
  if (kind === 'foreign_key')
    return new StoreError(
      'not_found',
      `The conversation or messages of run ${runId} do not exist.`,
      { cause: error },
    );
  return error;
}

/** Whether a unique violation is the (conversation, client message id) one. */
function isClientMessageIdViolation(error: unknown): boolean {
  const { constraint, message } = error as { constraint?: unknown; message?: unknown };
  if (constraint === MESSAGE_CLIENT_ID_INDEX) return true;
  return (
    typeof message === 'string' &&
    message.includes('messages.conversation_id, messages.client_message_id')
  );
}
