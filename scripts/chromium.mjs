import { existsSync } from 'node:fs';

/**
 * Launch options for the system's Chromium, shared by the library's browser tests and the
 * dashboard's end-to-end test (Playwright cannot download its own browser on the project's
 * machines). `CHROMIUM_PATH` overrides the path.
 *
 * @returns {{ executablePath: string; args: string[] }}
 */
export function chromiumLaunchOptions() {
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
