import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SocketIoTransport, type TransportEvent } from '../src/lib/client/index.js';
import { PROTOCOL_VERSION, fail, ok } from '../src/lib/protocol/index.js';
import { agent, runEvents } from './fixtures.js';

let http: HttpServer;
let io: Server;
let url: string;
let handshakes: unknown[];

beforeEach(async () => {
  handshakes = [];
  http = createServer();
  io = new Server(http);
  io.use((socket, next) => {
    handshakes.push(socket.handshake.auth);
    if (socket.handshake.auth.protocolVersion !== PROTOCOL_VERSION)
      return next(new Error('Unsupported protocol version'));
    next();
  });
  io.on('connection', (socket) => {
    socket.on('agents:list', (_payload: unknown, ack: (result: unknown) => void) =>
      ack(ok({ agents: [agent] })),
    );
    socket.on('runs:cancel', () => {
      /* never acks: the client must time out */
    });
    socket.on('conversations:join', (_payload: unknown, ack: (result: unknown) => void) => {
      ack(fail('not_found', 'No such conversation.'));
      for (const event of runEvents(['a'])) socket.emit('run:event', event);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  io.disconnectSockets(true);
  await new Promise((resolve) => io.close(resolve));
});

function connected(transport: SocketIoTransport): Promise<void> {
  return new Promise((resolve) => {
    const off = transport.onConnection((event) => {
      if (event.type === 'connected') {
        off();
        resolve();
      }
    });
    transport.connect();
  });
}

describe('SocketIoTransport over a real Socket.IO server', () => {
  it('sends the protocol version and token in the handshake', async () => {
    const transport = new SocketIoTransport({ url, token: () => 'secret' });
    await connected(transport);
    expect(handshakes).toEqual([{ protocolVersion: PROTOCOL_VERSION, token: 'secret' }]);
    transport.disconnect();
  });

  it('answers requests with the server’s acknowledgement, typed errors included', async () => {
    const transport = new SocketIoTransport({ url });
    await connected(transport);
    expect(await transport.request('agents:list', {})).toEqual(ok({ agents: [agent] }));
    expect(await transport.request('conversations:join', { conversationId: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    transport.disconnect();
  });

  it('resolves an unanswered request to a retryable error after the timeout', async () => {
    const transport = new SocketIoTransport({ url, requestTimeoutMs: 100 });
    await connected(transport);
    const result = await transport.request('runs:cancel', { runId: 'r1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    transport.disconnect();
  });

  it('resolves a request while disconnected without sending it', async () => {
    const transport = new SocketIoTransport({ url });
    expect(await transport.request('agents:list', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('delivers server events to listeners until they unsubscribe', async () => {
    const transport = new SocketIoTransport({ url });
    await connected(transport);
    const seen: number[] = [];
    const off = transport.on('run:event', (event) => seen.push(event.seq));
    await transport.request('conversations:join', { conversationId: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([0, 1, 2]);
    off();
    await transport.request('conversations:join', { conversationId: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([0, 1, 2]);
    transport.disconnect();
  });

  it('keeps listeners given before connect() (socket.io-client loads lazily) for the socket', async () => {
    const transport = new SocketIoTransport({ url });
    const seen: number[] = [];
    const kept = transport.on('run:event', (event) => seen.push(event.seq));
    const dropped: number[] = [];
    transport.on('run:event', (event) => dropped.push(event.seq))();
    await connected(transport);
    await transport.request('conversations:join', { conversationId: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([0, 1, 2]);
    expect(dropped).toEqual([]);
    kept();
    transport.disconnect();
  });

  it('does not open the socket when disconnect() comes while socket.io-client loads', async () => {
    const transport = new SocketIoTransport({ url });
    const events: TransportEvent['type'][] = [];
    transport.onConnection((event) => events.push(event.type));
    transport.connect();
    transport.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handshakes).toHaveLength(0);
    expect(events).toEqual(['connecting']);
    // A later connect() opens it.
    await connected(transport);
    expect(handshakes).toHaveLength(1);
    transport.disconnect();
  });

  it('reports a refused handshake as a fatal error', async () => {
    const transport = new SocketIoTransport({
      url,
      socketOptions: { auth: { protocolVersion: 999 } },
    });
    const event = await new Promise<TransportEvent>((resolve) => {
      transport.onConnection((next) => {
        if (next.type === 'error') resolve(next);
      });
      transport.connect();
    });
    expect(event).toEqual({ type: 'error', message: 'Unsupported protocol version', fatal: true });
    transport.disconnect();
  });
});
