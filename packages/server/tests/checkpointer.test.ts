import { describe, expect, it } from 'vitest';
import { nextBranchVersion } from '../src/storage/checkpointer.js';

describe('nextBranchVersion (PostgreSQL channel versions, ADR 0029)', () => {
  it('counts on from numbers and from its own strings, and orders like the count', () => {
    const first = nextBranchVersion(undefined);
    expect(first).toMatch(/^0{31}1\.[0-9a-f]{16}$/);
    expect(nextBranchVersion(7)).toMatch(/^0{31}8\./);
    let version = first;
    const versions = [version];
    for (let step = 0; step < 12; step += 1) versions.push((version = nextBranchVersion(version)));
    expect(version).toMatch(/^0{30}13\./);
    // LangGraph compares versions with `>`: 9 → 10 must not sort backwards.
    for (let index = 1; index < versions.length; index += 1)
      expect((versions[index] as string) > (versions[index - 1] as string)).toBe(true);
  });

  it('never mints the same version twice for one count (sibling branches)', () => {
    const current = nextBranchVersion(undefined);
    expect(nextBranchVersion(current)).not.toBe(nextBranchVersion(current));
  });
});
