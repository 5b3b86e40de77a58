/** `ChatInterface` loads the agent picker once the server offers more than one agent (ADR 0028). */
import { LazyComponent } from '../lazy-component.svelte.js';
import type AgentPicker from './AgentPicker.svelte';

export const agentPicker: LazyComponent<typeof AgentPicker> = new LazyComponent(
  () => import('./AgentPicker.svelte'),
);
