/**
 * The message family: small parts over one `MessageState` context (see
 * docs/compose-your-own.md). `Message` and `MessageActions` (in `components/chat`) are presets
 * made of these parts.
 *
 * @module
 */
import type { MessageState } from './message-state.svelte.js';

export * as MessageParts from './parts.js';
export {
  MessageState,
  getMessageContext,
  hasMessageContext,
  setMessageContext,
  type MessageInput,
  type MessageSiblings,
} from './message-state.svelte.js';
export { MessageActionsState, type CopyStatus } from './message-actions.svelte.js';
export { metadataItems, type MetadataItem } from './message-metadata.js';
export { reasoningLabel } from './reasoning-label.js';
export { default as DataPart } from './DataPart.svelte';
export { default as MessageActivity } from './MessageActivity.svelte';
export { default as MessageError } from './MessageError.svelte';
export { default as ReasoningPart } from './ReasoningPart.svelte';
export { default as ToolCall } from './ToolCall.svelte';

/** What `getMessageContext()` returns: the state and actions of the enclosing message. */
export type MessageContext = MessageState;
