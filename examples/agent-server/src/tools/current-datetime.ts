import { tool } from '@langchain/core/tools';
import { z } from 'zod';

/** The current date and time in one time zone. */
export interface DateTimeReport {
  /** The instant in UTC, ISO-8601. */
  iso: string;
  timeZone: string;
  /** Wall-clock time in `timeZone`, `YYYY-MM-DD HH:mm:ss`. */
  local: string;
  /** A readable form, e.g. "Saturday, November 21, 2026 at 7:24:11 PM GMT+1". */
  formatted: string;
}

/** `now` in `timeZone` (an IANA name such as `Europe/Paris`, or `UTC`). Throws on an unknown zone. */
export function describeDateTime(now: Date, timeZone = 'UTC'): DateTimeReport {
  let local: string;
  let formatted: string;
  try {
    local = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(now);
    formatted = new Intl.DateTimeFormat('en-US', {
      timeZone,
      dateStyle: 'full',
      timeStyle: 'long',
    }).format(now);
  } catch {
    throw new Error(
      `Unknown time zone "${timeZone}": use an IANA name such as "Europe/Paris" or "UTC".`,
    );
  }
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  return { iso: now.toISOString(), timeZone: resolved, local, formatted };
}

/** Builds the `current_datetime` tool; `now` is injectable for tests. */
export function createCurrentDatetimeTool(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return tool(({ timeZone }) => JSON.stringify(describeDateTime(now(), timeZone ?? 'UTC')), {
    name: 'current_datetime',
    description:
      'The current date and time, in UTC (ISO-8601) and in a given IANA time zone ' +
      '(default UTC).',
    schema: z.object({
      timeZone: z
        .string()
        .max(64)
        .optional()
        .describe('An IANA time zone such as "Europe/Paris" or "America/New_York".'),
    }),
  });
}
