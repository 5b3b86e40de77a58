import type { FastifyInstance } from 'fastify';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { clusterPeers } from '../cluster/peers.js';
import { onExpiry } from '../auth/expiry.js';
import type { TokenAuthority } from '../auth/tokens.js';
import { isOriginAllowed, type AppConfig } from '../config.js';
import type { ConversationService } from '../conversations/service.js';
import { SocketLimits } from '../limits/socket-limits.js';
import { conversationIdsOfRooms, PresenceTracker } from '../presence/index.js';
import type { RunManager } from '../runs/run-manager.js';
import { authenticateHandshake, checkHandshake } from '../socket/handshake.js';
import { registerRequestHandlers } from '../socket/handlers/index.js';
import { conversationRoom, type ProtocolServer } from '../socket/types.js';

/**
 * Attaches a typed Socket.IO server to the app's HTTP server: origin check, protocol handshake
 * and token verification (on every connection: there is no session recovery, ADR 0021),
 * request handlers (with their limits) per socket, presence (published on join, leave,
 * disconnect, invitation and typing), a disconnect when a socket's token
 * expires, and a clean shutdown (live runs end as `interrupted`, then sockets are
 * disconnected, else `app.close()` would wait for them forever).
 *
 * A frame larger than `config.limits.maxPayloadBytes` (`maxHttpBufferSize`) closes the
 * connection: Socket.IO drops it before any handler could answer it.
 */
export function attachSocketIo(
  app: FastifyInstance,
  options: {
    config: AppConfig;
    conversations: ConversationService;
    runs: RunManager;
    authority: TokenAuthority;
  },
): ProtocolServer {
  const { config, conversations, runs, authority } = options;
  const io: ProtocolServer = new Server(app.server, {
    cors: {
      origin: config.corsOrigins === '*' ? true : config.corsOrigins,
      methods: ['GET', 'POST'],
    },
    maxHttpBufferSize: config.limits.maxPayloadBytes,
    // No Socket.IO connection-state recovery (ADR 0021): it restores a session, its rooms and
    // its missed packets before any middleware has checked the token, and run events emitted
    // while the middlewares run are lost. Every reconnect is a new, authenticated session; the
    // client re-joins and the server replays the run events after the last seq it applied.
    //
    // CORS does not cover WebSocket upgrades: check the Origin header of every request here.
    // Requests without one come from non-browser clients, which CORS would not restrict either.
    allowRequest: (request, callback) => {
      const origin = request.headers.origin;
      if (origin === undefined || isOriginAllowed(origin, config.corsOrigins)) {
        callback(null, true);
        return;
      }
      app.log.warn({ origin }, 'socket refused: origin not allowed');
      callback('Origin not allowed', false);
    },
  });

  io.use((socket, next) => {
    const refusal = checkHandshake(socket);
    if (refusal) {
      app.log.info({ reason: refusal.message }, 'socket handshake refused');
      next(refusal);
      return;
    }
    socket.data.protocolVersion = (
      socket.handshake.auth as { protocolVersion: number }
    ).protocolVersion;
    authenticateHandshake(socket, { authority, production: config.production }).then(
      (identity) => {
        if (identity instanceof Error) {
          app.log.info({ reason: identity.message }, 'socket handshake refused');
          next(identity);
          return;
        }
        Object.assign(socket.data, identity);
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });

  // Presence: online is read from the rooms themselves; typing is kept by the tracker.
  const presence = new PresenceTracker({
    listMembers: (conversationId) => conversations.memberIds(conversationId),
    listConnections: async (conversationId) =>
      (await io.in(conversationRoom(conversationId)).fetchSockets()).map((socket) => ({
        socketId: socket.id,
        userId: socket.data.userId,
        ...(socket.data.name !== undefined ? { name: socket.data.name } : {}),
      })),
    publish: (event) => io.to(conversationRoom(event.conversationId)).emit('presence', event),
    onError: (error, conversationId) =>
      app.log.error({ err: error, conversationId }, 'presence event failed'),
  });

  io.on('connection', (socket) => {
    app.log.debug({ socketId: socket.id, userId: socket.data.userId }, 'socket connected');
    if (socket.data.expiresAt !== undefined) {
      // The token's lifetime is the session's: at `exp` the socket is cut off (nothing more is
      // sent to it). Clients reconnect with a fresh token (POST /auth/refresh).
      const cancel = onExpiry(socket.data.expiresAt, () => {
        app.log.info({ socketId: socket.id, userId: socket.data.userId }, 'token expired');
        socket.disconnect(true);
      });
      socket.once('disconnect', cancel);
    }
    // Still in its rooms here: the others' presence shows it offline (and not typing).
    socket.on('disconnecting', () => {
      for (const conversationId of conversationIdsOfRooms(socket.rooms, conversationRoom('')))
        presence.left(conversationId, socket.id);
    });
    registerRequestHandlers({
      socket,
      io,
      conversations,
      logger: app.log,
      limits: new SocketLimits(config.limits, runs),
      presence,
    });
  });

  // Several instances: a Redis stream connects their Socket.IO servers (rooms, connection-state
  // recovery), and runs live on one instance are reachable from the others (ADR 0018).
  let redis: ReturnType<typeof createClient> | undefined;
  if (config.redisUrl !== undefined) {
    const client = createClient({ url: config.redisUrl });
    redis = client;
    client.on('error', (error: unknown) => app.log.error({ err: error }, 'Redis client error'));
    app.addHook('onReady', async () => {
      await client.connect();
      // A short blocking read: a closing server waits for the current one to return.
      io.adapter(createAdapter(client, { streamName: config.redisStream, blockTimeInMs: 1000 }));
      conversations.usePeers(
        clusterPeers(io, runs, (error, event) =>
          app.log.warn({ err: error, event }, 'another instance did not answer'),
        ),
      );
    });
  }

  app.addHook('preClose', async () => {
    await runs.shutdown();
    presence.close();
    io.local.disconnectSockets(true);
  });
  app.addHook('onClose', async () => {
    io.engine.close();
    if (redis) {
      // The adapter stops reading the stream (its reader leaves within one blocking read).
      await io.of('/').adapter.close();
      if (redis.isOpen) await redis.quit();
    }
  });
  return io;
}
