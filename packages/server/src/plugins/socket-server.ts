import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { isOriginAllowed } from '../config.js';
import { authenticateHandshake, checkHandshake } from '../socket/handshake.js';
import type { RoomBroadcaster } from '../conversations/broadcaster.js';
import { conversationRoom, type ProtocolServer } from '../socket/types.js';
import type { PluginContext } from './context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The typed Socket.IO server attached to this app. */
    io: ProtocolServer;
    /** Conversation rooms, as the runs tell them what happened (over `io`). */
    rooms: RoomBroadcaster;
  }
}

/** The name other plugins depend on. */
export const SOCKET_SERVER_PLUGIN = 'svelte-langserve.socket-server';

/**
 * Attaches a typed Socket.IO server to the app's HTTP server, with the checks every connection
 * passes before any handler sees it: the Origin header, the protocol handshake and the token
 * (on every connection: there is no session recovery, ADR 0021). Handlers are added by the
 * socket-handlers plugin; the runs tell conversation rooms through `app.rooms` (a `RoomBroadcaster`).
 *
 * A frame larger than `config.limits.maxPayloadBytes` (`maxHttpBufferSize`) closes the
 * connection: Socket.IO drops it before any handler could answer it.
 */
export const socketServerPlugin = fp(
  async (app: FastifyInstance, { config, authority }: PluginContext) => {
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
    app.decorate('io', io);
    app.decorate('rooms', {
      runEvent: (conversationId, event) =>
        io.to(conversationRoom(conversationId)).emit('run:event', event),
      messageUpdated: (conversationId, message) =>
        io.to(conversationRoom(conversationId)).emit('message:updated', { message }),
    } satisfies RoomBroadcaster);
    app.addHook('onClose', async () => {
      io.engine.close();
    });
  },
  { name: SOCKET_SERVER_PLUGIN, fastify: '5.x' },
);
