/**
 * The server as a consumer gets it: pack both packages, install them with npm into a fresh
 * folder outside the workspace, type-check and build a short server around a graph of the
 * user's own (an extra state key and a tool), start it, and stream two turns through
 * `svelte-langserve/client`: the tool call and the state key survive into the second turn.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillManifest, freePort, run as runIn } from '../../../scripts/consumer-support.mjs';

const run = (command: string, args: string[], cwd: string) => runIn(command, args, cwd, env);

const packageDir = resolve(import.meta.dirname, '..');
const libraryDir = resolve(packageDir, '../svelte-langserve');
const fixture = join(packageDir, 'tests/consumer-server');
const work = mkdtempSync(join(tmpdir(), 'svelte-langserve-server-consumer-'));
const app = join(work, 'app');
const tarballs: Record<'server' | 'library', string> = { server: '', library: '' };
let server: ChildProcess | undefined;
let serverLog = '';

/** better-sqlite3 compiles from source here: node-gyp needs Node's headers (TOOLCHAIN.md). */
const env = {
  ...process.env,
  ...(!process.env.npm_config_nodedir && existsSync('/usr/include/node')
    ? { npm_config_nodedir: '/usr' }
    : {}),
};

function pack(dir: string): string {
  const before = new Set(readdirSync(work));
  run('pnpm', ['pack', '--pack-destination', work], dir);
  const name = readdirSync(work).find((file) => file.endsWith('.tgz') && !before.has(file));
  if (!name) throw new Error(`pnpm pack wrote no tarball for ${dir}`);
  return join(work, name);
}

beforeAll(() => {
  for (const dir of [packageDir, libraryDir])
    if (!existsSync(join(dir, 'dist/index.js')))
      throw new Error(`Build ${dir} first: pnpm turbo run build`);
  tarballs.server = pack(packageDir);
  tarballs.library = pack(libraryDir);
  cpSync(fixture, app, {
    recursive: true,
    filter: (source) => !source.endsWith('package.json.template'),
  });
  writeFileSync(
    join(app, 'package.json'),
    fillManifest(readFileSync(join(fixture, 'package.json.template'), 'utf8'), {
      SERVER_TARBALL: tarballs.server,
      LIBRARY_TARBALL: tarballs.library,
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
}, 600_000);

afterAll(() => {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed server in a fresh Node app', () => {
  it('ships the build with types and passes publint --strict', () => {
    const files = run('tar', ['-tzf', tarballs.server], work).split('\n').filter(Boolean);
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files.filter((file) => /\/(tests|bench|src)\/|\.test\./.test(file))).toEqual([]);
    for (const tarball of Object.values(tarballs))
      expect(run('npx', ['--no-install', 'publint', '--strict', tarball], packageDir)).toMatch(
        /All good/,
      );
  });

  it("type-checks the user's graph against the published types, with no casts", () => {
    expect(readFileSync(join(app, 'server.ts'), 'utf8')).not.toMatch(
      /\bas\s+(unknown|any|never)\b/,
    );
    run('npm', ['run', 'build', '--silent'], app);
    expect(existsSync(join(app, 'dist/server.js'))).toBe(true);
  }, 120_000);

  it('streams two turns: the tool call and the state key survive into the second', async () => {
    const port = await freePort();
    server = spawn(process.execPath, ['dist/server.js'], {
      cwd: app,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk) => (serverLog += String(chunk)));
    server.stderr?.on('data', (chunk) => (serverLog += String(chunk)));
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const ok = await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      if (attempt === 99) throw new Error(`the server did not start:\n${serverLog}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    let output: string;
    try {
      output = run(process.execPath, ['client.mjs', url], app);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nserver log:\n${serverLog}`, { cause: error });
    }
    const { agents, messages } = JSON.parse(output) as {
      agents: { id: string }[];
      messages: {
        role: string;
        status: string;
        parts: { type: string; [key: string]: unknown }[];
      }[];
    };
    expect(agents.map((agent) => agent.id)).toEqual(['adder']);
    const answers = messages.filter((message) => message.role === 'assistant');
    expect(answers.map((answer) => answer.status)).toEqual(['complete', 'complete']);
    const text = (index: number) =>
      answers[index]!.parts.filter((part) => part.type === 'text')
        .map((part) => part.text)
        .join('');
    const toolCalls = (index: number) =>
      answers[index]!.parts.filter((part) => part.type === 'tool-call');
    // Each turn called the tool once, and the client saw the call with its result.
    const call = (part: Record<string, unknown> | undefined) => ({
      name: part?.name,
      args: JSON.parse(String(part?.argsText)),
      state: part?.state,
      result: part?.result,
    });
    expect(toolCalls(0).map(call)).toEqual([
      { name: 'add', args: { a: 2, b: 0 }, state: 'completed', result: '2' },
    ]);
    expect(toolCalls(1).map(call)).toEqual([
      { name: 'add', args: { a: 2, b: 1 }, state: 'completed', result: '3' },
    ]);
    expect(text(0)).toBe('Turn 1. Tool results so far: 2.');
    // `turns` (a state key of the user's) and the first turn's tool result reached turn two.
    expect(text(1)).toBe('Turn 2. Tool results so far: 2, 3.');
  }, 60_000);
});
