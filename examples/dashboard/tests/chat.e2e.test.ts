import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dashboardDir, startStack, type Stack } from './stack';

// End to end: the BUILT agent server and the BUILT dashboard (`node build`), driven by Debian's
// Chromium. Turbo builds both before this runs (see turbo.json, `dashboard#test`).

const screenshotPath = resolve(dashboardDir, 'test-results/chat.png');

const assistantText = '[data-slot=message][data-role=assistant] [data-slot=message-text]';

let stack: Stack | undefined;
let browser: Browser | undefined;
let dashboardUrl = '';

beforeAll(async () => {
  stack = await startStack();
  ({ browser, dashboardUrl } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

test('a typed message streams back from the chatbot agent, render by render', async () => {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 760 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(dashboardUrl);
  await page
    .locator('[data-slot=connection-status][data-status=connected]', { hasText: 'Connected' })
    .waitFor({ timeout: 15_000 });

  // Record every distinct text the assistant message shows, as the user would see it.
  await page.evaluate((selector) => {
    const renders: string[] = [];
    (window as unknown as { __renders: string[] }).__renders = renders;
    const record = () => {
      const text = document.querySelector(selector)?.textContent;
      if (text != null && text !== renders.at(-1)) renders.push(text);
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  }, assistantText);

  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Hello! What can you do?');
  await composer.press('Enter');

  await expect
    .poll(() => page.locator('[data-slot=message][data-role=user]').count())
    .toBeGreaterThan(0);
  const finished = page.locator(
    '[data-slot=message][data-role=assistant]:not([data-status=streaming])',
  );
  await finished.waitFor({ timeout: 30_000 });

  const status = await finished.getAttribute('data-status');
  const finalText = (await page.locator(assistantText).textContent()) ?? '';
  const renders = await page.evaluate(
    () => (window as unknown as { __renders: string[] }).__renders,
  );
  const partials = renders.filter((text) => text !== finalText);

  console.info(
    `${partials.length} partial renders before the final text (${finalText.length} characters)`,
  );
  expect(status).toBe('complete');
  expect(finalText.trim().length).toBeGreaterThan(20);
  expect(renders.at(-1)).toBe(finalText);
  // Streaming, not one late paint: several growing partial texts came before the final one.
  expect(partials.filter((text) => text.length > 0).length).toBeGreaterThanOrEqual(3);
  // The text grows as it streams (markdown may shorten it by a few characters when, say, a
  // closing `**` turns literal asterisks into bold), ending well past where it started.
  expect(partials[0]!.length).toBeLessThan(finalText.length / 2);
  // The answer is rendered markdown, not raw source.
  const markup = await page.locator(assistantText).innerHTML();
  expect(markup).toMatch(/<(h[1-6]|strong|pre|li|table)[\s>]/);
  expect(finalText).not.toMatch(/\*\*|```/);
  expect(pageErrors).toEqual([]);

  mkdirSync(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath });
  await page.close();
});

test('all five agents answer one message in parallel, each in its own message', async () => {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(dashboardUrl);
  await page
    .locator('[data-slot=connection-status][data-status=connected]')
    .waitFor({ timeout: 15_000 });

  const options = page.locator('[data-slot=agent-option]');
  await expect.poll(() => options.count()).toBe(5);
  const ids = await options.evaluateAll((buttons) =>
    buttons.map((button) => button.getAttribute('data-agent')),
  );
  expect(ids).toEqual([
    'chatbot',
    'code-assistant',
    'data-analyst',
    'creative-writer',
    'research-assistant',
  ]);
  for (const id of ids) {
    const option = page.locator(`[data-slot=agent-option][data-agent="${id}"]`);
    // Every agent is up, and labelled as the offline demo.
    expect(await option.getAttribute('data-health')).toBe('ready');
    expect(await option.textContent()).toContain('demo');
    await option.click();
    expect(await option.getAttribute('aria-pressed')).toBe('true');
  }

  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Tell me about streaming');
  await composer.press('Enter');

  const answers = page.locator('[data-slot=message][data-role=assistant]');
  await expect.poll(() => answers.count(), { timeout: 15_000 }).toBe(5);
  await expect
    .poll(
      () => page.locator('[data-slot=message][data-role=assistant][data-status=complete]').count(),
      {
        timeout: 60_000,
      },
    )
    .toBe(5);
  const agents = await answers.evaluateAll((messages) =>
    messages.map((message) => message.getAttribute('data-agent')),
  );
  expect([...agents].sort()).toEqual([...ids].sort());
  for (const text of await answers.locator('[data-slot=message-text]').allTextContents())
    expect(text.trim().length).toBeGreaterThan(20);
  expect(pageErrors).toEqual([]);
  await page.screenshot({
    path: resolve(dashboardDir, 'test-results/five-agents.png'),
    fullPage: true,
  });
  await page.close();
});

test('the calculator tool call renders as a tool part with its result', async () => {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(dashboardUrl);
  await page
    .locator('[data-slot=connection-status][data-status=connected]')
    .waitFor({ timeout: 15_000 });
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('What is 12 * (3 + 4)?');
  await composer.press('Enter');

  const tool = page.locator('[data-slot=tool-call][data-tool=calculator]');
  await tool.waitFor({ timeout: 15_000 });
  await page
    .locator('[data-slot=tool-call][data-tool=calculator][data-status=completed]')
    .waitFor({ timeout: 15_000 });
  await page
    .locator('[data-slot=message][data-role=assistant][data-status=complete]')
    .waitFor({ timeout: 30_000 });
  expect(await tool.textContent()).toContain('84');
  expect(await tool.locator('[data-slot=tool-call-args]').textContent()).toContain('12 * (3 + 4)');
  const answer = await page
    .locator('[data-slot=message][data-role=assistant] [data-slot=message-text]')
    .last()
    .textContent();
  expect(answer).toContain('84');
  await page.screenshot({ path: resolve(dashboardDir, 'test-results/calculator.png') });
  await page.close();
});
