// App-only UI for the dashboard. Chat components come from `svelte-langserve`.
export { default as ThemeToggle } from './ThemeToggle.svelte';
export { default as ConversationSidebar } from './ConversationSidebar.svelte';
export {
  ConversationView,
  getConversationView,
  provideConversationView,
} from './conversation-view.svelte';
export { default as SignInPrompt } from './SignInPrompt.svelte';
export { default as InviteForm } from './InviteForm.svelte';
export { DevSession } from './dev-session.svelte';
export { default as SourcesPart } from './SourcesPart.svelte';
