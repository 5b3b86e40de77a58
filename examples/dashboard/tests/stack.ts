import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { freePort, startNode, stop, waitForHttp, type Started } from './processes';

/** The BUILT agent server and the BUILT dashboard (`node build`), with Debian's Chromium. */
export interface Stack {
  dashboardUrl: string;
  browser: Browser;
  stop(): Promise<void>;
}

export const dashboardDir = resolve(import.meta.dirname, '..');
const agentServerDir = resolve(dashboardDir, '../agent-server');

/** Options for {@link startStack}. */
export interface StackOptions {
  /** Shows the dashboard's "Sign in as" prompt (the agent server's development login). */
  devLogin?: boolean;
  /** The agent server's `DATABASE_URL`. Default: an in-memory SQLite database. */
  databaseUrl?: string;
}

/**
 * Starts both servers on free ports and launches Chromium. The agent server runs in development
 * mode (unauthenticated sockets: every tab is the user `anonymous`) over an in-memory SQLite
 * database unless `databaseUrl` names another, always with the offline demo model.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // A free port is only free when asked: a parallel suite can take it before a child listens.
  // Each server must know the other's address before it starts, so a taken port means new ports
  // for both and another try.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startStackOnce(options);
    } catch (error) {
      const taken = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!taken || attempt >= 3) throw error;
    }
  }
}

async function startStackOnce(options: StackOptions): Promise<Stack> {
  const [agentPort, dashboardPort] = [await freePort(), await freePort()];
  const agentUrl = `http://127.0.0.1:${agentPort}`;
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  const started: Started[] = [];
  try {
    started.push(
      startNode('agent server', resolve(agentServerDir, 'dist/server.js'), {
        cwd: agentServerDir,
        env: {
          PORT: String(agentPort),
          HOST: '127.0.0.1',
          CORS_ORIGINS: dashboardUrl,
          LOG_LEVEL: 'warn',
          // The dashboard has no sign-in yet: development mode accepts unauthenticated sockets.
          NODE_ENV: 'development',
          DATABASE_URL: options.databaseUrl ?? 'sqlite::memory:',
          // Always the offline demo model: tests never call a live model (empty counts as unset).
          OPENAI_API_KEY: '',
          OPENAI_BASE_URL: '',
        },
      }),
      startNode('dashboard', resolve(dashboardDir, 'build/index.js'), {
        cwd: dashboardDir,
        env: {
          PORT: String(dashboardPort),
          HOST: '127.0.0.1',
          ORIGIN: dashboardUrl,
          PUBLIC_AGENT_SERVER_URL: agentUrl,
          ...(options.devLogin ? { PUBLIC_DEV_LOGIN: 'true' } : {}),
        },
      }),
    );
    await Promise.all([
      waitForHttp(started[0]!, `${agentUrl}/health`),
      waitForHttp(started[1]!, dashboardUrl),
    ]);
    const browser = await chromium.launch(chromiumLaunchOptions());
    return {
      dashboardUrl,
      browser,
      async stop() {
        await browser.close();
        await Promise.all(started.map((process) => stop(process)));
      },
    };
  } catch (error) {
    await Promise.all(started.map((process) => stop(process)));
    throw error;
  }
}
