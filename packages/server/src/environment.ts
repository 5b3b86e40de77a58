import { z } from 'zod';

/**
 * Reading configuration from environment variables: the validators the server's own variables
 * use (and an app's, for variables of its own), and the error that names every bad one.
 */

/** Thrown by `loadServerConfig`; its message names every bad variable and its value. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** An optional whole-number variable from `min` to `max`, `fallback` when unset. */
export const envInteger = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (
        !/^\d+$/.test(value.trim()) ||
        !Number.isSafeInteger(parsed) ||
        parsed < min ||
        parsed > max
      ) {
        context.addIssue({
          code: 'custom',
          message: `${name}=${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`,
        });
        return z.NEVER;
      }
      return parsed;
    });

/** An optional http(s) URL variable; `example` shows a valid one in the error. */
export const envHttpUrl = (name: string, example: string) =>
  z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      let valid: boolean;
      try {
        const url = new URL(value);
        valid = url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        valid = false;
      }
      if (!valid)
        context.addIssue({
          code: 'custom',
          message: `${name}=${JSON.stringify(value)}: expected an http(s) URL such as ${example}`,
        });
    });

/** `env` without its empty values (they count as unset), the others trimmed. */
export function cleanEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  return cleaned;
}

/**
 * Parses `env` with `schema` after dropping empty values (they count as unset) and trimming the
 * rest. Throws a {@link ConfigError} naming every bad variable.
 */
export function readEnvironment<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined>,
): z.output<T> {
  const result = schema.safeParse(cleanEnvironment(env));
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((issue) =>
        issue.code === 'custom' ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
      ),
    );
  return result.data;
}
