import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fail, type ErrorCode, type LimitName } from 'svelte-langserve/protocol';
import { z } from 'zod';
import { TokenError, type MintedToken, type TokenAuthority } from '../auth/tokens.js';
import { KeyedRateLimiter } from '../limits/token-bucket.js';

/** Requests per client IP address and route: a burst of 10, then one every 6 s. */
export const AUTH_ROUTE_RATE = { capacity: 10, ratePerSecond: 10 / 60 };

/** The body of `POST /auth/dev-login`. */
export const devLoginBodySchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(64)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
  })
  .strict();

/** The prefix of user ids the development login mints (they never collide with real ones). */
export const DEV_USER_PREFIX = 'dev:';

/** The body of an HTTP error: the protocol's typed error. */
function errorBody(
  code: ErrorCode,
  message: string,
  extra: { issues?: string[]; limit?: LimitName; retryAfterMs?: number; retryable?: boolean } = {},
) {
  const result = fail(code, message, extra);
  return { error: result.ok ? undefined : result.error };
}

/**
 * The token routes (CORS as for every route, see `plugins/http-cors.ts`):
 *
 * - `POST /auth/dev-login` `{ name }` → `{ token, userId, expiresAt }` — only when
 *   `config.auth.devLogin` (never in production); otherwise 404. The user id is
 *   `dev:<name>`, so the same name is the same user again.
 * - `POST /auth/refresh` with `Authorization: Bearer <token>` → a new token for the same user,
 *   `{ token, userId, expiresAt }` — only when the server mints tokens (it has a secret), and
 *   only for a still-valid token it minted itself; otherwise 404 / 401.
 *
 * Both are rate-limited per client IP address ({@link AUTH_ROUTE_RATE}): 429 with
 * `Retry-After`. Bodies over the server's `bodyLimit` get 413; every error body is
 * `{ error: { code, message, retryable, ... } }`.
 */
export function registerAuthRoutes(
  app: FastifyInstance,
  options: { authority: TokenAuthority; devLogin: boolean },
): void {
  const { authority } = options;
  // The development login implies a (random) secret, so without one there is nothing to serve.
  if (!authority.mints) return;

  void app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.statusCode === 413)
        return reply.code(413).send(
          errorBody('limit_exceeded', 'The request body is too large.', {
            limit: 'payload_size',
          }),
        );
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
        return reply.code(error.statusCode).send(errorBody('invalid_payload', error.message));
      request.log.error({ err: error }, 'auth route failed');
      return reply
        .code(500)
        .send(
          errorBody('internal', 'The server failed to handle the request. It has been logged.'),
        );
    });

    /** Sends a 429 and returns true when `request`'s address has spent its budget. */
    const limited = (limiter: KeyedRateLimiter, request: FastifyRequest, reply: FastifyReply) => {
      const retryAfterMs = limiter.take(request.ip);
      if (retryAfterMs === 0) return false;
      reply
        .code(429)
        .header('Retry-After', String(Math.ceil(retryAfterMs / 1000)))
        .send(
          errorBody('limit_exceeded', `Too many requests. Try again in ${retryAfterMs} ms.`, {
            limit: 'rate',
            retryAfterMs,
            retryable: true,
          }),
        );
      return true;
    };

    if (options.devLogin) {
      const limiter = new KeyedRateLimiter(AUTH_ROUTE_RATE);
      scope.post('/auth/dev-login', async (request, reply): Promise<MintedToken | FastifyReply> => {
        if (limited(limiter, request, reply)) return reply;
        const parsed = devLoginBodySchema.safeParse(request.body);
        if (!parsed.success) {
          return reply.code(400).send(
            errorBody('invalid_payload', 'Invalid dev-login body: expected { name }.', {
              issues: parsed.error.issues.map(
                (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
              ),
            }),
          );
        }
        const { name } = parsed.data;
        return authority.mint({ userId: `${DEV_USER_PREFIX}${name}`, name });
      });
    }

    if (authority.mints) {
      const limiter = new KeyedRateLimiter(AUTH_ROUTE_RATE);
      scope.post('/auth/refresh', async (request, reply): Promise<MintedToken | FastifyReply> => {
        if (limited(limiter, request, reply)) return reply;
        const match = /^Bearer ([^\s]{1,4096})$/i.exec(request.headers.authorization ?? '');
        if (!match) {
          return reply
            .code(401)
            .header('WWW-Authenticate', 'Bearer')
            .send(
              errorBody(
                'unauthenticated',
                'Send the token to refresh as "Authorization: Bearer <token>".',
              ),
            );
        }
        try {
          const identity = await authority.verifyOwn(match[1] as string);
          return await authority.mint({
            userId: identity.userId,
            ...(identity.name !== undefined ? { name: identity.name } : {}),
          });
        } catch (error) {
          if (!(error instanceof TokenError)) throw error;
          return reply
            .code(401)
            .header('WWW-Authenticate', 'Bearer error="invalid_token"')
            .send(errorBody('unauthenticated', error.message));
        }
      });
    }
  });
}
