/**
 * Summarises a `.cpuprofile` (from `BENCH_CPU_PROF=<dir> pnpm bench`): self time by function
 * (file:line name) and by package, highest first.
 *
 *   pnpm tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';
import { shortUrl } from './env.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});

const packageOf = (url: string) => {
  const short = shortUrl(url);
  if (short === '') return '(native/vm)';
  if (short.startsWith('node:')) return 'node core';
  const parts = short.split('/');
  return short.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? short);
};

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') continue;
  total += us;
  const key = `${shortUrl(url) || '(native)'}:${lineNumber + 1} ${functionName || '(anonymous)'}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const pkg = url ? packageOf(url) : functionName;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}

const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title} (self time, of ${(total / 1000).toFixed(0)} ms busy)`);
  for (const [key, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`,
    );
};
print('By package', byPackage);
print('By function', byFunction);
