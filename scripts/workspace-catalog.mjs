// The exact versions the workspace pins (pnpm-workspace.yaml's `catalog:`), for the consumer
// tests' fresh apps, so what they install matches what CI tests.
import { readFileSync } from 'node:fs';

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
