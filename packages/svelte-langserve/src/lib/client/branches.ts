import type { ChatMessage, ChatState } from './reducer.js';

/**
 * The key, in {@link ChatState.selection}, of the roots: messages with no parent held (a new
 * conversation's first message, an edited first message, or the oldest page loaded).
 */
export const ROOT_BRANCH = '';

/** Where a message sits among its siblings: `index` is 0-based, `count` ≥ 1. */
export interface SiblingPosition {
  index: number;
  count: number;
  /** The siblings' ids, oldest first (the message's own id included). */
  ids: string[];
}

/**
 * Every message's parent key: its `parentId` when that message is held, else
 * {@link ROOT_BRANCH}.
 *
 * A message without `parentId` is either a root or a message stored before branches existed (a
 * legacy linear list). The rule, kept simple: it follows the previous message in the list,
 * unless it is the first one, or a message from the server with a `parentId` comes before it (then
 * the list is from a server that writes parents, so a missing one means a root). A new root sent
 * right after legacy-only messages is therefore shown after them.
 */
export function messageParents(messages: readonly ChatMessage[]): Map<string, string> {
  const ids = new Set(messages.map((message) => message.id));
  const parents = new Map<string, string>();
  let branched = false;
  let previous: string | undefined;
  for (const message of messages) {
    let parent: string;
    if (message.parentId !== undefined)
      parent = ids.has(message.parentId) ? message.parentId : ROOT_BRANCH;
    else parent = branched || previous === undefined ? ROOT_BRANCH : previous;
    parents.set(message.id, parent);
    if (message.parentId !== undefined && message.delivery === 'sent') branched = true;
    previous = message.id;
  }
  return parents;
}

/**
 * Messages are versions of each other when they have the same parent and the same kind: user
 * messages (edits), or the answers of one agent (regenerations). Answers of different agents
 * to one message are not versions: they were asked for together and are shown together.
 */
function versionGroup(message: ChatMessage): string {
  return message.role === 'user' ? 'user' : `agent:${message.agentId ?? ''}`;
}

/**
 * Every message's version key: its parent key and its {@link versionGroup}. The key of
 * {@link ChatState.selection} entries.
 */
export function versionKeys(messages: readonly ChatMessage[]): Map<string, string> {
  const parents = messageParents(messages);
  const keys = new Map<string, string>();
  for (const message of messages)
    keys.set(message.id, `${parents.get(message.id) ?? ROOT_BRANCH}\u0000${versionGroup(message)}`);
  return keys;
}

/** Each parent key's children, oldest first (the list's order). */
function messageChildren(
  messages: readonly ChatMessage[],
  parents: Map<string, string>,
): Map<string, ChatMessage[]> {
  const children = new Map<string, ChatMessage[]>();
  for (const message of messages) {
    const parent = parents.get(message.id) ?? ROOT_BRANCH;
    const list = children.get(parent);
    if (list) list.push(message);
    else children.set(parent, [message]);
  }
  return children;
}

/**
 * The messages shown: from the roots down, at each step the selected version
 * ({@link ChatState.selection}; the newest when none is selected) of every group of children —
 * one user message, and one answer per agent (answers of several agents to one message show
 * together) — then on from the shown message whose children hold the newest message. Pure.
 */
export function visibleMessages(state: Pick<ChatState, 'messages' | 'selection'>): ChatMessage[] {
  const parents = messageParents(state.messages);
  const children = messageChildren(state.messages, parents);
  const position = new Map(state.messages.map((message, index) => [message.id, index]));
  const path: ChatMessage[] = [];
  const seen = new Set<string>();
  let key = ROOT_BRANCH;
  for (;;) {
    const options = children.get(key);
    if (!options?.length) break;
    const groups = new Map<string, ChatMessage[]>();
    for (const message of options) {
      const group = versionGroup(message);
      const list = groups.get(group);
      if (list) list.push(message);
      else groups.set(group, [message]);
    }
    const shown: ChatMessage[] = [];
    for (const [group, versions] of groups) {
      const selected = state.selection[`${key}\u0000${group}`];
      const chosen = versions.find((message) => message.id === selected) ?? versions.at(-1)!;
      if (!seen.has(chosen.id)) shown.push(chosen);
    }
    if (shown.length === 0) break;
    shown.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
    for (const message of shown) {
      seen.add(message.id);
      path.push(message);
    }
    // Continue from the shown message whose children include the latest one.
    let next: string | undefined;
    let newest = -1;
    for (const message of shown)
      for (const child of children.get(message.id) ?? []) {
        const at = position.get(child.id) ?? -1;
        if (at > newest) {
          newest = at;
          next = message.id;
        }
      }
    if (next === undefined) break;
    key = next;
  }
  return path;
}

/** Every message's place among its versions (same parent, same kind: see above), by id. */
export function siblingPositions(messages: readonly ChatMessage[]): Map<string, SiblingPosition> {
  const keys = versionKeys(messages);
  const groups = new Map<string, string[]>();
  for (const message of messages) {
    const key = keys.get(message.id) as string;
    const list = groups.get(key);
    if (list) list.push(message.id);
    else groups.set(key, [message.id]);
  }
  const positions = new Map<string, SiblingPosition>();
  for (const ids of groups.values())
    ids.forEach((id, index) => positions.set(id, { index, count: ids.length, ids }));
  return positions;
}

/** A message's place among its versions, or null if unknown. */
export function siblingPosition(
  state: Pick<ChatState, 'messages'>,
  messageId: string,
): SiblingPosition | null {
  return siblingPositions(state.messages).get(messageId) ?? null;
}

/** `selection` without a choice for the versions of `messageId`, so that new message shows. */
export function showNewest(
  selection: Readonly<Record<string, string>>,
  messages: readonly ChatMessage[],
  messageId: string,
): Readonly<Record<string, string>> {
  const key = versionKeys(messages).get(messageId);
  if (key === undefined || !(key in selection)) return selection;
  const next = { ...selection };
  delete next[key];
  return next;
}

/**
 * Whether `next` sits where `previous` did in the message tree: same id, parent, kind and
 * delivery (what {@link messageParents} and the version groups read). Its text may differ.
 */
function sameStructure(previous: ChatMessage, next: ChatMessage): boolean {
  return (
    previous === next ||
    (previous.id === next.id &&
      previous.parentId === next.parentId &&
      previous.role === next.role &&
      previous.agentId === next.agentId &&
      previous.delivery === next.delivery)
  );
}

/**
 * {@link visibleMessages} and {@link siblingPositions} for a list that changes a little at a
 * time (a streaming answer: one message replaced per token). The tree is worked out again only
 * when a message is added, removed, moved, re-parented or changes kind or delivery, or when the
 * selection changes; a new text only replaces that message in the shown branch. What did not
 * change keeps its identity: the same positions map, and the same shown array when no message
 * in it changed, so a UI can skip what it already rendered. One instance per list of messages
 * (e.g. per chat store).
 */
export class BranchView {
  #messages: readonly ChatMessage[] = [];
  #positions: Map<string, SiblingPosition> | null = null;
  #selection: Readonly<Record<string, string>> | null = null;
  #shown: ChatMessage[] = [];
  /** Where each message of {@link #shown} is in {@link #messages}. */
  #shownAt: number[] = [];
  /** Bumped whenever the tree changes, so each cached result knows whether it is stale. */
  #structure = 0;
  #shownStructure = -1;
  #positionsStructure = -1;

  /** Takes `messages` as the current list; forgets the tree if its structure changed. */
  #sync(messages: readonly ChatMessage[]): void {
    const previous = this.#messages;
    if (messages === previous) return;
    this.#messages = messages;
    if (messages.length !== previous.length) {
      this.#structure += 1;
      return;
    }
    for (let index = 0; index < messages.length; index += 1)
      if (!sameStructure(previous[index]!, messages[index]!)) {
        this.#structure += 1;
        return;
      }
  }

  /** {@link siblingPositions}`(messages)`: the same map while the tree is unchanged. */
  positions(messages: readonly ChatMessage[]): Map<string, SiblingPosition> {
    this.#sync(messages);
    if (!this.#positions || this.#positionsStructure !== this.#structure) {
      this.#positions = siblingPositions(messages);
      this.#positionsStructure = this.#structure;
    }
    return this.#positions;
  }

  /**
   * {@link visibleMessages}`(state)`: the same array when no message shown changed; a copy with
   * the changed messages replaced when only their content changed.
   */
  visible(state: Pick<ChatState, 'messages' | 'selection'>): ChatMessage[] {
    const { messages, selection } = state;
    this.#sync(messages);
    if (this.#shownStructure !== this.#structure || this.#selection !== selection) {
      const shown = visibleMessages(state);
      const indexes = new Map(messages.map((message, index) => [message, index]));
      this.#shown = shown;
      this.#shownAt = shown.map((message) => indexes.get(message)!);
      this.#shownStructure = this.#structure;
      this.#selection = selection;
      return shown;
    }
    let shown = this.#shown;
    for (let index = 0; index < shown.length; index += 1) {
      const current = messages[this.#shownAt[index]!]!;
      if (current === shown[index]) continue;
      if (shown === this.#shown) shown = shown.slice();
      shown[index] = current;
    }
    this.#shown = shown;
    return shown;
  }
}
