export { default as AgentPicker } from './AgentPicker.svelte';
export { default as ChatInterface } from './ChatInterface.svelte';
export { default as Composer } from './Composer.svelte';
export { default as ConnectionStatus } from './ConnectionStatus.svelte';
export { default as Message } from './Message.svelte';
export { default as MessageActions } from './MessageActions.svelte';
export { default as MessageList } from './MessageList.svelte';
export { ComposerState } from './composer-state.svelte.js';
export { stickToBottom } from './stick-to-bottom.js';
