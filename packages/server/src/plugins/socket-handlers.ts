import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { onExpiry } from '../auth/expiry.js';
import { clusterPeers } from '../cluster/peers.js';
import { SocketLimits } from '../limits/socket-limits.js';
import { conversationIdsOfRooms, PresenceTracker } from '../presence/index.js';
import { registerRequestHandlers } from '../socket/handlers/index.js';
import { conversationRoom } from '../socket/types.js';
import type { PluginContext } from './context.js';
import { RUNS_PLUGIN } from './runs.js';
import { SOCKET_SERVER_PLUGIN } from './socket-server.js';

/**
 * The protocol's request handlers on every authenticated socket (with their limits), presence
 * (published on join, leave, disconnect, invitation and typing), a disconnect when a socket's
 * token expires, Redis between instances when `config.redisUrl` is set, and a clean shutdown
 * (live runs end as `interrupted`, then sockets are disconnected, else `app.close()` would wait
 * for them forever).
 */
export const socketHandlersPlugin = fp(
  async (app: FastifyInstance, { config }: PluginContext) => {
    const { io, runs, conversations } = app;
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

    // Several instances: a Redis stream connects their Socket.IO servers (rooms), and runs live
    // on one instance are reachable from the others (ADR 0018).
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

    // preClose hooks run in registration order: the runs plugin has stopped the runs by now.
    app.addHook('preClose', async () => {
      presence.close();
      io.local.disconnectSockets(true);
    });
    app.addHook('onClose', async () => {
      if (redis) {
        // The adapter stops reading the stream (its reader leaves within one blocking read).
        await io.of('/').adapter.close();
        if (redis.isOpen) await redis.quit();
      }
    });
  },
  {
    name: 'svelte-langserve.socket-handlers',
    fastify: '5.x',
    dependencies: [SOCKET_SERVER_PLUGIN, RUNS_PLUGIN],
  },
);
