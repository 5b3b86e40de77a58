import {
  IncompleteAnswerError,
  ModelIdleTimeoutError,
  RunTimeoutError,
  statusOf,
} from './retry.js';

/** The error of a run (and its message) that a previous server process left unfinished. */
export const ORPHANED_RUN_ERROR = 'The server stopped before this answer finished.';

/**
 * A message about a failed run that is safe to show users: no stack, no key, no URL, no
 * provider response body. The full error is logged on the server.
 */
export function userSafeRunError(error: unknown): string {
  if (error instanceof RunTimeoutError)
    return `The agent did not finish within ${Number((error.timeoutMs / 1000).toPrecision(2))} s and was stopped.`;
  if (error instanceof ModelIdleTimeoutError) return 'The model provider stopped responding.';
  if (error instanceof IncompleteAnswerError)
    return 'The model provider ended the answer early; it may be incomplete.';
  if (error instanceof SyntaxError) return 'The model provider sent a malformed response.';
  const status = statusOf(error);
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (status === 401 || status === 403)
    return 'The model provider refused the request: check the API key.';
  if (status === 404) return 'The model provider does not know the configured model.';
  if (status === 429) return 'The model provider is rate limiting requests. Try again shortly.';
  if (typeof status === 'number' && status >= 500)
    return 'The model provider had an error. Try again shortly.';
  const name = (error as { name?: unknown; constructor?: { name?: unknown } } | null)?.constructor
    ?.name;
  // A connection that broke while the answer streamed (undici: TypeError "terminated").
  if (
    (error instanceof TypeError && error.message === 'terminated') ||
    (causeCode === 'UND_ERR_SOCKET' && name !== 'APIConnectionError')
  )
    return 'The connection to the model provider broke off.';
  const network = [code, causeCode].find(
    (value) =>
      typeof value === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN'].includes(value),
  );
  const errorName = (error as { name?: unknown } | null)?.name;
  if (
    network ||
    [name, errorName].some(
      (value) => value === 'APIConnectionError' || value === 'APIConnectionTimeoutError',
    )
  )
    return 'The model provider could not be reached.';
  return 'The agent failed to answer. Try again.';
}
