/**
 * The parts the presets load on first use, each as its own chunk (ADR 0028): most answers have
 * no tool call, reasoning, custom data or status line; the editor and the version switcher wait
 * for a click; the member list for someone else to join; the agent picker for a server that
 * offers a choice. Import a part itself (`MessageParts.ToolCall`, `AgentPicker`, …) to bundle it
 * with your page.
 */
import type AgentPicker from './chat/AgentPicker.svelte';
import { LazyComponent } from './lazy-component.svelte.js';
import type DataPart from './message/DataPart.svelte';
import type MessageActivity from './message/MessageActivity.svelte';
import type MessageBranchSwitcher from './message/MessageBranchSwitcher.svelte';
import type MessageEditor from './message/MessageEditor.svelte';
import type ReasoningPart from './message/ReasoningPart.svelte';
import type ToolCall from './message/ToolCall.svelte';
import type PresenceList from './presence/PresenceList.svelte';

export const toolCallPart: LazyComponent<typeof ToolCall> = new LazyComponent(
  () => import('./message/ToolCall.svelte'),
);
export const reasoningPart: LazyComponent<typeof ReasoningPart> = new LazyComponent(
  () => import('./message/ReasoningPart.svelte'),
);
export const dataPart: LazyComponent<typeof DataPart> = new LazyComponent(
  () => import('./message/DataPart.svelte'),
);
export const activityPart: LazyComponent<typeof MessageActivity> = new LazyComponent(
  () => import('./message/MessageActivity.svelte'),
);
export const editorPart: LazyComponent<typeof MessageEditor> = new LazyComponent(
  () => import('./message/MessageEditor.svelte'),
);
export const branchSwitcherPart: LazyComponent<typeof MessageBranchSwitcher> = new LazyComponent(
  () => import('./message/MessageBranchSwitcher.svelte'),
);
export const presenceList: LazyComponent<typeof PresenceList> = new LazyComponent(
  () => import('./presence/PresenceList.svelte'),
);
export const agentPicker: LazyComponent<typeof AgentPicker> = new LazyComponent(
  () => import('./chat/AgentPicker.svelte'),
);
