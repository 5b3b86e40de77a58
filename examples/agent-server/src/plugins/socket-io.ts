import type { FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { isOriginAllowed, type AppConfig } from '../config.js';
import type { ConversationService } from '../conversations/service.js';
import type { RunManager } from '../runs/run-manager.js';
import { checkHandshake } from '../socket/handshake.js';
import { registerRequestHandlers } from '../socket/handlers/index.js';
import type { ProtocolServer } from '../socket/types.js';

/** Largest Socket.IO packet accepted, in bytes (a 32,000-character message fits easily). */
export const MAX_PACKET_BYTES = 512 * 1024;

/**
 * Attaches a typed Socket.IO server to the app's HTTP server: origin check and protocol
 * handshake, request handlers per socket, and a clean shutdown (live runs end as `interrupted`,
 * then sockets are disconnected, else `app.close()` would wait for them forever).
 */
export function attachSocketIo(
  app: FastifyInstance,
  options: { config: AppConfig; conversations: ConversationService; runs: RunManager },
): ProtocolServer {
  const { config, conversations, runs } = options;
  const io: ProtocolServer = new Server(app.server, {
    cors: {
      origin: config.corsOrigins === '*' ? true : config.corsOrigins,
      methods: ['GET', 'POST'],
    },
    maxHttpBufferSize: MAX_PACKET_BYTES,
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
    next();
  });

  io.on('connection', (socket) => {
    app.log.debug({ socketId: socket.id }, 'socket connected');
    registerRequestHandlers({ socket, io, conversations, logger: app.log });
  });

  app.addHook('preClose', async () => {
    await runs.shutdown();
    io.local.disconnectSockets(true);
  });
  app.addHook('onClose', async () => {
    io.engine.close();
  });
  return io;
}
