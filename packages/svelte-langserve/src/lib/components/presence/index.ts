export { default as PresenceList } from './PresenceList.svelte';
export { default as TypingIndicator } from './TypingIndicator.svelte';
export { memberInitials, memberName, typingText } from './format.js';
