import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { freePort, startNode, stop, waitForHttp, type Started } from './processes';

// End to end: the BUILT agent server and the BUILT dashboard (`node build`), driven by Debian's
// Chromium. Turbo builds both before this runs (see turbo.json, `dashboard#test`).

const dashboardDir = resolve(import.meta.dirname, '..');
const agentServerDir = resolve(dashboardDir, '../agent-server');
const screenshotPath = resolve(dashboardDir, 'test-results/chat.png');

const assistantText = '[data-slot=message][data-role=assistant] [data-slot=message-text]';

let agentServer: Started | undefined;
let dashboard: Started | undefined;
let browser: Browser | undefined;
let dashboardUrl = '';

beforeAll(async () => {
  const launchOptions = chromiumLaunchOptions();
  const [agentPort, dashboardPort] = [await freePort(), await freePort()];
  const agentUrl = `http://127.0.0.1:${agentPort}`;
  dashboardUrl = `http://127.0.0.1:${dashboardPort}`;

  agentServer = startNode('agent server', resolve(agentServerDir, 'dist/server.js'), {
    cwd: agentServerDir,
    env: {
      PORT: String(agentPort),
      HOST: '127.0.0.1',
      CORS_ORIGINS: dashboardUrl,
      LOG_LEVEL: 'warn',
      // Always the offline demo model: tests never call a live model (empty counts as unset).
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
    },
  });
  dashboard = startNode('dashboard', resolve(dashboardDir, 'build/index.js'), {
    cwd: dashboardDir,
    env: {
      PORT: String(dashboardPort),
      HOST: '127.0.0.1',
      ORIGIN: dashboardUrl,
      PUBLIC_AGENT_SERVER_URL: agentUrl,
    },
  });
  await Promise.all([
    waitForHttp(agentServer, `${agentUrl}/health`),
    waitForHttp(dashboard, dashboardUrl),
  ]);
  browser = await chromium.launch(launchOptions);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([stop(dashboard), stop(agentServer)]);
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
