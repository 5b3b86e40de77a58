/** Why {@link fetchConfigSchema} failed: the server's answer was not a 2xx JSON Schema. */
export class ConfigSchemaError extends Error {
  override readonly name = 'ConfigSchemaError';
  /** The HTTP status (e.g. 404 for an unknown agent); 200 when the body was not a schema. */
  readonly status: number;
  /** The server's error code (`not_found`, `unauthenticated`…), when its body names one. */
  readonly code: string | undefined;

  constructor(message: string, status: number, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Options for {@link fetchConfigSchema}. */
export interface FetchConfigSchemaOptions {
  /** Sent as `Authorization: Bearer <token>` (required when the server runs in production). */
  token?: string;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** The fetch to use (SvelteKit's `load` fetch, a test double). @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Fetches an agent's settings as JSON Schema: `GET <baseUrl>/agents/<agentId>/config_schema`
 * (the agent server's LangServe-compatible route). Pass the result to `ConfigPanel`'s `schema`.
 *
 * Throws a {@link ConfigSchemaError} when the server answers with a non-2xx status (its
 * `{ error: { code, message } }` body becomes the error's `code` and message) or with a body
 * that is not a JSON object. Network failures and aborts reject as `fetch` does.
 *
 * @param baseUrl The server's origin, e.g. `http://localhost:8000` (a trailing `/` is fine).
 */
export async function fetchConfigSchema(
  baseUrl: string,
  agentId: string,
  options: FetchConfigSchemaOptions = {},
): Promise<Record<string, unknown>> {
  const url = `${baseUrl.replace(/\/+$/, '')}/agents/${encodeURIComponent(agentId)}/config_schema`;
  const response = await (options.fetch ?? globalThis.fetch)(url, {
    headers: {
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error =
      typeof body === 'object' && body !== null
        ? (body as { error?: { code?: unknown; message?: unknown } }).error
        : undefined;
    const message =
      typeof error?.message === 'string'
        ? error.message
        : `GET ${url} failed with status ${response.status}`;
    throw new ConfigSchemaError(
      message,
      response.status,
      typeof error?.code === 'string' ? error.code : undefined,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ConfigSchemaError(`GET ${url} did not answer with a JSON Schema`, response.status);
  return body as Record<string, unknown>;
}
