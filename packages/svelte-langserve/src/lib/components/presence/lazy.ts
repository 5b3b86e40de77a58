/** `ChatInterface` loads the member list when someone else first joins (ADR 0028). */
import { LazyComponent } from '../lazy-component.svelte.js';
import type PresenceList from './PresenceList.svelte';

export const presenceList: LazyComponent<typeof PresenceList> = new LazyComponent(
  () => import('./PresenceList.svelte'),
);
