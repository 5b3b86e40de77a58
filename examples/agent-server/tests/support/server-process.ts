import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE } from './harness.js';
import { freshPostgresSchema } from './postgres.js';
import { listeningUrl } from './listening.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The agent server running as its own process (`node --import tsx src/server.ts`). */
export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Kills it (SIGKILL) if still running and removes its temporary database (folder or schema). */
  dispose(): Promise<void>;
}

/**
 * Starts `src/server.ts` in its own process on a free port, with its own database unless `env`
 * sets `DATABASE_URL`: a SQLite file in a temporary folder, or with `TEST_DATABASE=postgres` a
 * fresh PostgreSQL schema. Resolves once it listens.
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const folder = mkdtempSync(path.join(tmpdir(), 'agent-server-process-'));
  const postgres =
    env.DATABASE_URL === undefined && TEST_DATABASE === 'postgres'
      ? await freshPostgresSchema()
      : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: postgres?.url ?? `sqlite:${path.join(folder, 'agent-server.sqlite')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
    await postgres?.drop();
  };
  try {
    const url = await listeningUrl(child);
    return { child, url, exited, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
