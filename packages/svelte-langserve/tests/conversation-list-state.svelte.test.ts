import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import {
  ConversationListState,
  matchesQuery,
  relativeTime,
} from '../src/lib/components/conversations/index.js';
import type { Conversation } from '../src/lib/protocol/index.js';

const now = Date.UTC(2026, 5, 15, 12, 0, 0);
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('relativeTime', () => {
  it('reads as now, minutes, hours, days and weeks ago, then the date', () => {
    expect(relativeTime(ago(10), now, 'en')).toBe('10 seconds ago');
    expect(relativeTime(ago(0), now, 'en')).toBe('now');
    expect(relativeTime(ago(5 * 60), now, 'en')).toBe('5 minutes ago');
    expect(relativeTime(ago(3 * 3600), now, 'en')).toBe('3 hours ago');
    expect(relativeTime(ago(26 * 3600), now, 'en')).toBe('yesterday');
    expect(relativeTime(ago(15 * 86_400), now, 'en')).toBe('2 weeks ago');
    expect(relativeTime(ago(90 * 86_400), now, 'en')).toBe('Mar 17, 2026');
    expect(relativeTime(ago(5 * 60), now, 'fr')).toBe('il y a 5 minutes');
  });

  it('reads a time ahead of this clock as now, and an invalid one as nothing', () => {
    expect(relativeTime(ago(-3), now, 'en')).toBe('now');
    expect(relativeTime('not a date', now, 'en')).toBe('');
  });
});

describe('matchesQuery', () => {
  it('needs every word, in any order, ignoring case', () => {
    expect(matchesQuery('Why is this SQL query slow?', 'slow sql')).toBe(true);
    expect(matchesQuery('Why is this SQL query slow?', 'sql fast')).toBe(false);
    expect(matchesQuery('Anything', '   ')).toBe(true);
  });
});

const conversation = (id: string, title: string): Conversation => ({
  id,
  title,
  agentIds: ['chatbot'],
  createdAt: ago(60),
  updatedAt: ago(60),
});

describe('ConversationListState', () => {
  function setup() {
    const calls: string[] = [];
    let conversations = $state([conversation('a', 'Apples'), conversation('b', 'Bananas')]);
    const cleanup = $effect.root(() => {});
    const list = new ConversationListState({
      conversations: () => conversations,
      onRename: (id, title) => calls.push(`rename ${id} ${title}`),
      onDelete: (id) => calls.push(`delete ${id}`),
      onLoadMore: async () => {
        calls.push('more');
        conversations = [...conversations, conversation('c', 'Cherries')];
      },
    });
    return { list, calls, cleanup, set: (next: Conversation[]) => (conversations = next) };
  }

  it('filters the loaded titles', () => {
    const { list, cleanup } = setup();
    list.query = 'ban';
    flushSync();
    expect(list.filtered.map((item) => item.id)).toEqual(['b']);
    list.query = '';
    expect(list.filtered).toHaveLength(2);
    cleanup();
  });

  it('renames one item at a time; saves only a new, non-empty, trimmed title', () => {
    const { list, calls, cleanup } = setup();
    list.startRename(conversation('a', 'Apples'));
    expect(list.stateOf('a')).toBe('renaming');
    list.draft = '  Green apples ';
    expect(list.commitRename()).toBe('a');
    expect(calls).toEqual(['rename a Green apples']);
    expect(list.stateOf('a')).toBe('idle');

    list.startRename(conversation('b', 'Bananas'));
    list.draft = '   ';
    list.commitRename();
    list.startRename(conversation('b', 'Bananas'));
    list.commitRename();
    list.startRename(conversation('b', 'Bananas'));
    list.draft = 'Plantains';
    expect(list.cancelRename()).toBe('b');
    expect(calls).toHaveLength(1);
    expect(list.commitRename()).toBeNull();
    cleanup();
  });

  it('deletes only once confirmed; asking to delete ends a rename', () => {
    const { list, calls, cleanup } = setup();
    list.startRename(conversation('a', 'Apples'));
    list.askDelete('a');
    expect(list.editingId).toBeNull();
    expect(list.stateOf('a')).toBe('confirming');
    expect(list.cancelDelete()).toBe('a');
    expect(calls).toEqual([]);
    list.askDelete('b');
    expect(list.confirmDelete()).toBe('b');
    expect(calls).toEqual(['delete b']);
    expect(list.confirmDelete()).toBeNull();
    cleanup();
  });

  it('loads more once at a time', async () => {
    const { list, calls, cleanup } = setup();
    const first = list.loadMore();
    expect(list.loadingMore).toBe(true);
    await Promise.all([first, list.loadMore()]);
    expect(calls).toEqual(['more']);
    expect(list.loadingMore).toBe(false);
    expect(list.filtered.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    cleanup();
  });
});
