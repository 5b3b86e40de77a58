// App-only UI for the dashboard. Chat components come from `svelte-langserve`.
export { default as ThemeToggle } from './ThemeToggle.svelte';
