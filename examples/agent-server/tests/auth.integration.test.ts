import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig, type AuthConfig } from '../src/config.js';
import { serverPerTest, type ClientSocket } from './support/harness.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const defaults = loadConfig({});
const authConfig = (overrides: Partial<AuthConfig>): AuthConfig => ({
  ...defaults.auth,
  ...overrides,
});

const harness = serverPerTest();

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs a token with `key` (HS* with a string secret, else an asymmetric private key). */
async function sign(
  claims: Record<string, unknown>,
  options: {
    key?: Uint8Array | KeyObject;
    alg?: string;
    ttlSeconds?: number | null;
  } = {},
): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.ttlSeconds !== null)
    jwt = jwt.setExpirationTime(nowSeconds() + (options.ttlSeconds ?? 600));
  return jwt.sign(options.key ?? new TextEncoder().encode(SECRET));
}

async function connectWith(token: string | undefined): Promise<ClientSocket> {
  return harness.client({
    auth: { protocolVersion: PROTOCOL_VERSION, ...(token === undefined ? {} : { token }) },
  });
}

async function refusal(token: string | undefined): Promise<Error & { data?: unknown }> {
  try {
    const socket = await connectWith(token);
    socket.close();
  } catch (error) {
    return error as Error & { data?: unknown };
  }
  throw new Error('expected the connection to be refused');
}

/** The server-side data of the one connected socket. */
async function serverSocketData() {
  const connected = await harness.server.app.io.fetchSockets();
  expect(connected).toHaveLength(1);
  return connected[0]!.data;
}

function post(path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  return fetch(`${harness.server.url}${path}`, {
    method: 'POST',
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

describe('JWT on the handshake', () => {
  it('a valid token connects as its sub, with its name and expiry', async () => {
    await harness.start({
      config: { auth: authConfig({ secret: SECRET, devLogin: false }) },
    });
    const exp = nowSeconds() + 600;
    const token = await sign({ sub: 'user-1', name: 'Ada', exp }, { ttlSeconds: null });
    await connectWith(token);
    expect(await serverSocketData()).toMatchObject({
      userId: 'user-1',
      name: 'Ada',
      expiresAt: exp * 1000,
    });
  });

  it('refuses tokens that are invalid, expired, or lack exp or sub — code unauthenticated', async () => {
    const server = await harness.start({
      config: { auth: authConfig({ secret: SECRET, devLogin: false }) },
    });
    const expired = await refusal(await sign({ sub: 'u' }, { ttlSeconds: -10 }));
    expect(expired.message).toBe('Handshake refused: The token has expired.');
    expect(expired.data).toEqual({
      code: 'unauthenticated',
      serverProtocolVersion: PROTOCOL_VERSION,
    });
    const noExp = await refusal(await sign({ sub: 'u' }, { ttlSeconds: null }));
    expect(noExp.message).toContain('"exp" claim is missing');
    const noSub = await refusal(await sign({}));
    expect(noSub.message).toContain('"sub" claim is missing');
    const wrongSecret = await refusal(
      await sign({ sub: 'u' }, { key: new TextEncoder().encode(`${SECRET}-other`) }),
    );
    expect(wrongSecret.message).toContain('signature does not verify');
    const garbage = await refusal('not.a.jwt');
    expect(garbage.data).toMatchObject({ code: 'unauthenticated' });
    expect(await server.app.io.fetchSockets()).toHaveLength(0);
  });

  it('pins algorithms: with RS256 pinned, HS256 (even keyed with the public key) and alg none are refused', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await harness.start({
      config: {
        auth: authConfig({ publicKey: publicPem, algorithms: ['RS256'], devLogin: false }),
      },
    });
    await connectWith(await sign({ sub: 'rsa-user' }, { key: privateKey, alg: 'RS256' }));
    expect((await serverSocketData()).userId).toBe('rsa-user');
    harness.closeSockets();

    // The classic confusion attack: an HMAC keyed with the (public) PEM text.
    const confused = await refusal(
      await sign({ sub: 'attacker' }, { key: new TextEncoder().encode(publicPem), alg: 'HS256' }),
    );
    expect(confused.message).toContain('algorithm this server does not accept');
    expect(confused.data).toMatchObject({ code: 'unauthenticated' });

    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'attacker', exp: nowSeconds() + 600 })}.`;
    const none = await refusal(unsigned);
    expect(none.data).toMatchObject({ code: 'unauthenticated' });
  });

  it('checks issuer and audience when configured', async () => {
    await harness.start({
      config: {
        auth: authConfig({
          secret: SECRET,
          devLogin: false,
          issuer: 'https://issuer.example',
          audience: 'agent-server',
        }),
      },
    });
    const good = { sub: 'u', iss: 'https://issuer.example', aud: 'agent-server' };
    await connectWith(await sign(good));
    harness.closeSockets();
    const wrongIssuer = await refusal(await sign({ ...good, iss: 'https://evil.example' }));
    expect(wrongIssuer.message).toContain('"iss" claim');
    const wrongAudience = await refusal(await sign({ ...good, aud: 'another-app' }));
    expect(wrongAudience.message).toContain('"aud" claim');
    const noIssuer = await refusal(await sign({ sub: 'u', aud: 'agent-server' }));
    expect(noIssuer.data).toMatchObject({ code: 'unauthenticated' });
  });

  it('disconnects a live socket when its token expires, and sends it nothing after', async () => {
    const server = await harness.start({
      config: { auth: authConfig({ secret: SECRET, devLogin: false }) },
    });
    const exp = nowSeconds() + 2;
    const socket = await connectWith(await sign({ sub: 'short', exp }, { ttlSeconds: null }));
    let received = 0;
    socket.onAny(() => (received += 1));
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const at = Date.now();
    expect(reason).toBe('io server disconnect');
    expect(at).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(at).toBeLessThan(exp * 1000 + 1000);
    expect(received).toBe(0);
    expect(await server.app.io.fetchSockets()).toHaveLength(0);
  });

  it('in production, a socket without a token is refused', async () => {
    await harness.start({
      config: { production: true, auth: authConfig({ secret: SECRET, devLogin: false }) },
    });
    const error = await refusal(undefined);
    expect(error.message).toBe('Handshake refused: a token is required (auth.token, a JWT).');
    expect(error.data).toEqual({
      code: 'unauthenticated',
      serverProtocolVersion: PROTOCOL_VERSION,
    });
    expect((await post('/auth/dev-login', { body: { name: 'x' } })).status).toBe(404);
    await connectWith(await sign({ sub: 'prod-user' }));
    expect((await serverSocketData()).userId).toBe('prod-user');
  });

  it('in development, a socket without a token acts as the anonymous user', async () => {
    await harness.start();
    await connectWith(undefined);
    const data = await serverSocketData();
    expect(data.userId).toBe('anonymous');
    expect(data.expiresAt).toBeUndefined();
  });
});

describe('POST /auth/dev-login', () => {
  it('mints a token (random per-process secret) that the socket handshake accepts', async () => {
    await harness.start();
    const response = await post('/auth/dev-login', { body: { name: '  alice ' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; userId: string; expiresAt: string };
    expect(body.userId).toBe('dev:alice');
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    await connectWith(body.token);
    expect(await serverSocketData()).toMatchObject({ userId: 'dev:alice', name: 'alice' });
  });

  it('validates the name (1–64 characters) with typed errors', async () => {
    await harness.start();
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(65) }, { name: 3 }]) {
      const response = await post('/auth/dev-login', { body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_payload',
      );
    }
    expect((await post('/auth/dev-login', { body: { name: 'x'.repeat(64) } })).status).toBe(200);
  });

  it('is 404 when the development login is off', async () => {
    await harness.start({ config: { auth: authConfig({ devLogin: false }) } });
    const response = await post('/auth/dev-login', { body: { name: 'alice' } });
    expect(response.status).toBe(404);
    // No secret and no dev login: the server mints nothing, so no refresh either.
    expect((await post('/auth/refresh', { headers: { authorization: 'Bearer x' } })).status).toBe(
      404,
    );
  });

  it('is rate-limited per address (429 naming the limit) and has CORS like every route', async () => {
    const server = await harness.start({ config: { corsOrigins: ['http://localhost:5173'] } });
    const preflight = await fetch(`${server.url}/auth/dev-login`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const allowed = await post('/auth/dev-login', {
      body: { name: 'bob' },
      headers: { origin: 'http://localhost:5173' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const foreign = await post('/auth/dev-login', {
      body: { name: 'bob' },
      headers: { origin: 'http://evil.example' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const statuses: number[] = [];
    let last: Response | undefined;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      last = await post('/auth/dev-login', { body: { name: 'bob' } });
      statuses.push(last.status);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(8); // 10 in the burst, 2 used above
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await last!.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'limit_exceeded', limit: 'rate', retryable: true });
    expect(body.error.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('POST /auth/refresh', () => {
  it('returns a new token for the same user; the client reconnects with it (auth callback)', async () => {
    const server = await harness.start({
      config: { auth: authConfig({ secret: SECRET, devLogin: false, tokenTtlSeconds: 120 }) },
    });
    let token = await sign({ sub: 'user-7', name: 'Grace' }, { ttlSeconds: 30 });
    const socket: ClientSocket = connect(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      // The callback form: every (re)connection sends the current token.
      auth: (callback) => callback({ protocolVersion: PROTOCOL_VERSION, token }),
    });
    harness.track(socket);
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    expect((await serverSocketData()).expiresAt).toBeLessThan(Date.now() + 31_000);

    const response = await post('/auth/refresh', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as {
      token: string;
      userId: string;
      expiresAt: string;
    };
    expect(refreshed.userId).toBe('user-7');
    expect(refreshed.token).not.toBe(token);
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(Date.now() + 110_000);

    token = refreshed.token;
    socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.connect();
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    const data = await serverSocketData();
    expect(data).toMatchObject({ userId: 'user-7', name: 'Grace' });
    expect(data.expiresAt).toBeGreaterThan(Date.now() + 110_000);
  });

  it('refuses a missing, invalid, expired or foreign token with 401', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await harness.start({
      config: {
        auth: authConfig({
          secret: SECRET,
          publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          algorithms: ['HS256', 'ES256'],
          devLogin: false,
        }),
      },
    });
    const refresh = (authorization?: string) =>
      post('/auth/refresh', authorization ? { headers: { authorization } } : {});
    const missing = await refresh();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      'unauthenticated',
    );
    expect((await refresh('Bearer nonsense')).status).toBe(401);
    expect((await refresh(`Bearer ${await sign({ sub: 'u' }, { ttlSeconds: -5 })}`)).status).toBe(
      401,
    );
    // A token of the external issuer (ES256) connects, but is refreshed by its issuer, not here.
    const external = await sign({ sub: 'u' }, { key: privateKey, alg: 'ES256' });
    await connectWith(external);
    expect((await refresh(`Bearer ${external}`)).status).toBe(401);
    expect((await refresh(`Bearer ${await sign({ sub: 'u' })}`)).status).toBe(200);
  });
});
