import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dashboardDir, startStack, type Stack } from './stack';

// Conversations end to end over the BUILT servers: the sidebar, deep links `/c/<id>`, rename,
// delete, and a reload that re-joins a conversation and shows its history.

let stack: Stack | undefined;

beforeAll(async () => {
  stack = await startStack();
  mkdirSync(resolve(dashboardDir, 'test-results'), { recursive: true });
});

afterAll(async () => {
  await stack?.stop();
});

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: resolve(dashboardDir, `test-results/${name}.png`) });

async function connected(page: Page) {
  await page
    .locator('[data-slot=connection-status][data-status=connected]')
    .waitFor({ timeout: 15_000 });
}

/** Sends `text` and waits until every answer to it has finished. */
async function ask(page: Page, text: string) {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
  await page.locator('[data-slot=message][data-role=user]', { hasText: text }).waitFor();
  await page
    .locator('[data-slot=message][data-role=assistant][data-status=complete]')
    .waitFor({ timeout: 30_000 });
}

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Your conversations' });
const sidebarIds = (page: Page) =>
  sidebar(page)
    .locator('[data-slot=conversation-item]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-conversation-id')));
const idFromUrl = (page: Page) => /\/c\/([^/?#]+)$/.exec(page.url())?.[1] ?? '';

test('two conversations in the sidebar, newest first; rename; reload a deep link; delete', async () => {
  const page = await stack!.browser.newPage({ viewport: { width: 1200, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(stack!.dashboardUrl);
  await connected(page);
  await expect
    .poll(() => sidebar(page).getByText('Your conversations appear here').count())
    .toBe(1);

  // The first send creates a conversation and the URL follows, keeping the composer's focus.
  await ask(page, 'Tell me about apples');
  await page.waitForURL(/\/c\/[^/]+$/);
  const first = idFromUrl(page);
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
    'Message',
  );
  await expect.poll(() => sidebarIds(page)).toEqual([first]);

  // "New chat" starts afresh at `/`.
  await sidebar(page).getByRole('link', { name: 'New chat' }).click();
  await page.waitForURL(`${stack!.dashboardUrl}/`);
  await expect.poll(() => page.locator('[data-slot=message]').count()).toBe(0);
  await ask(page, 'And now bananas');
  await page.waitForURL(/\/c\/[^/]+$/);
  const second = idFromUrl(page);
  expect(second).not.toBe(first);
  await expect.poll(() => sidebarIds(page)).toEqual([second, first]);
  expect(
    await sidebar(page)
      .locator(`[data-conversation-id="${second}"] [data-slot=conversation-open]`)
      .getAttribute('aria-current'),
  ).toBe('page');
  await screenshot(page, 'conversations-two');

  // Rename the first one inline.
  const firstItem = sidebar(page).locator(`[data-conversation-id="${first}"]`);
  await firstItem.hover();
  await firstItem.locator('[data-slot=conversation-rename]').click();
  const rename = sidebar(page).getByRole('textbox', { name: 'Rename conversation' });
  await rename.fill('Apples, explained');
  await rename.press('Enter');
  await expect
    .poll(() => firstItem.locator('[data-slot=conversation-title]').textContent())
    .toBe('Apples, explained');

  // Open it from the sidebar: its messages, its title, its URL.
  await firstItem.locator('[data-slot=conversation-open]').click();
  await page.waitForURL(`${stack!.dashboardUrl}/c/${first}`);
  await page.locator('[data-slot=message][data-role=user]', { hasText: 'apples' }).waitFor();
  expect(await page.locator('[data-slot=message]', { hasText: 'bananas' }).count()).toBe(0);

  // A reload of the deep link re-joins it and shows its history.
  await page.reload();
  await connected(page);
  await page
    .locator('[data-slot=message][data-role=user]', { hasText: 'Tell me about apples' })
    .waitFor({ timeout: 15_000 });
  await page
    .locator('[data-slot=message][data-role=assistant][data-status=complete]')
    .waitFor({ timeout: 15_000 });
  await expect
    .poll(() => page.locator('[data-slot=chat-title]').textContent())
    .toBe('Apples, explained');
  await expect.poll(() => sidebarIds(page)).toEqual([first, second]);
  await screenshot(page, 'conversations-reloaded');

  // Delete the other one, with confirmation.
  const secondItem = sidebar(page).locator(`[data-conversation-id="${second}"]`);
  await secondItem.hover();
  await secondItem.locator('[data-slot=conversation-delete]').click();
  await screenshot(page, 'conversations-confirm-delete');
  await secondItem.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect.poll(() => sidebarIds(page)).toEqual([first]);
  expect(idFromUrl(page)).toBe(first);

  // Deleting the open one leads back to a new conversation at `/`.
  await firstItem.hover();
  await firstItem.locator('[data-slot=conversation-delete]').click();
  await firstItem.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.waitForURL(`${stack!.dashboardUrl}/`);
  await expect.poll(() => sidebarIds(page)).toEqual([]);
  await expect.poll(() => page.locator('[data-slot=message]').count()).toBe(0);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('on a narrow screen the sidebar is a drawer', async () => {
  const page = await stack!.browser.newPage({ viewport: { width: 420, height: 800 } });
  await page.goto(stack!.dashboardUrl);
  await connected(page);
  await ask(page, 'Hello from a phone');
  await page.waitForURL(/\/c\/[^/]+$/);
  expect(await sidebar(page).isVisible()).toBe(false);
  await screenshot(page, 'conversations-narrow');
  const toggle = page.getByRole('button', { name: 'Conversations' });
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  await sidebar(page).waitFor({ state: 'visible' });
  await expect.poll(() => sidebarIds(page)).toContain(idFromUrl(page));
  await screenshot(page, 'conversations-narrow-drawer');
  // Picking a conversation closes the drawer.
  await sidebar(page).locator('[data-slot=conversation-open]').first().click();
  await sidebar(page).waitFor({ state: 'hidden' });
  await page.close();
});
