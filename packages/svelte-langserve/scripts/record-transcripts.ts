/**
 * Records the run transcripts the stories and browser tests play, from the real agent server:
 *
 *   pnpm --filter svelte-langserve run record-transcripts
 *
 * Starts `examples/agent-server` (its source, through tsx) on the offline demo model, sends
 * each prompt of its `tests/support/transcript-recorder.ts` and writes one JSON file per run to
 * `tests/fixtures/recorded/`: every `run:event` with the delay observed before it. Ids and
 * timestamps are normalised so a re-recording changes little; delays and chunking are real.
 * The library must be built first (the server imports `svelte-langserve/protocol`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import {
  RECORD_COMMAND,
  RECORDING_ENV,
  RECORDINGS_DIR,
  recordTranscripts,
} from '../../../examples/agent-server/tests/support/transcript-recorder.js';

const repository = fileURLToPath(new URL('../../..', import.meta.url));
const serverPackage = JSON.parse(
  readFileSync(path.join(repository, 'examples/agent-server/package.json'), 'utf8'),
) as { name: string; version: string };

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repository, encoding: 'utf8' }).trim();
const [commit = '', commitDate = ''] = git('log', '-1', '--format=%H %cI').split(' ');
const serverSourceModified = git('status', '--porcelain', '--', 'examples/agent-server/src') !== '';

const runs = await recordTranscripts();
mkdirSync(RECORDINGS_DIR, { recursive: true });
for (const run of runs) {
  const file = path.join(RECORDINGS_DIR, `${run.name}.json`);
  const recording = {
    recorded: {
      command: RECORD_COMMAND,
      server: `${serverPackage.name} ${serverPackage.version}`,
      commit,
      commitDate,
      serverSourceModified,
      model: `${run.agent.provider}/${run.agent.model}`,
      env: {
        ...RECORDING_ENV,
        ...(run.cut && 'runTimeoutMs' in run.cut
          ? { RUN_TIMEOUT_MS: String(run.cut.runTimeoutMs) }
          : {}),
      },
      normalised: 'ids, conversation and createdAt; delays are as observed, rounded to 1 ms',
    },
    ...run,
  };
  // Formatted as the repository's prettier formats JSON, so `prettier --check` stays quiet.
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(JSON.stringify(recording), { ...options, filepath: file }));
  const events = run.steps.map((step) => step.payload.type);
  console.log(
    `${path.relative(process.cwd(), file)}: ${events.length} events, ends ${
      run.steps.at(-1)?.payload.type === 'end' ? JSON.stringify(run.steps.at(-1)?.payload) : '?'
    }`.slice(0, 200),
  );
}
