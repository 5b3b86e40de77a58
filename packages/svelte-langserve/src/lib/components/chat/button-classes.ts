/**
 * The chat parts' button classes: flowbite-svelte's `Button` look as plain class strings. They
 * live in `components/button-classes.ts`, shared by every family (ADR 0024); this module
 * re-exports them for the chat parts.
 */
export { ALTERNATIVE_XS, PRIMARY_SM, RED_SM, RED_XS } from '../button-classes.js';
