import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A child process started by a test, with its output kept for error messages. */
export interface Started {
  name: string;
  child: ChildProcess;
  output: () => string;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Starts `node <script>` in `cwd` with extra environment variables. */
export function startNode(
  name: string,
  script: string,
  options: { cwd: string; env: Record<string, string> },
): Started {
  if (!existsSync(script)) {
    throw new Error(`${name}: ${script} does not exist. Build it first (pnpm turbo run build).`);
  }
  const child = spawn(process.execPath, [script], {
    cwd: options.cwd,
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, child, output: () => output };
}

/** Polls `url` until it answers 2xx; fails early, with the output, if the process exits. */
export async function waitForHttp(
  started: Started,
  url: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(
        `${started.name} exited (${started.child.exitCode ?? started.child.signalCode}) before answering ${url}:\n${started.output()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${started.name} did not answer ${url} within ${timeoutMs} ms (${lastError}):\n${started.output()}`,
  );
}

/** Stops a child: SIGTERM, then SIGKILL if it is still running after `graceMs`. */
export async function stop(started: Started | undefined, graceMs = 5_000): Promise<void> {
  if (!started) return;
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
