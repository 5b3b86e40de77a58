import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshPostgresSchema } from './postgres';
import { dashboardDir, startStack, type Stack } from './stack';

// Two people in one conversation: the BUILT agent server and dashboard, two browser contexts
// (two users, each signed in through the development login), Debian's Chromium. Once with the
// agent server on SQLite, once on PostgreSQL.

const results = resolve(dashboardDir, 'test-results');
const assistant = '[data-slot=message][data-role=assistant]';
const assistantText = `${assistant} [data-slot=message-text]`;

let stack: Stack | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
let postgres: Awaited<ReturnType<typeof freshPostgresSchema>> | undefined;
/** Screenshot names carry the database of the run. */
let dialect = '';

/** A new user's page, signed in as `name`, connected, at `path`. */
async function signedIn(name: string, path: string): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] ${error.message}`));
  await page.goto(`${stack!.dashboardUrl}${path}`);
  const prompt = page.getByRole('form', { name: 'Sign in as' });
  await prompt.waitFor({ timeout: 15_000 });
  if (name === 'alice')
    await page.screenshot({ path: resolve(results, `${dialect}-shared-sign-in.png`) });
  await prompt.getByLabel('Name').fill(name);
  await prompt.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in').filter({ hasText: name }).waitFor();
  await connected(page);
  return page;
}

const connected = (page: Page) =>
  page.locator('[data-slot=connection-status][data-status=connected]').waitFor({ timeout: 15_000 });

/** Sends `text` from `page`'s composer. */
async function send(page: Page, text: string) {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
}

/** The text of the last assistant message once it has finished streaming. */
async function finalAnswer(page: Page, count: number): Promise<string> {
  await expect.poll(() => page.locator(assistant).count(), { timeout: 30_000 }).toBe(count);
  const last = page.locator(assistant).nth(count - 1);
  await expect.poll(() => last.getAttribute('data-status'), { timeout: 30_000 }).toBe('complete');
  return (
    (await page
      .locator(assistantText)
      .nth(count - 1)
      .textContent()) ?? ''
  );
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (database) => {
  beforeAll(async () => {
    mkdirSync(results, { recursive: true });
    dialect = database;
    postgres = database === 'postgres' ? await freshPostgresSchema() : undefined;
    stack = await startStack({
      devLogin: true,
      ...(postgres ? { databaseUrl: postgres.url } : {}),
    });
    browser = stack.browser;
  });

  afterAll(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await stack?.stop();
    await postgres?.drop();
    postgres = undefined;
  });

  test('two signed-in users share a conversation: messages, answers, typing, a reload mid-stream', async () => {
    const alice = await signedIn('alice', '/');

    // Alice starts a conversation; its first send gives it a URL.
    await send(alice, 'Hello from Alice');
    await alice.waitForURL(/\/c\/[^/]+$/, { timeout: 15_000 });
    const id = new URL(alice.url()).pathname.split('/').at(-1)!;
    const first = await finalAnswer(alice, 1);
    expect(first.trim().length).toBeGreaterThan(0);

    // She invites Bob by user id.
    await alice.getByRole('button', { name: 'Invite' }).click();
    await alice.getByLabel('User id to invite').fill('dev:bob');
    await alice.getByRole('button', { name: 'Send invite' }).click();
    await alice.getByRole('status').filter({ hasText: 'Invited dev:bob.' }).waitFor();

    // Bob opens the conversation and sees its history.
    const bob = await signedIn('bob', `/c/${id}`);
    await bob
      .locator('[data-slot=message][data-role=user]', { hasText: 'Hello from Alice' })
      .waitFor({ timeout: 15_000 });
    expect(await finalAnswer(bob, 1)).toBe(first);

    // Each sees the other online in the header.
    await alice
      .locator('[data-slot=presence-member][data-status=online]', { hasText: 'bob, online' })
      .waitFor({ timeout: 10_000 });
    await bob
      .locator('[data-slot=presence-member][data-status=online]', { hasText: 'alice, online' })
      .waitFor({ timeout: 10_000 });

    // Bob writes; both see his message and the agent's streamed answer.
    await send(bob, 'And hello from Bob');
    await alice
      .locator('[data-slot=message][data-role=user]', { hasText: 'And hello from Bob' })
      .waitFor({ timeout: 15_000 });
    const second = await finalAnswer(bob, 2);
    expect(await finalAnswer(alice, 2)).toBe(second);

    // Alice types (without sending): Bob sees it.
    const aliceComposer = alice.getByRole('textbox', { name: 'Message' });
    await aliceComposer.click();
    await aliceComposer.pressSequentially('Let me think', { delay: 60 });
    const typing = bob.locator('[data-slot=typing-indicator][data-state=typing]');
    await typing.waitFor({ timeout: 10_000 });
    await expect.poll(() => typing.textContent()).toContain('alice is typing…');
    await expect.poll(() => typing.getAttribute('aria-live')).toBe('polite');
    await bob.screenshot({ path: resolve(results, `${dialect}-shared-bob-typing.png`) });
    // Sending stops it.
    await aliceComposer.fill('');

    // A reload in the middle of a stream keeps the answer streaming to the end, with the same text.
    await send(alice, 'Please tell me a longer story about two friends');
    const streaming = bob.locator(`${assistant}[data-status=streaming]`);
    await streaming.waitFor({ timeout: 15_000 });
    await bob.reload();
    await connected(bob);
    const aliceFinal = await finalAnswer(alice, 3);
    const bobFinal = await finalAnswer(bob, 3);
    expect(bobFinal).toBe(aliceFinal);
    expect(aliceFinal.trim().length).toBeGreaterThan(20);
    // Still signed in as Bob after the reload (sessionStorage), without a prompt.
    await expect.poll(() => bob.getByTestId('signed-in').textContent()).toBe('bob');
    await expect.poll(() => bob.getByRole('form', { name: 'Sign in as' }).count()).toBe(0);
    await expect
      .poll(() => bob.locator('[data-slot=typing-indicator][data-state=typing]').count(), {
        timeout: 10_000,
      })
      .toBe(0);

    // On PostgreSQL, the conversation really is in the schema: 3 questions and 3 answers.
    if (postgres) expect(await postgres.count('messages')).toBe(6);
    await alice.screenshot({ path: resolve(results, `${dialect}-shared-alice.png`) });
    await bob.screenshot({ path: resolve(results, `${dialect}-shared-bob.png`) });
  });
});
