import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from 'svelte-langserve/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, startServer, type TestServer } from './support/harness.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function refusal(
  url: string,
  options: { auth?: Record<string, unknown>; extraHeaders?: Record<string, string> },
): Promise<Error & { data?: unknown }> {
  try {
    const socket = await connectClient(url, options);
    socket.close();
  } catch (error) {
    return error as Error & { data?: unknown };
  }
  throw new Error('expected the connection to be refused');
}

describe('the Socket.IO handshake', () => {
  it('refuses a client that speaks another protocol version, saying why', async () => {
    server = await startServer();
    const error = await refusal(server.url, { auth: { protocolVersion: PROTOCOL_VERSION + 1 } });
    expect(error.message).toBe(
      `Handshake refused: protocol version mismatch — the client speaks version ${PROTOCOL_VERSION + 1}, this server speaks version ${PROTOCOL_VERSION}. Update the client or the server so they match.`,
    );
    expect(error.data).toEqual({
      code: 'protocol_version_mismatch',
      serverProtocolVersion: PROTOCOL_VERSION,
    });
  });

  it('refuses a handshake without a protocol version', async () => {
    server = await startServer();
    const error = await refusal(server.url, { auth: {} });
    expect(error.message).toContain(
      'Handshake refused: the auth object must carry protocolVersion',
    );
    expect(error.message).toContain('protocolVersion');
    expect(error.data).toMatchObject({ code: 'invalid_handshake' });
    const wrongType = await refusal(server.url, { auth: { protocolVersion: '1' } });
    expect(wrongType.data).toMatchObject({ code: 'invalid_handshake' });
  });

  it('accepts the current version (without a token: the anonymous user, in development)', async () => {
    server = await startServer();
    const socket = await connectClient(server.url, {
      auth: { protocolVersion: PROTOCOL_VERSION },
    });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('checks the Origin header: allowed origins connect, others are refused', async () => {
    server = await startServer({ config: { corsOrigins: ['http://localhost:5173'] } });
    const allowed = await connectClient(server.url, {
      extraHeaders: { origin: 'http://localhost:5173' },
    });
    expect(allowed.connected).toBe(true);
    allowed.close();
    await refusal(server.url, { extraHeaders: { origin: 'http://evil.example' } });

    // The polling transport gets an explicit 403 for a foreign origin.
    const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
    const ok = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('a refused client does not stop the server from serving others', async () => {
    server = await startServer();
    const bad = connect(server.url, {
      transports: ['websocket'],
      reconnection: false,
      auth: { protocolVersion: 99 },
    });
    await new Promise((resolve) => bad.once('connect_error', resolve));
    bad.close();
    const good = await connectClient(server.url);
    const agents = await good.emitWithAck('agents:list', {});
    expect(agents.ok).toBe(true);
    good.close();
  });
});

describe('GET /health', () => {
  it('reports status, agents and uptime, with CORS for allowed origins', async () => {
    server = await startServer();
    const response = await server.app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'http://127.0.0.1:5173' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
    const body = response.json();
    expect(body.status).toBe('ok');
    expect(body.agents).toHaveLength(5);
    expect(body.agents[0]).toEqual(
      expect.objectContaining({ id: 'chatbot', provider: 'demo', demo: true }),
    );
    expect(typeof body.uptime).toBe('number');
    expect(body.uptime).toBeGreaterThanOrEqual(0);
    const foreign = await server.app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'http://evil.example' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});
