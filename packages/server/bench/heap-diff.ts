/**
 * Compares two V8 heap snapshots (`SOAK_HEAP_SNAPSHOTS=dir pnpm bench:soak` writes one per
 * sample): live objects per constructor (or node type) in each, and the growth, largest
 * first. `pnpm tsx bench/heap-diff.ts a.heapsnapshot b.heapsnapshot [rows]`
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size per `type:name` (objects by constructor, closures by function name). */
function tally(file: string): Map<string, { count: number; bytes: number }> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const totals = new Map<string, { count: number; bytes: number }>();
  for (let index = 0; index < data.nodes.length; index += width) {
    const type = types[data.nodes[index + typeAt] ?? 0] ?? '?';
    const name =
      type === 'object' || type === 'closure' || type === 'native'
        ? (data.strings[data.nodes[index + nameAt] ?? 0] ?? '?')
        : '';
    const key = `${type}:${name.slice(0, 60)}`;
    const entry = totals.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += data.nodes[index + sizeAt] ?? 0;
    totals.set(key, entry);
  }
  return totals;
}

const [before, after, rowsArgument] = process.argv.slice(2);
if (!before || !after) throw new Error('usage: heap-diff.ts <before> <after> [rows]');
const a = tally(before);
const b = tally(after);
const rows = [...new Set([...a.keys(), ...b.keys()])]
  .map((key) => {
    const x = a.get(key) ?? { count: 0, bytes: 0 };
    const y = b.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: y.count - x.count, bytes: y.bytes - x.bytes, after: y.count };
  })
  .sort((left, right) => right.bytes - left.bytes)
  .slice(0, Number(rowsArgument ?? 30));
for (const row of rows)
  console.log(
    `${(row.bytes / 1024).toFixed(1).padStart(10)} KB  ${String(row.count).padStart(8)} objects  (${row.after} now)  ${row.key}`,
  );
