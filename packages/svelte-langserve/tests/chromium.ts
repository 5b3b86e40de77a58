import { existsSync } from 'node:fs';

/**
 * Launch options for Debian's Chromium (Playwright cannot download its own browser on the
 * project's machines). `CHROMIUM_PATH` overrides the path.
 */
export function chromiumLaunchOptions() {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) =>
      existsSync(path),
    );
  if (!executablePath) {
    throw new Error(
      'No Chromium found. Install it (Debian: `apt-get install -y chromium`) or set CHROMIUM_PATH.',
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
