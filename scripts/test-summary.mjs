#!/usr/bin/env node
// Sums vitest's "Tests  N passed | M failed (T)" lines in a test log (e.g. turbo's output of
// `pnpm test`) and prints one plain line: `N passed, M failed`. Used by .ci/run.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/test-summary.mjs <log file>');
  process.exit(2);
}

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*[A-Za-z]/g;
let passed = 0;
let failed = 0;
let runs = 0;
let errors = 0;
for (const raw of readFileSync(file, 'utf8').split('\n')) {
  const line = raw.replace(ansi, '');
  // "dashboard:test:       Tests  3 passed (3)" — but not "Test Files  1 passed (1)".
  // "Errors  2 errors": unhandled errors, which fail a run even when every test passed.
  const unhandled = /(?:^|\s)Errors\s+(\d+) errors?\s*$/.exec(line);
  if (unhandled) errors += Number(unhandled[1]);
  const match = /(?:^|\s)Tests\s+(.+?)\s+\(\d+\)\s*$/.exec(line);
  if (!match) continue;
  runs += 1;
  passed += Number(/(\d+) passed/.exec(match[1])?.[1] ?? 0);
  failed += Number(/(\d+) failed/.exec(match[1])?.[1] ?? 0);
}
if (runs === 0) {
  console.log('no vitest summary found');
} else {
  if (errors > 0)
    console.log(`${errors} unhandled error${errors === 1 ? '' : 's'} reported by vitest`);
  console.log(`${passed} passed, ${failed} failed`);
}
