#!/usr/bin/env node
// `pnpm start`: builds the agent server and the dashboard, starts both, prints their URLs, and
// stops both on Ctrl+C / SIGTERM or as soon as either exits.
//
// Environment (all optional):
//   AGENT_SERVER_PORT   agent server port (default 8000)
//   DASHBOARD_PORT      dashboard port (default 5173)
//   PUBLIC_AGENT_SERVER_URL, CORS_ORIGINS, OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, ...
//                       are passed through to the processes that read them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const agentServerDir = join(root, 'examples/agent-server');
const dashboardDir = join(root, 'examples/dashboard');

function port(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 65535) {
    fail(`${name}=${JSON.stringify(value)}: expected a port number from 1 to 65535`);
  }
  return parsed;
}

function fail(message) {
  console.error(`[start] ${message}`);
  process.exit(1);
}

function portIsFree(number) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(number, '127.0.0.1', () => server.close(() => done(true)));
  });
}

const agentPort = port('AGENT_SERVER_PORT', 8000);
const dashboardPort = port('DASHBOARD_PORT', 5173);
const agentUrl = `http://localhost:${agentPort}`;
const dashboardUrl = `http://localhost:${dashboardPort}`;

for (const [name, number, variable] of [
  ['agent server', agentPort, 'AGENT_SERVER_PORT'],
  ['dashboard', dashboardPort, 'DASHBOARD_PORT'],
]) {
  if (!(await portIsFree(number))) {
    fail(`port ${number} (${name}) is already in use. Stop what uses it, or set ${variable}.`);
  }
}

// 1. Build (turbo caches: a second start skips what did not change).
const turbo = join(root, 'node_modules/.bin/turbo');
if (!existsSync(turbo)) fail('dependencies are not installed: run ./scripts/setup.sh first.');
console.log('[start] building the agent server and the dashboard…');
const build = spawnSync(
  turbo,
  [
    'run',
    'build',
    '--filter',
    'agent-server',
    '--filter',
    'dashboard',
    '--output-logs',
    'errors-only',
  ],
  { cwd: root, stdio: 'inherit', env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env } },
);
if (build.status !== 0) fail(`the build failed (exit ${build.status ?? build.signal}).`);

// 2. Start both, their output prefixed with their name.
const children = [];
let stopping = false;

function start(name, script, cwd, env) {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines)
        (stream === child.stderr ? process.stderr : process.stdout).write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${code ?? signal}); stopping.`);
      shutdown(code === 0 ? 1 : (code ?? 1));
    }
  });
  children.push(child);
  return child;
}

function shutdown(exitCode) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of running) child.kill('SIGKILL');
  }, 5000);
  force.unref();
  Promise.all(running.map((child) => new Promise((done) => child.once('exit', done)))).then(() =>
    process.exit(exitCode),
  );
}

// Stopping on request is a normal end (no "command failed" noise from pnpm).
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const dashboardOrigins = [dashboardUrl, `http://127.0.0.1:${dashboardPort}`].join(',');
start('agent-server', 'dist/server.js', agentServerDir, {
  PORT: String(agentPort),
  // Let the dashboard's page open a socket (the server checks the Origin header).
  ...(process.env.CORS_ORIGINS || process.env.CORS_ORIGIN
    ? {}
    : { CORS_ORIGINS: dashboardOrigins }),
});
start('dashboard', 'build/index.js', dashboardDir, {
  PORT: String(dashboardPort),
  HOST: process.env.DASHBOARD_HOST || '127.0.0.1',
  ORIGIN: process.env.ORIGIN || dashboardUrl,
  PUBLIC_AGENT_SERVER_URL: process.env.PUBLIC_AGENT_SERVER_URL || agentUrl,
});

// 3. Wait until both answer, then say where they are.
async function answers(url) {
  const deadline = Date.now() + 30_000;
  while (!stopping && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return false;
}

const [agentUp, dashboardUp] = await Promise.all([
  answers(`${agentUrl}/health`),
  answers(dashboardUrl),
]);
if (stopping) {
  // A child died while starting; shutdown() is already on its way.
} else if (!agentUp || !dashboardUp) {
  console.error(
    `[start] ${!agentUp ? 'the agent server' : 'the dashboard'} did not answer within 30 s; stopping.`,
  );
  shutdown(1);
} else {
  console.log(
    [
      '',
      '  svelte-langserve is running',
      `  Dashboard     ${dashboardUrl}`,
      `  Agent server  ${agentUrl}   (health: ${agentUrl}/health)`,
      '',
      '  Press Ctrl+C to stop both.',
      '',
    ].join('\n'),
  );
}
