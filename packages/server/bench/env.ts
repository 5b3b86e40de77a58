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
