import { REQUEST_NAMES } from 'svelte-langserve/protocol';
import { agentsList } from './agents-list.js';
import { conversationsCreate } from './conversations-create.js';
import { conversationsDelete } from './conversations-delete.js';
import { conversationsInvite } from './conversations-invite.js';
import { conversationsJoin } from './conversations-join.js';
import { conversationsLeave } from './conversations-leave.js';
import { conversationsList } from './conversations-list.js';
import { conversationsUpdate } from './conversations-update.js';
import { messagesFeedback } from './messages-feedback.js';
import { messagesHistory } from './messages-history.js';
import { messagesRegenerate } from './messages-regenerate.js';
import { messagesSend } from './messages-send.js';
import { presenceTyping } from './presence-typing.js';
import { registerHandler, type HandlerContext } from './request-handler.js';
import { runsCancel } from './runs-cancel.js';

/** Registers a handler for every protocol request on the context's socket. */
export function registerRequestHandlers(context: HandlerContext): void {
  registerHandler(agentsList, context);
  registerHandler(conversationsCreate, context);
  registerHandler(conversationsList, context);
  registerHandler(conversationsUpdate, context);
  registerHandler(conversationsDelete, context);
  registerHandler(conversationsJoin, context);
  registerHandler(conversationsLeave, context);
  registerHandler(messagesHistory, context);
  registerHandler(messagesSend, context);
  registerHandler(messagesRegenerate, context);
  registerHandler(messagesFeedback, context);
  registerHandler(runsCancel, context);
  registerHandler(conversationsInvite, context);
  registerHandler(presenceTyping, context);
  // Unknown events have no listener, so Socket.IO drops them; they are only logged.
  context.socket.onAny((event: string) => {
    if (!(REQUEST_NAMES as string[]).includes(event))
      context.logger.debug({ socketId: context.socket.id, event }, 'unknown event ignored');
  });
}
