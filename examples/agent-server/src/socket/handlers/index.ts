import { REQUEST_NAMES } from 'svelte-langserve/protocol';
import { agentsList } from './agents-list.js';
import { conversationsCreate } from './conversations-create.js';
import { conversationsJoin } from './conversations-join.js';
import { messagesSend } from './messages-send.js';
import { registerHandler, type HandlerContext } from './request-handler.js';
import { runsCancel } from './runs-cancel.js';

/** Registers a handler for every protocol request on the context's socket. */
export function registerRequestHandlers(context: HandlerContext): void {
  registerHandler(agentsList, context);
  registerHandler(conversationsCreate, context);
  registerHandler(conversationsJoin, context);
  registerHandler(messagesSend, context);
  registerHandler(runsCancel, context);
  // Unknown events have no listener, so Socket.IO drops them; they are only logged.
  context.socket.onAny((event: string) => {
    if (!(REQUEST_NAMES as string[]).includes(event))
      context.logger.debug({ socketId: context.socket.id, event }, 'unknown event ignored');
  });
}
