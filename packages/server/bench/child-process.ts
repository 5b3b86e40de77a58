/**
 * A bench child process as the orchestrator sees it (`run.ts`, `soak.ts`): forked as
 * `node --import tsx bench/child.ts <mode>`, spoken to over IPC ({@link ParentMessage} /
 * {@link ChildMessage}).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './ipc.js';

/** How long {@link Child.next} waits for a reply unless told otherwise, in ms. */
export const DEFAULT_REPLY_TIMEOUT_MS = 60_000;

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of a {@link Child}. */
export interface ChildOptions {
  /** Added to the parent's environment. */
  env?: Record<string, string>;
  /** Node flags added after `--import tsx` (e.g. `--expose-gc`). */
  execArgv?: string[];
}

/**
 * What a child runs: `server` (the real server), `baseline` (the bench graph drained in-process
 * with its own SQLite checkpointer) or `floor` (the same graph, stateless).
 */
export type ChildMode = 'server' | 'baseline' | 'floor';

export class Child {
  readonly process: ChildProcess;
  readonly #inbox: ChildMessage[] = [];
  #waiter: (() => void) | null = null;
  #failure: Error | null = null;

  constructor(mode: ChildMode, options: ChildOptions = {}) {
    const execArgv = ['--import', import.meta.resolve('tsx'), ...(options.execArgv ?? [])];
    if (process.env.BENCH_CPU_PROF) {
      // One profile per thread (the tsx loader has its own); the main thread's is the largest.
      execArgv.push('--cpu-prof', '--cpu-prof-dir', `${process.env.BENCH_CPU_PROF}/${mode}`);
    }
    this.process = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [mode], {
      execArgv,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (message: ChildMessage) => {
      if (message.type === 'error') this.#failure = new Error(`${mode} child: ${message.message}`);
      else this.#inbox.push(message);
      this.#wake();
    });
    this.process.on('exit', (code) => {
      this.#failure ??= new Error(`${mode} child exited (${code})`);
      this.#wake();
    });
  }

  send(message: ParentMessage): void {
    this.process.send(message);
  }

  /** The next message of type `type` (waits for it). */
  async next<T extends ChildMessage['type']>(
    type: T,
    timeoutMs = DEFAULT_REPLY_TIMEOUT_MS,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#inbox.findIndex((message) => message.type === type);
      if (index !== -1)
        return this.#inbox.splice(index, 1)[0] as Extract<ChildMessage, { type: T }>;
      if (this.#failure) throw this.#failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for "${type}" from a child`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async request<T extends ChildMessage['type']>(
    message: ParentMessage,
    reply: T,
    timeoutMs = DEFAULT_REPLY_TIMEOUT_MS,
  ) {
    this.send(message);
    return this.next(reply, timeoutMs);
  }

  async exit(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.send({ type: 'exit' });
    await Promise.race([exited, wait(10_000)]);
    if (this.process.exitCode === null) this.process.kill();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }
}
