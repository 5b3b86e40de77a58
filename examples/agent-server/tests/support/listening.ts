import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the server's `http://127.0.0.1:<port>` once the child process logs that it
 * listens; rejects with everything it printed if it exits first or takes over 30 s. No imports
 * from the server or vitest, so scripts outside the tests (the transcript recorder) can use it.
 */
export function listeningUrl(child: ChildProcess): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve((match[1] as string).replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`server exited:\n${output}`)));
  });
}
