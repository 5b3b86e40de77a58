import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The log levels the server accepts (pino's, plus `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Which model provider answers for the built-in agents. */
export type ProviderName = 'demo' | 'openai';

/** The server's validated configuration. */
export interface AppConfig {
  port: number;
  host: string;
  /** Origins allowed to open a socket or call the HTTP API; `'*'` allows any (development only). */
  corsOrigins: string[] | '*';
  /** `openai` when an API key or a base URL is set, else `demo`. */
  provider: ProviderName;
  openai: {
    apiKey?: string;
    baseURL?: string;
    model: string;
  };
  /** Absolute path of the markdown folder `search_documents` indexes. */
  docsDir: string;
  /** Pause between the demo model's chunks, in ms. */
  demoTokenDelayMs: number;
  /** Shortest time between two coalesced `text-delta` events of one run, in ms. */
  runFlushIntervalMs: number;
  logLevel: LogLevel;
  production: boolean;
}

/** The repository's `docs/` folder (from `src/` or `dist/` of this package). */
export const DEFAULT_DOCS_DIR = fileURLToPath(new URL('../../../docs', import.meta.url));

/** The configuration used when no variable is set. */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/** Thrown by {@link loadConfig}; its message names every bad variable and its value. */
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

const integer = (name: string, min: number, max: number, fallback: number) =>
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

function parseOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.pathname !== '/' || url.search || url.hash || url.username) return null;
    if (value.replace(/\/$/, '') !== url.origin) return null;
    return url.origin;
  } catch {
    return null;
  }
}

const environmentSchema = z.object({
  PORT: integer('PORT', 0, 65_535, 8000),
  HOST: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return '127.0.0.1';
      if (!/^[A-Za-z0-9.:[\]-]+$/.test(value)) {
        context.addIssue({
          code: 'custom',
          message: `HOST=${JSON.stringify(value)}: expected a host name or an IP address`,
        });
        return z.NEVER;
      }
      return value;
    }),
  CORS_ORIGINS: z.string().optional(),
  CORS_ORIGIN: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z
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
          message: `OPENAI_BASE_URL=${JSON.stringify(value)}: expected an http(s) URL such as http://localhost:11434/v1`,
        });
    }),
  OPENAI_MODEL: z.string().optional(),
  DOCS_DIR: z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      if (value.includes('\0') || value.length > 4096)
        context.addIssue({
          code: 'custom',
          message: `DOCS_DIR=${JSON.stringify(value)}: expected a folder path`,
        });
    }),
  DEMO_TOKEN_DELAY_MS: integer('DEMO_TOKEN_DELAY_MS', 0, 10_000, 25),
  RUN_FLUSH_INTERVAL_MS: integer('RUN_FLUSH_INTERVAL_MS', 0, 1000, 16),
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return 'info' as LogLevel;
      const level = value.toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(level)) {
        context.addIssue({
          code: 'custom',
          message: `LOG_LEVEL=${JSON.stringify(value)}: expected one of ${LOG_LEVELS.join(', ')}`,
        });
        return z.NEVER;
      }
      return level as LogLevel;
    }),
  NODE_ENV: z.string().optional(),
});

/**
 * Reads the server's configuration from `env` (usually `process.env`). Pure: it reads nothing
 * else. Empty values count as unset. Throws a {@link ConfigError} naming every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const problems: string[] = [];
  const result = environmentSchema.safeParse(cleaned);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(
        issue.code === 'custom' ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
      );
    }
    throw new ConfigError(problems);
  }
  const values = result.data;
  const production = values.NODE_ENV === 'production';

  let corsOrigins: string[] | '*' = DEFAULT_CORS_ORIGINS;
  const originsName = values.CORS_ORIGINS !== undefined ? 'CORS_ORIGINS' : 'CORS_ORIGIN';
  const originsValue = values.CORS_ORIGINS ?? values.CORS_ORIGIN;
  if (originsValue === '*') {
    if (production)
      problems.push(
        `${originsName}="*": any origin is allowed only in development; list the origins (comma-separated) when NODE_ENV=production`,
      );
    corsOrigins = '*';
  } else if (originsValue !== undefined) {
    corsOrigins = [];
    for (const entry of originsValue
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const origin = parseOrigin(entry);
      if (origin) corsOrigins.push(origin);
      else
        problems.push(
          `${originsName}=${JSON.stringify(originsValue)}: ${JSON.stringify(entry)} is not an origin (expected scheme://host[:port], e.g. http://localhost:5173)`,
        );
    }
    if (corsOrigins.length === 0 && problems.length === 0)
      problems.push(`${originsName}=${JSON.stringify(originsValue)}: no origin given`);
  }
  if (problems.length) throw new ConfigError(problems);

  const openaiConfigured =
    values.OPENAI_API_KEY !== undefined || values.OPENAI_BASE_URL !== undefined;
  const openai: AppConfig['openai'] = { model: values.OPENAI_MODEL ?? 'gpt-4o-mini' };
  if (values.OPENAI_API_KEY !== undefined) openai.apiKey = values.OPENAI_API_KEY;
  if (values.OPENAI_BASE_URL !== undefined) openai.baseURL = values.OPENAI_BASE_URL;

  return {
    port: values.PORT,
    host: values.HOST,
    corsOrigins,
    provider: openaiConfigured ? 'openai' : 'demo',
    openai,
    docsDir: values.DOCS_DIR !== undefined ? path.resolve(values.DOCS_DIR) : DEFAULT_DOCS_DIR,
    demoTokenDelayMs: values.DEMO_TOKEN_DELAY_MS,
    runFlushIntervalMs: values.RUN_FLUSH_INTERVAL_MS,
    logLevel: values.LOG_LEVEL,
    production,
  };
}

/** Whether `origin` may connect under `allowed`. */
export function isOriginAllowed(origin: string, allowed: AppConfig['corsOrigins']): boolean {
  return allowed === '*' || allowed.includes(origin);
}
