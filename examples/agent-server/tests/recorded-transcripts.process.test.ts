/**
 * The library's stories and browser tests play run transcripts recorded from this server
 * (`packages/svelte-langserve/tests/fixtures/recorded/`). This test records the same prompts
 * again, from `src/server.ts` in its own process, and checks the committed recordings still have
 * the stream's shape: the same event types in the same order, the same fields, the same text,
 * reasoning, tool calls and ending. Not timings, ids, or how many deltas coalescing produced.
 *
 * When it fails because the server's stream changed on purpose, re-record:
 *   pnpm --filter svelte-langserve run record-transcripts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RECORDINGS,
  RECORDINGS_DIR,
  recordTranscripts,
  transcriptShape,
  transcriptText,
  type RecordedRun,
} from './support/transcript-recorder.js';

const committed = (name: string): RecordedRun =>
  JSON.parse(readFileSync(path.join(RECORDINGS_DIR, `${name}.json`), 'utf8')) as RecordedRun;

describe('recorded transcripts match what the server streams now', () => {
  let fresh: Map<string, RecordedRun>;

  beforeAll(async () => {
    fresh = new Map((await recordTranscripts()).map((run) => [run.name, run]));
  }, 120_000);

  it.each(RECORDINGS.map((spec) => spec.name))('%s', (name) => {
    const recorded = committed(name);
    const now = fresh.get(name) as RecordedRun;
    const spec = RECORDINGS.find((candidate) => candidate.name === name);
    expect(recorded.prompt, 'the recording was made from another prompt').toBe(spec?.prompt);
    expect(transcriptShape(now)).toEqual(transcriptShape(recorded));
    expect(now.agent).toEqual(recorded.agent);
    if (recorded.cut) {
      // Cut by a cancel or a timeout: both texts are the start of the same answer.
      const [shorter = '', longer = ''] = [transcriptText(recorded), transcriptText(now)].sort(
        (a, b) => a.length - b.length,
      );
      expect(shorter.length).toBeGreaterThan(0);
      expect(longer.startsWith(shorter)).toBe(true);
    }
  });
});
