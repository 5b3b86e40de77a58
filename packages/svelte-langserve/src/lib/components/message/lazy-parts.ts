/**
 * The message parts the presets load on first use, each as its own chunk (ADR 0028): most
 * answers have no tool call, reasoning, custom data or status line, and the editor and version switcher wait for a click.
 * Import the parts themselves (`MessageParts.ToolCall`, …) to bundle them with your page.
 */
import { LazyComponent } from '../lazy-component.svelte.js';
import type DataPart from './DataPart.svelte';
import type MessageActivity from './MessageActivity.svelte';
import type MessageBranchSwitcher from './MessageBranchSwitcher.svelte';
import type MessageEditor from './MessageEditor.svelte';
import type ReasoningPart from './ReasoningPart.svelte';
import type ToolCall from './ToolCall.svelte';

export const toolCallPart: LazyComponent<typeof ToolCall> = new LazyComponent(
  () => import('./ToolCall.svelte'),
);
export const reasoningPart: LazyComponent<typeof ReasoningPart> = new LazyComponent(
  () => import('./ReasoningPart.svelte'),
);
export const editorPart: LazyComponent<typeof MessageEditor> = new LazyComponent(
  () => import('./MessageEditor.svelte'),
);
export const branchSwitcherPart: LazyComponent<typeof MessageBranchSwitcher> = new LazyComponent(
  () => import('./MessageBranchSwitcher.svelte'),
);
export const dataPart: LazyComponent<typeof DataPart> = new LazyComponent(
  () => import('./DataPart.svelte'),
);
export const activityPart: LazyComponent<typeof MessageActivity> = new LazyComponent(
  () => import('./MessageActivity.svelte'),
);
