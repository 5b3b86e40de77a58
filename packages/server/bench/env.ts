import os from 'node:os';

/**
 * A number from the environment for a bench setting: unset or empty gives `fallback`; anything
 * but a finite number ≥ 0 is refused with the variable's name.
 */
export function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`${name} must be a number ≥ 0`);
  return number;
}

/** A profile frame's URL, short: the package and path (`server/src/…`, `kysely/dist/…`). */
export const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/.*\/packages\/server\//, 'server/')
    .replace(/.*\/packages\/svelte-langserve\//, 'svelte-langserve/');

/** The machine a result was measured on, for the results files. */
export function machineInfo() {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
