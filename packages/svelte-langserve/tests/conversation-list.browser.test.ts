import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import '../stories/stories.css';
import ConversationListHarness from '../stories/support/ConversationListHarness.svelte';
import ThemedConversationList from '../stories/support/ThemedConversationList.svelte';
import {
  manyConversations,
  rightToLeftConversations,
  someConversations,
} from '../stories/support/conversations.js';
import type { Conversation } from '../src/lib/protocol/index.js';

async function mount(all: Conversation[] = someConversations(), extra: object = {}) {
  const actions: string[] = [];
  const screen = await render(ConversationListHarness, {
    all,
    activeId: 'sql',
    onAction: (action: string) => actions.push(action),
    ...extra,
  });
  return { screen, actions };
}

const titles = () =>
  [...document.querySelectorAll('[data-slot="conversation-title"]')].map(
    (element) => element.textContent,
  );
const focusedSlot = () => (document.activeElement as HTMLElement | null)?.dataset.slot;

describe('ConversationList (real Chromium)', () => {
  it('renames inline: Enter saves, Escape cancels, focus comes back to the item', async () => {
    const { actions } = await mount();
    await page.getByRole('button', { name: 'Rename “A haiku about autumn”' }).click();
    const input = page.getByRole('textbox', { name: 'Rename conversation' });
    await expect.element(input).toHaveFocus();
    await userEvent.clear(input);
    await userEvent.type(input, '  Autumn haiku  {Enter}');
    expect(actions).toEqual(['rename poem Autumn haiku']);
    await expect.poll(titles).toContain('Autumn haiku');
    expect(focusedSlot()).toBe('conversation-open');
    expect(document.activeElement?.textContent).toContain('Autumn haiku');

    await page.getByRole('button', { name: 'Rename “Autumn haiku”' }).click();
    await userEvent.type(page.getByRole('textbox', { name: 'Rename conversation' }), ' x{Escape}');
    await expect.poll(titles).toContain('Autumn haiku');
    expect(actions).toHaveLength(1);
    expect(document.activeElement?.textContent).toContain('Autumn haiku');

    // An empty or unchanged title saves nothing.
    await page.getByRole('button', { name: 'Rename “Autumn haiku”' }).click();
    await userEvent.clear(page.getByRole('textbox', { name: 'Rename conversation' }));
    await userEvent.keyboard('{Enter}');
    expect(actions).toHaveLength(1);
    await expect.poll(titles).toContain('Autumn haiku');
  });

  it('deletes only after confirmation; Cancel and Escape keep the conversation', async () => {
    const { actions } = await mount();
    await page.getByRole('button', { name: 'Delete “Planning a trip to Lisbon”' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm deletion' });
    await expect.element(confirm).toHaveTextContent('Delete “Planning a trip to Lisbon”?');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(actions).toEqual([]);
    await expect.element(confirm).not.toBeInTheDocument();

    await page.getByRole('button', { name: 'Delete “Planning a trip to Lisbon”' }).click();
    // The confirming Delete button has focus: Escape cancels.
    await expect.element(confirm.getByRole('button', { name: 'Delete' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await expect.element(confirm).not.toBeInTheDocument();
    expect(actions).toEqual([]);

    await page.getByRole('button', { name: 'Delete “Planning a trip to Lisbon”' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    expect(actions).toEqual(['delete trip']);
    await expect.poll(titles).not.toContain('Planning a trip to Lisbon');
    // Focus moved to the neighbouring item.
    expect(document.activeElement?.textContent).toContain('Why is this SQL query slow?');
  });

  it('searches the loaded titles, every word, ignoring case', async () => {
    await mount();
    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    await userEvent.type(search, 'SQL slow');
    await expect.poll(titles).toEqual(['Why is this SQL query slow?']);
    await userEvent.clear(search);
    await userEvent.type(search, 'nothing like this');
    await expect.element(page.getByText(/^No loaded conversation matches/)).toBeVisible();
    await userEvent.clear(search);
    await expect.poll(() => titles().length).toBe(5);
  });

  it('is usable from the keyboard: arrows, Home/End, Enter, F2 and Delete', async () => {
    const { actions } = await mount();
    await userEvent.click(page.getByRole('searchbox'));
    await userEvent.tab();
    expect(document.activeElement?.textContent).toContain('Planning a trip');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement?.textContent).toContain('A haiku about autumn');
    await userEvent.keyboard('{End}');
    expect(document.activeElement?.textContent).toContain('Thesis outline');
    await userEvent.keyboard('{Home}{ArrowUp}');
    expect(document.activeElement?.textContent).toContain('Planning a trip');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(actions).toEqual(['open sql']);
    await expect
      .element(page.getByRole('button', { name: /^Why is this SQL/ }))
      .toHaveAttribute('aria-current', 'true');

    await userEvent.keyboard('{F2}');
    await expect
      .element(page.getByRole('textbox', { name: 'Rename conversation' }))
      .toHaveValue('Why is this SQL query slow?');
    await userEvent.keyboard('{Escape}');
    await userEvent.keyboard('{Delete}');
    await expect.element(page.getByRole('group', { name: 'Confirm deletion' })).toBeVisible();
    await userEvent.keyboard('{Enter}');
    expect(actions).toEqual(['open sql', 'delete sql']);
  });

  it('loads more pages and stops offering more at the end', async () => {
    await mount(manyConversations(25), { pageSize: 10 });
    const more = page.getByRole('button', { name: 'Load more' });
    await more.click();
    await expect.poll(() => titles().length).toBe(20);
    await more.click();
    await expect.poll(() => titles().length).toBe(25);
    await expect.element(more).not.toBeInTheDocument();
  });

  it('screenshots: light, dark, right to left', async () => {
    for (const [mode, dir, all] of [
      ['light', 'ltr', someConversations()],
      ['dark', 'ltr', someConversations()],
      ['light', 'rtl', rightToLeftConversations()],
    ] as const) {
      const screen = await render(ThemedConversationList, { mode, dir, all, activeId: all[1]!.id });
      await expect.poll(() => titles().length).toBeGreaterThan(0);
      if (mode === 'light' && dir === 'ltr') {
        await page.getByRole('button', { name: 'Delete “A haiku about autumn”' }).click();
      }
      await page.screenshot({ path: `../test-results/conversation-list-${mode}-${dir}.png` });
      await screen.unmount();
    }
    expect(true).toBe(true);
  });
});
