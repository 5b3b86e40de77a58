import type { FastifyBaseLogger } from 'fastify';
import {
  fail,
  parseRequest,
  type RequestName,
  type ResponseData,
  type Result,
  type requestSchemas,
} from 'svelte-langserve/protocol';
import type { z } from 'zod';
import { ServiceError, type ConversationService } from '../../service/conversation-service.js';
import type { SocketLimits } from '../../limits/socket-limits.js';
import type { PresenceTracker } from '../../presence/index.js';
import type { ProtocolServer, ProtocolSocket } from '../types.js';

/** The parsed (validated) payload of request `E`. */
export type ParsedPayload<E extends RequestName> = z.output<(typeof requestSchemas)[E]>;

/** What every handler may use. */
export interface HandlerContext {
  socket: ProtocolSocket;
  io: ProtocolServer;
  conversations: ConversationService;
  logger: FastifyBaseLogger;
  /** This socket's request rate, message length and concurrent-run limits. */
  limits: SocketLimits;
  /** Who is in each conversation's room and who is typing (publishes `presence`). */
  presence: PresenceTracker;
}

/**
 * What a handler answers: a result, or a `commit` that is run synchronously right before the
 * acknowledgement (so nothing can be emitted in between) and an `afterAck` run right after it.
 */
export type HandlerOutcome<E extends RequestName> =
  Result<ResponseData<E>> | { commit: () => Result<ResponseData<E>>; afterAck?: () => void };

/** A handler of one request. It receives a payload already validated by the protocol schema. */
export interface RequestHandler<E extends RequestName> {
  event: E;
  handle(payload: ParsedPayload<E>, context: HandlerContext): Promise<HandlerOutcome<E>>;
}

/** Declares a request handler (keeps `E` inferred). */
export function defineHandler<E extends RequestName>(
  handler: RequestHandler<E>,
): RequestHandler<E> {
  return handler;
}

type UntypedSocket = { on(event: string, listener: (...args: unknown[]) => void): void };

/**
 * Registers `handler` on `context.socket` behind the one wrapper every request goes through:
 *
 * - no acknowledgement callback (last argument not a function) → the event is ignored (logged);
 * - the socket's request rate spent → `limit_exceeded` (`rate`, with `retryAfterMs`), the
 *   handler does not run;
 * - payload fails the protocol schema → `invalid_payload` with the issues, nothing changes;
 * - a {@link ServiceError} → its typed code; any other throw → `internal` (logged);
 * - the acknowledgement is answered exactly once, and nothing escapes the listener.
 */
export function registerHandler<E extends RequestName>(
  handler: RequestHandler<E>,
  context: HandlerContext,
): void {
  const { event } = handler;
  const logger = context.logger.child({ socketId: context.socket.id, event });
  (context.socket as unknown as UntypedSocket).on(event, (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') {
      logger.warn('request without an acknowledgement callback ignored');
      return;
    }
    let answered = false;
    const reply = (result: Result<ResponseData<E>>) => {
      if (answered) return;
      answered = true;
      try {
        (ack as (result: Result<ResponseData<E>>) => void)(result);
      } catch (error) {
        logger.error({ err: error }, 'acknowledgement failed');
      }
    };
    const limited = context.limits.request();
    if (limited) {
      logger.debug('request refused: rate limit');
      reply(limited);
      return;
    }
    const run = async () => {
      try {
        const parsed = parseRequest(event, args.length > 1 ? args[0] : undefined);
        if (!parsed.ok) {
          logger.debug({ issues: parsed.issues }, 'invalid payload');
          reply(fail('invalid_payload', `Invalid "${event}" payload.`, { issues: parsed.issues }));
          return;
        }
        const outcome = await handler.handle(parsed.value, context);
        if ('ok' in outcome) {
          reply(outcome);
          return;
        }
        reply(outcome.commit());
        outcome.afterAck?.();
      } catch (error) {
        if (error instanceof ServiceError) {
          reply(
            fail(
              error.code,
              error.message,
              error.retryable === undefined ? {} : { retryable: error.retryable },
            ),
          );
          return;
        }
        logger.error({ err: error }, 'request handler failed');
        reply(fail('internal', 'The server failed to handle the request. It has been logged.'));
      }
    };
    void run();
  });
}
