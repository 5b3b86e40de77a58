/**
 * The library's benchmarks (`pnpm bench`). Each figure is a ratio against a baseline measured in
 * the same run, interleaved, the median of several repetitions:
 *
 * 1. Markdown CPU: the incremental renderer vs parse + sanitize of the whole text per token.
 * 2. Browser main thread while an answer streams into ChatInterface vs a naive renderer.
 * 3. Opening a 1,000-message conversation: MessageList vs a list that mounts everything.
 * 4. Bundle: a chat route vs a hello-world route, gzip of what each loads initially.
 *
 * Targets are reported (MET / MISS), never asserted. It prints a table and writes
 * bench/results.json (git-ignored). Needs the built library (`pnpm build`) and Chromium.
 * Environment: BENCH_MARKDOWN_REPS [5], BENCH_NAIVE_STRIDE [8] (figure 1's baseline measures every
 * n-th token and scales), BENCH_STREAM_REPS [2], BENCH_STREAM_RATE tokens/s [100, the spec's; 500 stresses],
 * BENCH_HISTORY [200], BENCH_OPEN_REPS [5], BENCH_OPEN_COUNT [1000], BENCH_ONLY [markdown,stream,open].
 */
import {
  createReadStream,
  existsSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import tailwindcss from '@tailwindcss/vite';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';

const packageDir = resolve(import.meta.dirname, '..');
const appDir = join(packageDir, 'bench/app');
const outDir = join(packageDir, 'bench/.out');
const dist = join(packageDir, 'dist');

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  markdownReps: env('BENCH_MARKDOWN_REPS', 5),
  naiveStride: env('BENCH_NAIVE_STRIDE', 8),
  // At the spec's 100 tokens/s one stream of the fixture takes ~52 s: 2 repetitions × 4 variants.
  streamReps: env('BENCH_STREAM_REPS', 2),
  streamRate: env('BENCH_STREAM_RATE', 100),
  history: env('BENCH_HISTORY', 200),
  openReps: env('BENCH_OPEN_REPS', 5),
  openCount: env('BENCH_OPEN_COUNT', 1000),
  /** Which browser figures to run (the bundle is always measured). */
  only: (process.env.BENCH_ONLY ?? 'markdown,stream,open').split(','),
};

// ---------------------------------------------------------------------------------------------
// Helpers

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}
const median = (values: number[]) => percentile(values, 50);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const verdict = (ratio: number, target: number, stretch?: number) =>
  ratio <= (stretch ?? -1) ? 'MET (stretch too)' : ratio <= target ? 'MET' : 'MISS';
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Bytes per package (or library folder) rendered into the entry chunk, before minifying. */
type Composition = { name: string; bytes: number }[];

function packageOf(id: string): string {
  const path = id.replace(/\\/g, '/').replace(/\?.*$/, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scope, name] = path.slice(modules + 14).split('/');
    return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  }
  const library = path.indexOf('/svelte-langserve/dist/');
  if (library !== -1) return `svelte-langserve/${path.slice(library + 23).split('/')[0]}`;
  return path.includes('/bench/') ? '(bench app)' : path;
}

/** Builds one bench app entry with Vite, importing the library from dist as a consumer would. */
async function buildApp(name: string, entry: string, options: { composition?: Composition } = {}) {
  const { composition } = options;
  const out = join(outDir, name);
  await build({
    root: appDir,
    configFile: false,
    logLevel: 'warn',
    mode: 'production',
    plugins: [
      tailwindcss(),
      svelte({ configFile: false }),
      {
        name: 'bench-composition',
        generateBundle(_options, bundle) {
          if (!composition) return;
          const bytes = new Map<string, number>();
          for (const chunk of Object.values(bundle))
            if (chunk.type === 'chunk' && chunk.isEntry)
              for (const [id, info] of Object.entries(chunk.modules)) {
                const key = packageOf(id);
                bytes.set(key, (bytes.get(key) ?? 0) + info.renderedLength);
              }
          for (const [key, value] of [...bytes].sort((a, b) => b[1] - a[1]))
            composition.push({ name: key, bytes: value });
        },
      },
    ],
    resolve: {
      alias: [
        { find: /^svelte-langserve$/, replacement: join(dist, 'index.js') },
        { find: /^svelte-langserve\/client$/, replacement: join(dist, 'client/index.js') },
        { find: /^svelte-langserve\/protocol$/, replacement: join(dist, 'protocol/index.js') },
      ],
      dedupe: ['svelte'],
    },
    build: {
      outDir: out,
      emptyOutDir: true,
      manifest: true,
      reportCompressedSize: false,
      rollupOptions: { input: { [name]: join(appDir, entry) } },
    },
  });
  return out;
}

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const gzipBytes = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** The files a route loads before it runs (entry, static imports, their CSS), and the lazy ones. */
function routeFiles(out: string) {
  const manifest = JSON.parse(readFileSync(join(out, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
  const initial = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key]!;
    if (initial.has(chunk.file)) return;
    initial.add(chunk.file);
    for (const css of chunk.css ?? []) initial.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  const lazy = new Set<string>();
  for (const chunk of Object.values(manifest))
    if (!initial.has(chunk.file)) {
      lazy.add(chunk.file);
      for (const css of chunk.css ?? []) if (!initial.has(css)) lazy.add(css);
    }
  const size = (files: Iterable<string>, extension: string) =>
    sum(
      [...files]
        .filter((file) => file.endsWith(extension))
        .map((file) => gzipBytes(join(out, file))),
    );
  // The highlighter: lowlight + highlight.js core in one lazy chunk, one more per language.
  const engine = Object.values(manifest).find((chunk) => chunk.src?.includes('highlight-engine'));
  const languages = (engine?.dynamicImports ?? []).map((key) => manifest[key]!.file);
  const initialText = [...initial].map((file) => readFileSync(join(out, file), 'utf8')).join('');
  // Lazy chunks a chat page loads as soon as it mounts: the markdown engine (MessageList
  // preloads it) and socket.io-client (SocketIoTransport.connect), with their own imports.
  const lazyClosure = (key: string | undefined) => {
    const files = new Set<string>();
    const visit = (next: string) => {
      const chunk = manifest[next]!;
      if (initial.has(chunk.file) || files.has(chunk.file)) return;
      files.add(chunk.file);
      for (const css of chunk.css ?? []) if (!initial.has(css)) files.add(css);
      for (const imported of chunk.imports ?? []) visit(imported);
    };
    if (key) visit(key);
    return files;
  };
  const lazyKeyOf = (pattern: RegExp) =>
    Object.keys(manifest).find((key) => pattern.test(manifest[key]!.src ?? key));
  const markdownKey = lazyKeyOf(/markdown\/engine-modules\.js$/);
  const socketKey = lazyKeyOf(/socket\.io-client\/.*index\.js$/);
  return {
    initial: [...initial],
    js: size(initial, '.js'),
    css: size(initial, '.css'),
    lazyJs: size(lazy, '.js'),
    lazyChunks: lazy.size,
    /** gzip of the lazy chunks a chat page loads on mount: the markdown engine, socket.io. */
    markdownJs: size(lazyClosure(markdownKey), '.js'),
    socketJs: size(lazyClosure(socketKey), '.js'),
    markdownLazy: markdownKey !== undefined && !/DOMPurify|marked/i.test(initialText),
    socketLazy: socketKey !== undefined,
    highlighterEngine: engine ? gzipBytes(join(out, engine.file)) : 0,
    highlighterLanguages: size(languages, '.js'),
    highlighterLanguageCount: languages.length,
    highlighterInInitial: /highlightAuto|registerLanguage\(/.test(initialText),
  };
}

const mime: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** Serves `root` with cross-origin isolation, so performance.now() is precise to ~5 µs. */
function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = join(root, new URL(request.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': mime[extname(path)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    createReadStream(path).pipe(response);
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      done({ server, url: `http://127.0.0.1:${port}/lab.html` });
    }),
  );
}

async function openLab(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('pageerror', (error) => log(`  page error: ${error.message}`));
  await page.goto(url);
  await page.waitForFunction(() => 'bench' in window);
  return page;
}

/** Main-thread CPU (thread ticks) per category, in ms, from the DevTools Performance domain. */
async function mainThread(page: Page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable', { timeDomain: 'threadTicks' });
  return async () => {
    const { metrics } = await session.send('Performance.getMetrics');
    const value = (name: string) =>
      (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
    return {
      script: value('ScriptDuration'),
      task: value('TaskDuration'),
      layout: value('LayoutDuration'),
      style: value('RecalcStyleDuration'),
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Figures

async function markdownFigure(page: Page) {
  const { tokens, length } = await page.evaluate(() => ({
    tokens: window.bench.tokenCount,
    length: window.bench.answerLength,
  }));
  const stride = config.naiveStride;
  log(
    `1. markdown: ${length} characters in ${tokens} tokens, ${config.markdownReps} repetitions` +
      (stride > 1 ? ` (naive: every ${stride}th token measured, total scaled)` : ''),
  );
  const runs = { incremental: [] as number[][], naive: [] as number[][] };
  const run = (kind: 'incremental' | 'naive') =>
    page.evaluate(([which, every]) => window.bench.markdownRun(which, every), [
      kind,
      stride,
    ] as const);
  /** Total ms over every token: measured tokens' sum, scaled up when only some were measured. */
  const total = (times: number[]) => {
    const measured = times.filter((time) => time >= 0);
    return (sum(measured) * times.length) / measured.length;
  };
  // One warm-up of each (JIT), discarded; then alternate which goes first.
  await run('incremental');
  await run('naive');
  for (let rep = 0; rep < config.markdownReps; rep += 1) {
    const order =
      rep % 2 ? (['naive', 'incremental'] as const) : (['incremental', 'naive'] as const);
    for (const kind of order) runs[kind].push(await run(kind));
    const [incremental, naive] = [total(runs.incremental.at(-1)!), total(runs.naive.at(-1)!)];
    log(
      `   rep ${rep + 1}: incremental ${fixed(incremental, 1)} ms, naive ${fixed(naive, 1)} ms, ratio ${fixed(incremental / naive, 4)}`,
    );
  }
  const ratios = runs.incremental.map((times, index) => total(times) / total(runs.naive[index]!));
  // Per-token cost: the median over repetitions of each token, then over a window of tokens.
  const perToken = (kind: 'incremental' | 'naive') =>
    Array.from({ length: tokens }, (_, index) => {
      const values = runs[kind].map((times) => times[index]!).filter((time) => time >= 0);
      return values.length ? median(values) : -1;
    });
  // 50 measured tokens up to each point (the baseline measures every `stride`-th token).
  const windowTokens = 50;
  const measured = (times: number[]) => times.filter((time) => time >= 0);
  const shape = (kind: 'incremental' | 'naive') => {
    const times = perToken(kind);
    const span = windowTokens * (kind === 'naive' ? stride : 1);
    const costAt = (values: number[], fraction: number) => {
      const end = Math.round(tokens * fraction);
      return median(measured(values.slice(Math.max(0, end - span), end)));
    };
    return {
      first10PercentMs: median(measured(times.slice(0, Math.round(tokens / 10)))),
      at25Ms: costAt(times, 0.25),
      at50Ms: costAt(times, 0.5),
      at75Ms: costAt(times, 0.75),
      at100Ms: costAt(times, 1),
      lastTokenMs: times.at(-1)!,
    };
  };
  return {
    characters: length,
    tokens,
    naiveStride: stride,
    incrementalMs: median(runs.incremental.map(total)),
    naiveMs: median(runs.naive.map(total)),
    ratio: median(ratios),
    ratios,
    incremental: shape('incremental'),
    naive: shape('naive'),
    windowTokens,
  };
}

type StreamMode = 'library' | 'unpaced' | 'naive' | 'plain';

async function streamFigure(browser: Browser, url: string) {
  log(
    `2. stream: ${config.streamRate} tokens/s into ChatInterface with ${config.history} earlier messages, ${config.streamReps} repetitions`,
  );
  type Run = Awaited<ReturnType<typeof streamRun>>;
  const runs: Record<StreamMode, Run[]> = { library: [], unpaced: [], naive: [], plain: [] };
  async function streamRun(mode: StreamMode) {
    const page = await openLab(browser, url);
    try {
      await page.evaluate((options) => window.bench.streamSetUp(options), {
        mode,
        rate: config.streamRate,
        history: config.history,
      });
      const read = await mainThread(page);
      const before = await read();
      const result = await page.evaluate(() => window.bench.streamStart());
      const after = await read();
      const expected = await page.evaluate(() => window.bench.expectedAnswer);
      if (result.text !== expected) throw new Error('the streamed answer differs from the fixture');
      const late = result.longTasks.filter((task) => task.startTime >= result.after10k);
      return {
        scriptMs: after.script - before.script,
        taskMs: after.task - before.task,
        layoutMs: after.layout - before.layout,
        styleMs: after.style - before.style,
        elapsedMs: result.elapsedMs,
        longTasksAfter10k: late.length,
        longestAfter10kMs: Math.max(0, ...late.map((task) => task.duration)),
        longTasksTotal: result.longTasks.length,
      };
    } finally {
      await page.close();
    }
  }
  const modes: StreamMode[] = ['library', 'unpaced', 'naive', 'plain'];
  for (let rep = 0; rep < config.streamReps; rep += 1) {
    // Rotate the order so no variant always runs first.
    const order = modes.map((_, index) => modes[(index + rep) % modes.length]!);
    for (const mode of order) runs[mode].push(await streamRun(mode));
    const line = modes.map((mode) => {
      const run = runs[mode].at(-1)!;
      return `${mode} script ${fixed(run.scriptMs, 0)} / task ${fixed(run.taskMs, 0)} ms, ${run.longTasksAfter10k} long`;
    });
    log(`   rep ${rep + 1}: ${line.join('; ')}`);
  }
  const summary = (mode: StreamMode) => {
    const of = (key: keyof Run) => median(runs[mode].map((run) => run[key]));
    return {
      scriptMs: of('scriptMs'),
      taskMs: of('taskMs'),
      layoutMs: of('layoutMs'),
      styleMs: of('styleMs'),
      elapsedMs: of('elapsedMs'),
      longTasksAfter10k: Math.max(...runs[mode].map((run) => run.longTasksAfter10k)),
      longestAfter10kMs: Math.max(...runs[mode].map((run) => run.longestAfter10kMs)),
    };
  };
  const ratio = (key: 'scriptMs' | 'taskMs', mode: StreamMode = 'library') =>
    median(runs[mode].map((run, index) => run[key] / runs.naive[index]![key]));
  // The markdown's own share: each variant minus the plain-text chat of the same repetition.
  const aboveChat = (key: 'scriptMs' | 'taskMs') =>
    median(
      runs.library.map(
        (run, index) =>
          (run[key] - runs.plain[index]![key]) /
          (runs.naive[index]![key] - runs.plain[index]![key]),
      ),
    );
  return {
    rate: config.streamRate,
    history: config.history,
    library: summary('library'),
    naive: summary('naive'),
    plain: summary('plain'),
    /** The library's Message with Markdown's pacing off (renderIntervalMs 0, ADR 0020). */
    unpaced: summary('unpaced'),
    unpacedScriptRatio: ratio('scriptMs', 'unpaced'),
    scriptRatio: ratio('scriptMs'),
    taskRatio: ratio('taskMs'),
    scriptRatioAbovePlain: aboveChat('scriptMs'),
    taskRatioAbovePlain: aboveChat('taskMs'),
    runs,
  };
}

async function openFigure(browser: Browser, url: string) {
  log(`3. open: ${config.openCount} messages, ${config.openReps} repetitions`);
  const page = await openLab(browser, url);
  type Run = { mountedMs: number; totalMs: number; nodes: number; rendered: number };
  const runs: Record<'library' | 'naive', Run[]> = { library: [], naive: [] };
  const once = (naive: boolean) =>
    page.evaluate((options) => window.bench.openRun(options), {
      naive,
      count: config.openCount,
    });
  try {
    await once(false);
    await once(true);
    for (let rep = 0; rep < config.openReps; rep += 1) {
      const order = rep % 2 ? [true, false] : [false, true];
      for (const naive of order) runs[naive ? 'naive' : 'library'].push(await once(naive));
      const [library, naive] = [runs.library.at(-1)!, runs.naive.at(-1)!];
      log(
        `   rep ${rep + 1}: ${fixed(library.totalMs, 0)} vs ${fixed(naive.totalMs, 0)} ms, ` +
          `${library.nodes} vs ${naive.nodes} elements (${library.rendered} vs ${naive.rendered} messages mounted)`,
      );
    }
  } finally {
    await page.close();
  }
  const of = (kind: 'library' | 'naive', key: keyof Run) =>
    median(runs[kind].map((run) => run[key]));
  return {
    count: config.openCount,
    library: {
      totalMs: of('library', 'totalMs'),
      mountedMs: of('library', 'mountedMs'),
      nodes: of('library', 'nodes'),
      rendered: of('library', 'rendered'),
    },
    naive: {
      totalMs: of('naive', 'totalMs'),
      mountedMs: of('naive', 'mountedMs'),
      nodes: of('naive', 'nodes'),
      rendered: of('naive', 'rendered'),
    },
    timeRatio: median(runs.library.map((run, index) => run.totalMs / runs.naive[index]!.totalMs)),
    nodeRatio: of('library', 'nodes') / of('naive', 'nodes'),
    runs,
  };
}

function bundleFigure(
  helloOut: string,
  chatOut: string,
  socketOut: string,
  flowbiteOut: string,
  composition: Composition,
) {
  const hello = routeFiles(helloOut);
  const chat = routeFiles(chatOut);
  const socket = routeFiles(socketOut);
  const flowbite = routeFiles(flowbiteOut);
  const kb = (bytes: number) => bytes / 1024;
  const base = hello.js + hello.css;
  return {
    hello: { jsKb: kb(hello.js), cssKb: kb(hello.css), files: hello.initial },
    chat: {
      jsKb: kb(chat.js),
      cssKb: kb(chat.css),
      files: chat.initial,
      lazyJsKb: kb(chat.lazyJs),
      lazyChunks: chat.lazyChunks,
      markdownJsKb: kb(chat.markdownJs),
    },
    deltaJsKb: kb(chat.js - hello.js),
    deltaCssKb: kb(chat.css - hello.css),
    deltaKb: kb(chat.js + chat.css - base),
    /** The markdown engine is not in the initial chunks. */
    markdownLazy: chat.markdownLazy,
    /** The same route connecting with createChatStore({ url }) (Socket.IO). */
    socketIo: {
      deltaKb: kb(socket.js + socket.css - base),
      mountJsKb: kb(socket.markdownJs + socket.socketJs),
      socketJsKb: kb(socket.socketJs),
      /** Initial chunks plus the lazy ones loaded on mount (markdown, socket.io-client). */
      deltaAtMountKb: kb(socket.js + socket.css + socket.markdownJs + socket.socketJs - base),
      socketLazy: socket.socketLazy,
    },
    /** The chat route with flowbite-svelte's CSS too (its plugin and @source). */
    withFlowbiteCss: { cssKb: kb(flowbite.css), deltaCssKb: kb(flowbite.css - hello.css) },
    highlighterEngineKb: kb(chat.highlighterEngine),
    highlighterLanguagesKb: kb(chat.highlighterLanguages),
    highlighterLanguageCount: chat.highlighterLanguageCount,
    highlighterLazy: !chat.highlighterInInitial && chat.highlighterEngine > 0,
    /** The chat entry chunk by package, as rendered before minifying (not gzip). */
    composition: composition.slice(0, 15).map(({ name, bytes }) => ({ name, kb: kb(bytes) })),
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(join(dist, 'index.js')))
    throw new Error('Build the library first: pnpm --filter svelte-langserve run build');
  const load = loadavg().map((value) => fixed(value));
  log(`svelte-langserve bench — ${cpus().length} CPUs, load average ${load.join(' ')}`);
  rmSync(outDir, { recursive: true, force: true });
  log('building the bench apps (hello, chat, lab) from dist…');
  const helloOut = await buildApp('hello', 'hello.html');
  const composition: Composition = [];
  const chatOut = await buildApp('chat', 'chat.html', { composition });
  const socketOut = await buildApp('chat-socket', 'chat-socket.html');
  const flowbiteOut = await buildApp('chat-flowbite', 'chat-flowbite.html');
  const labOut = await buildApp('lab', 'lab.html');
  const bundle = bundleFigure(helloOut, chatOut, socketOut, flowbiteOut, composition);

  const { server, url } = await serve(labOut);
  const browser = await chromium.launch(chromiumLaunchOptions());
  let markdown, stream, open;
  try {
    const page = await openLab(browser, url);
    if (!(await page.evaluate(() => self.crossOriginIsolated)))
      log('   (not cross-origin isolated: timers are coarse)');
    if (config.only.includes('markdown')) markdown = await markdownFigure(page);
    await page.close();
    if (config.only.includes('open')) open = await openFigure(browser, url);
    if (config.only.includes('stream')) stream = await streamFigure(browser, url);
  } finally {
    await browser.close();
    server.close();
  }

  const loadAfter = loadavg().map((value) => fixed(value));
  const us = (ms: number) => `${fixed(ms * 1000, 1)} µs`;
  const rows: string[][] = [
    ['figure', 'library', 'baseline', 'ratio', 'target', 'result'],
    ...(markdown
      ? [
          [
            '1. markdown parse+sanitize, whole stream',
            `${fixed(markdown.incrementalMs, 1)} ms`,
            `${fixed(markdown.naiveMs, 1)} ms`,
            `${fixed(markdown.ratio, 4)}×`,
            '≤ 0.05× (≤ 0.015×)',
            verdict(markdown.ratio, 0.05, 0.015),
          ],
          [
            '   per token: first 10 % (median)',
            us(markdown.incremental.first10PercentMs),
            us(markdown.naive.first10PercentMs),
            '',
            '',
            '',
          ],
          ...(['at25Ms', 'at50Ms', 'at75Ms', 'at100Ms'] as const).map((key, index) => [
            `   per token at ${(index + 1) * 25} % (median of last ${markdown.windowTokens})`,
            us(markdown.incremental[key]),
            us(markdown.naive[key]),
            `${fixed(markdown.incremental[key] / markdown.incremental.first10PercentMs, 2)}× first 10 %`,
            'flat',
            '',
          ]),
        ]
      : []),
    ...(stream
      ? [
          [
            `2. main-thread script, ${stream.rate} tok/s`,
            `${fixed(stream.library.scriptMs, 0)} ms`,
            `${fixed(stream.naive.scriptMs, 0)} ms`,
            `${fixed(stream.scriptRatio, 3)}×`,
            '≤ 0.1×',
            verdict(stream.scriptRatio, 0.1),
          ],
          [
            '   main-thread tasks (all work)',
            `${fixed(stream.library.taskMs, 0)} ms`,
            `${fixed(stream.naive.taskMs, 0)} ms`,
            `${fixed(stream.taskRatio, 3)}×`,
            '',
            '',
          ],
          [
            '   same, Markdown unpaced (renderIntervalMs 0)',
            `${fixed(stream.unpaced.scriptMs, 0)} ms`,
            '',
            `${fixed(stream.unpacedScriptRatio, 3)}×`,
            '',
            '',
          ],
          [
            '   plain-text chat (no markdown): script / tasks',
            `${fixed(stream.plain.scriptMs, 0)} / ${fixed(stream.plain.taskMs, 0)} ms`,
            '',
            '',
            '',
            '',
          ],
          [
            '   above the plain chat: script / tasks',
            '',
            '',
            `${fixed(stream.scriptRatioAbovePlain, 3)}× / ${fixed(stream.taskRatioAbovePlain, 3)}×`,
            '',
            '',
          ],
          [
            '   long tasks > 50 ms after 10 KB (max)',
            `${stream.library.longTasksAfter10k} (longest ${fixed(stream.library.longestAfter10kMs, 0)} ms)`,
            `${stream.naive.longTasksAfter10k} (longest ${fixed(stream.naive.longestAfter10kMs, 0)} ms)`,
            '',
            '0',
            stream.library.longTasksAfter10k === 0 ? 'MET' : 'MISS',
          ],
        ]
      : []),
    ...(open
      ? [
          [
            `3. open ${open.count} messages: mount → 2 frames`,
            `${fixed(open.library.totalMs, 0)} ms`,
            `${fixed(open.naive.totalMs, 0)} ms`,
            `${fixed(open.timeRatio, 3)}×`,
            '≤ 0.2×',
            verdict(open.timeRatio, 0.2),
          ],
          [
            '   DOM elements',
            `${open.library.nodes}`,
            `${open.naive.nodes}`,
            `${fixed(open.nodeRatio, 3)}×`,
            '≤ 0.2×',
            verdict(open.nodeRatio, 0.2),
          ],
        ]
      : []),
    [
      '4. bundle: chat route − hello route (gzip)',
      `${fixed(bundle.chat.jsKb + bundle.chat.cssKb, 1)} KB`,
      `${fixed(bundle.hello.jsKb + bundle.hello.cssKb, 1)} KB`,
      `Δ ${fixed(bundle.deltaKb, 1)} KB`,
      '≤ 50 KB (≤ 30 KB)',
      bundle.deltaKb <= 30 ? 'MET (stretch too)' : bundle.deltaKb <= 50 ? 'MET' : 'MISS',
    ],
    [
      '   of which JS / CSS',
      `${fixed(bundle.chat.jsKb, 1)} / ${fixed(bundle.chat.cssKb, 1)} KB`,
      `${fixed(bundle.hello.jsKb, 1)} / ${fixed(bundle.hello.cssKb, 1)} KB`,
      `Δ ${fixed(bundle.deltaJsKb, 1)} / ${fixed(bundle.deltaCssKb, 1)} KB`,
      '',
      '',
    ],
    [
      '   lazy, loaded on mount: markdown engine',
      `${fixed(bundle.chat.markdownJsKb, 1)} KB`,
      '',
      `initial + mount Δ ${fixed(bundle.deltaKb + bundle.chat.markdownJsKb, 1)} KB`,
      'lazy',
      bundle.markdownLazy ? 'yes' : 'NO',
    ],
    [
      '   over Socket.IO (url): initial / + on mount',
      `Δ ${fixed(bundle.socketIo.deltaKb, 1)} KB`,
      `+ ${fixed(bundle.socketIo.mountJsKb, 1)} KB (socket.io ${fixed(bundle.socketIo.socketJsKb, 1)})`,
      `initial + mount Δ ${fixed(bundle.socketIo.deltaAtMountKb, 1)} KB`,
      '≤ 50 KB (initial)',
      bundle.socketIo.deltaKb <= 50 ? 'MET' : 'MISS',
    ],
    [
      '   with flowbite-svelte CSS too: Δ CSS',
      `${fixed(bundle.withFlowbiteCss.cssKb, 1)} KB`,
      '',
      `Δ ${fixed(bundle.withFlowbiteCss.deltaCssKb, 1)} KB`,
      '',
      '',
    ],
    [
      `   highlighter (lazy): engine / ${bundle.highlighterLanguageCount} languages`,
      `${fixed(bundle.highlighterEngineKb, 1)} / ${fixed(bundle.highlighterLanguagesKb, 1)} KB`,
      '',
      '',
      'lazy',
      bundle.highlighterLazy ? 'MET' : 'MISS',
    ],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  log('');
  for (const [index, row] of rows.entries()) {
    log(row.map((cell, column) => cell.padEnd(widths[column]!)).join(' │ '));
    if (index === 0) log(widths.map((width) => '─'.repeat(width)).join('─┼─'));
  }
  log(
    `\nchat entry chunk by package (KB of code as rendered into the chunk, before minifying and gzip): ` +
      bundle.composition.map(({ name, kb }) => `${name} ${fixed(kb, 1)}`).join(', '),
  );
  log(`load average before ${load.join(' ')}, after ${loadAfter.join(' ')}`);

  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      node: process.version,
      load,
      loadAfter,
    },
    config,
    markdown,
    stream,
    open,
    bundle,
  };
  writeFileSync(join(packageDir, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  log('wrote bench/results.json');
}

await main();
