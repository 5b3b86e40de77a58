/**
 * A message about a failed run that is safe to show users: no stack, no key, no URL, no
 * provider response body. The full error is logged on the server.
 */
export function userSafeRunError(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (status === 401 || status === 403)
    return 'The model provider refused the request: check the API key.';
  if (status === 404) return 'The model provider does not know the configured model.';
  if (status === 429) return 'The model provider is rate limiting requests. Try again shortly.';
  if (typeof status === 'number' && status >= 500)
    return 'The model provider had an error. Try again shortly.';
  const network = [code, causeCode].find(
    (value) =>
      typeof value === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN'].includes(value),
  );
  const name = (error as { name?: unknown } | null)?.name;
  if (network || name === 'APIConnectionError' || name === 'APIConnectionTimeoutError')
    return 'The model provider could not be reached.';
  return 'The agent failed to answer. Try again.';
}
