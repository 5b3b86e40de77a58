/**
 * The library as a consumer gets it: pack the tarball, install it with npm into a fresh
 * SvelteKit app outside the workspace, type-check that app, build it, and serve a page that
 * renders ChatInterface inside ThemeProvider against the in-memory transport, and a chat composed
 * from the exported message parts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillManifest, freePort, run } from '../../../scripts/consumer-support.mjs';

const packageDir = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'svelte-langserve-consumer-'));
const app = join(work, 'app');
let tarball = '';
let server: ChildProcess | undefined;
let origin = '';

beforeAll(() => {
  if (!existsSync(join(packageDir, 'dist/index.js'))) {
    throw new Error('Build the library first: pnpm --filter svelte-langserve build');
  }
  run('pnpm', ['pack', '--pack-destination', work], packageDir);
  tarball = join(
    work,
    readdirSync(work).find((name) => name.endsWith('.tgz'))!,
  );
  cpSync(join(packageDir, 'tests/consumer-app'), app, {
    recursive: true,
    filter: (source) => !source.endsWith('package.json.template'),
  });
  // The compose-your-own panel is the stories' own file, importing the package by its public
  // name instead of the sources (it must import nothing else: tests/compose-your-own.test.ts).
  mkdirSync(join(app, 'src/lib'), { recursive: true });
  writeFileSync(
    join(app, 'src/lib/AssistantPanel.svelte'),
    readFileSync(join(packageDir, 'stories/support/AssistantPanel.svelte'), 'utf8').replace(
      "from '../../src/lib/index.js';",
      "from 'svelte-langserve';",
    ),
  );
  const manifest = fillManifest(
    readFileSync(join(packageDir, 'tests/consumer-app/package.json.template'), 'utf8'),
    { TARBALL: tarball },
  );
  writeFileSync(join(app, 'package.json'), manifest);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
}, 600_000);

afterAll(() => {
  server?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed library in a fresh SvelteKit app', () => {
  it('ships only the build: no tests, stories or sources of the dev app', () => {
    const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/theme/theme.css');
    expect(
      files.filter((file) => /\.(test|stories)\.|\/tests\/|\/stories\/|src\/routes/.test(file)),
    ).toEqual([]);
  });

  it('type-checks against the published types with no errors or warnings', () => {
    expect(run('npm', ['run', 'check', '--silent'], app)).toMatch(/0 errors and 0 warnings/);
  }, 120_000);

  it('builds and serves ChatInterface inside ThemeProvider', async () => {
    run('npm', ['run', 'build', '--silent'], app);
    const port = await freePort();
    server = spawn(process.execPath, ['build'], {
      cwd: app,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    origin = `http://127.0.0.1:${port}`;
    let html = '';
    for (let attempt = 0; attempt < 100 && !html; attempt += 1) {
      try {
        html = await (await fetch(`${origin}/`)).text();
      } catch {
        await new Promise((wait) => setTimeout(wait, 100));
      }
    }
    expect(html).toContain('data-slot="chat-interface"');
    expect(html).toContain('Consumer chat');
    expect(html).toContain('data-theme="dark"');
    expect(html).toContain('protocol 1, 0 messages');
    // With the README's two lines of CSS, Tailwind saw the chat buttons' flowbite classes (from
    // the library's dist, through theme.css's @source), and theme.css gave the palette a default.
    const assets = join(app, 'build/client/_app/immutable/assets');
    const css = readdirSync(assets)
      .filter((name) => name.endsWith('.css'))
      .map((name) => readFileSync(join(assets, name), 'utf8'))
      .join('\n');
    expect(css).toMatch(/--color-primary-700:\s*var\(--color-blue-700\)/);
    expect(css).toContain('.bg-primary-700');
  }, 180_000);

  it('serves a chat composed from the exported message parts (docs/compose-your-own.md)', async () => {
    expect(origin, 'the previous test starts the server').not.toBe('');
    const html = await (await fetch(`${origin}/assistant`)).text();
    expect(html).toContain('data-slot="assistant-panel"');
    expect(html).toContain('Consumer assistant');
    // Its own bubble and action bar, from the parts, with the store's actions and no switcher.
    expect(html).toContain('data-slot="message-copy"');
    expect(html).toContain('data-slot="message-regenerate"');
    expect(html).toContain('data-slot="message-feedback-down"');
    expect(html).toContain('data-slot="message-edit"');
    expect(html).toContain('aria-label="Answer actions"');
    expect(html).toMatch(/data-slot="message-metadata"[^>]*>[\s\S]*42 tokens\/s/);
    expect(html).not.toContain('data-slot="message-versions"');
    expect(html).not.toContain('data-slot="message-body"');
  }, 60_000);
});
