/**
 * The message family's parts, for `import { MessageParts } from 'svelte-langserve'` and
 * `<MessageParts.Root>` (bits-ui's namespace style). Every part reads the message from the
 * context its `Root` sets, so none takes the message or a callback as a prop.
 *
 * @module
 */

/** Sets the message context (from its props, else the provided chat store) and renders `<article>`. */
export { default as Root } from './MessageRoot.svelte';
/** The author of an answer and its "demo" badge (nothing on user messages). */
export { default as Header } from './MessageHeader.svelte';
/** The bubble coloured by role; hidden while the inline editor is open. */
export { default as Bubble } from './MessageBubble.svelte';
/** The message's parts: markdown text, reasoning and tool calls (plain text for user messages). */
export { default as Content } from './MessageContent.svelte';
/** What the run is doing now ("Searching documents…"), while it works. */
export { default as Activity } from './MessageActivity.svelte';
/** What went wrong (a failed answer, a message not sent); nothing otherwise. */
export { default as Error } from './MessageError.svelte';
/** "Stopped", "Interrupted", "Waiting for the connection…", "Sending…". */
export { default as Note } from './MessageNote.svelte';
/** Agent, model, time to first token, tokens/s and usage, from `message.metadata`. */
export { default as Metadata } from './MessageMetadata.svelte';
/** The toolbar holding the actions; shown once the message has settled, not while editing. */
export { default as ActionBar } from './MessageActionBar.svelte';
/** A button with the actions' look, for actions of your own. */
export { default as Button } from './MessageButton.svelte';
/** Copies the message's text. */
export { default as Copy } from './MessageCopy.svelte';
/** Answers again, as a new version (assistant messages). */
export { default as Regenerate } from './MessageRegenerate.svelte';
/** Opens the inline editor (user messages). */
export { default as Edit } from './MessageEdit.svelte';
/** The inline editor: Enter sends a new version, Escape cancels. */
export { default as Editor } from './MessageEditor.svelte';
/** "‹ 2 of 3 ›": switches between versions, when there are several. */
export { default as BranchSwitcher } from './MessageBranchSwitcher.svelte';
/** Thumbs up / down on a completed answer. */
export { default as Feedback } from './MessageFeedback.svelte';
/** The optional note after thumbs down (opened by `Feedback comment`). */
export { default as FeedbackComment } from './MessageFeedbackComment.svelte';
/** One tool call: name, state, arguments and result. */
export { default as ToolCall } from './ToolCall.svelte';
/** One data part (a graph's `config.writer` output): progress as a bar, anything else as JSON. */
export { default as Data } from './DataPart.svelte';
/** One reasoning part, collapsed ("Thought for 3 s"). */
export { default as Reasoning } from './ReasoningPart.svelte';
