// What the consumer tests (a package packed and installed with npm into a fresh app outside the
// workspace) share: the versions the workspace pins (pnpm-workspace.yaml's `catalog:`, so what
// they install matches what CI tests), running a command, and a free port.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** @returns {Record<string, string>} package name → pinned version */
export function workspaceCatalog() {
  const file = new URL('../pnpm-workspace.yaml', import.meta.url);
  const entries = {};
  let inCatalog = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^catalog:\s*$/.test(line)) inCatalog = true;
    else if (/^\S/.test(line)) inCatalog = false;
    else if (inCatalog) {
      const match = /^\s+'?([^':]+)'?:\s*(\S+)\s*$/.exec(line);
      if (match) entries[match[1]] = match[2];
    }
  }
  return entries;
}

/**
 * Fills a consumer manifest template: `__VERSION:<name>__` with the catalog's version and
 * `__<KEY>__` with `values[KEY]`. Throws on a name the catalog lacks.
 * @param {string} template
 * @param {Record<string, string>} [values]
 */
export function fillManifest(template, values = {}) {
  const versions = workspaceCatalog();
  return template
    .replace(/__VERSION:([^_]+)__/g, (_, name) => {
      const version = versions[name];
      if (!version) throw new Error(`${name} is not in the pnpm catalog`);
      return version;
    })
    .replace(/__([A-Z_]+)__/g, (whole, key) => values[key] ?? whole);
}

/**
 * Runs `command` in `cwd` and returns its output; on failure, throws with its output.
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @param {NodeJS.ProcessEnv} [env]
 */
export function run(command, args, cwd, env = process.env) {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...env, npm_config_fund: 'false', npm_config_audit: 'false' },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error;
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, {
      cause: error,
    });
  }
}

/** A TCP port free on 127.0.0.1 right now. @returns {Promise<number>} */
export function freePort() {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => done(port));
    });
  });
}
