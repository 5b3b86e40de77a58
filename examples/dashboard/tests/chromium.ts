import { existsSync } from 'node:fs';
import type { LaunchOptions } from 'playwright-core';

/**
 * Launch options for Debian's Chromium (Playwright cannot download its own browser on the
 * project's machines). `CHROMIUM_PATH` overrides the path.
 */
export function chromiumLaunchOptions(): LaunchOptions {
  const candidates = process.env.CHROMIUM_PATH
    ? [process.env.CHROMIUM_PATH]
    : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const executablePath = candidates.find((path) => existsSync(path));
  if (!executablePath) {
    throw new Error(
      `No Chromium found at ${candidates.join(', ')}. Install it (Debian: \`apt-get install -y chromium\`, or run ./scripts/setup.sh as root) or set CHROMIUM_PATH.`,
    );
  }
  return {
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  };
}
