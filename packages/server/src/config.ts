import path from 'node:path';
import { MAX_MESSAGE_LENGTH } from 'svelte-langserve/protocol';
import { z } from 'zod';
import { ConfigError, envInteger, readEnvironment } from './environment.js';

export {
  cleanEnvironment,
  ConfigError,
  envHttpUrl,
  envInteger,
  readEnvironment,
} from './environment.js';

/** The log levels the server accepts (pino's, plus `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The server's validated configuration (see {@link loadServerConfig}). */
export interface ServerConfig {
  port: number;
  host: string;
  /** Origins allowed to open a socket or call the HTTP API; `'*'` allows any (development only). */
  corsOrigins: string[] | '*';
  /** A run that has not ended after this long fails (its model call is aborted), in ms. */
  runTimeoutMs: number;
  /** A model stream silent for this long is abandoned (retried if nothing was shown), in ms. */
  modelIdleTimeoutMs: number;
  /** Model calls per run when they fail before the first token (1 = no retry). */
  modelMaxAttempts: number;
  /** First retry delay; doubles per attempt (with jitter) unless the provider sends Retry-After. */
  retryBaseDelayMs: number;
  /** On shutdown, how long running runs may finish before they are interrupted, in ms. */
  shutdownGraceMs: number;
  /** Where conversations live: a SQLite file (default), PostgreSQL, or memory (tests). */
  database: DatabaseConfig;
  /**
   * PostgreSQL (shared by instances): how often this instance records that it is alive and
   * looks for runs that dead instances left running, in ms.
   */
  instanceHeartbeatMs: number;
  /** PostgreSQL: an instance silent this long is gone; its running runs become interrupted. */
  instanceLeaseMs: number;
  /**
   * Redis (`redis://…`): connects the instances' Socket.IO servers (rooms, and runs live on
   * another instance). Unset: one instance.
   */
  redisUrl?: string;
  /** The Redis stream the instances share (one per deployment). */
  redisStream: string;
  /** Who may connect: JWT verification settings and the development login. */
  auth: AuthConfig;
  /** Limits per socket and per user; each refusal names its limit. */
  limits: LimitsConfig;
  /** Shortest time between two coalesced `text-delta` events of one run, in ms. */
  runFlushIntervalMs: number;
  logLevel: LogLevel;
  production: boolean;
}

/** Where conversations live. */
export type DatabaseConfig =
  | { dialect: 'sqlite'; file: string }
  | {
      dialect: 'postgres';
      url: string;
      /** Tables live in this schema instead of the URL's default (tests: one per server). */
      schema?: string;
    }
  | { dialect: 'memory' };

/** JWT verification and the development login. */
export interface AuthConfig {
  /** Shared secret for HS256/384/512 tokens (at least 32 characters). */
  secret?: string;
  /** PEM public key (SPKI) for RS256/ES256/EdDSA tokens. */
  publicKey?: string;
  /** The only algorithms a token may use (pinned; `none` is never accepted). */
  algorithms: string[];
  issuer?: string;
  audience?: string;
  /** `POST /auth/dev-login` mints tokens for a chosen name. Never in production. */
  devLogin: boolean;
  /** Lifetime of tokens the server mints (dev login, refresh), in seconds. */
  tokenTtlSeconds: number;
}

/** Limits; every refusal is a typed error naming the limit. */
export interface LimitsConfig {
  /** Sustained requests per second per socket (token bucket). */
  eventsPerSecond: number;
  /** Requests a socket may burst above the sustained rate. */
  eventBurst: number;
  /** Runs one user may have streaming at once. */
  concurrentRunsPerUser: number;
  /** Largest Socket.IO message accepted, in bytes. */
  maxPayloadBytes: number;
  /** Longest message text, in characters (at most the protocol's MAX_MESSAGE_LENGTH). */
  maxMessageLength: number;
}

/**
 * How long a run's text deltas are coalesced by default, in ms (ADR 0032): the first delta goes
 * out at once; later ones wait at most this long. Clients render at most every 100 ms
 * (`Markdown`'s pacing), so 50 ms is not seen, and it sends a busy server's clients about a
 * quarter of the frames that 16 ms did.
 */
export const DEFAULT_RUN_FLUSH_INTERVAL_MS = 50;

/** The SQLite file used unless `DATABASE_URL` says otherwise (relative to the working directory). */
export const DEFAULT_SQLITE_FILE = 'data/agent-server.sqlite';

/** The configuration used when no variable is set. */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

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
  PORT: envInteger('PORT', 0, 65_535, 8000),
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
  RUN_TIMEOUT_MS: envInteger('RUN_TIMEOUT_MS', 100, 3_600_000, 300_000),
  MODEL_IDLE_TIMEOUT_MS: envInteger('MODEL_IDLE_TIMEOUT_MS', 50, 3_600_000, 60_000),
  MODEL_MAX_ATTEMPTS: envInteger('MODEL_MAX_ATTEMPTS', 1, 10, 3),
  RETRY_BASE_DELAY_MS: envInteger('RETRY_BASE_DELAY_MS', 0, 60_000, 500),
  SHUTDOWN_GRACE_MS: envInteger('SHUTDOWN_GRACE_MS', 0, 600_000, 10_000),
  DATABASE_URL: z.string().optional(),
  INSTANCE_HEARTBEAT_MS: envInteger('INSTANCE_HEARTBEAT_MS', 50, 600_000, 5_000),
  INSTANCE_LEASE_MS: envInteger('INSTANCE_LEASE_MS', 100, 3_600_000, 30_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL: expected redis://… or rediss://…')
    .optional(),
  REDIS_STREAM: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, 'REDIS_STREAM: letters, digits, _ . : - (at most 100)')
    .default('svelte-langserve'),
  // Removed (ADR 0021): Socket.IO's session recovery restored a session, its rooms and its
  // missed packets before the token was checked. `0` (off) is what always holds now; any
  // other value is refused, so a deployment that relied on it learns why.
  SOCKET_RECOVERY_MS: z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined || value.trim() === '0') return;
      context.addIssue({
        code: 'custom',
        message:
          'SOCKET_RECOVERY_MS was removed: Socket.IO session recovery is off for security and delivery reasons; reconnecting clients re-join and the server replays the run events they missed (docs/delivery.md). Unset it.',
      });
    }),
  JWT_SECRET: z.string().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ALGORITHMS: z.string().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  DEV_LOGIN: z.enum(['true', 'false', '1', '0']).optional(),
  TOKEN_TTL_SECONDS: envInteger('TOKEN_TTL_SECONDS', 60, 30 * 24 * 3600, 3600),
  RATE_LIMIT_PER_SECOND: envInteger('RATE_LIMIT_PER_SECOND', 1, 10_000, 20),
  RATE_LIMIT_BURST: envInteger('RATE_LIMIT_BURST', 1, 100_000, 40),
  MAX_CONCURRENT_RUNS_PER_USER: envInteger('MAX_CONCURRENT_RUNS_PER_USER', 1, 1000, 8),
  MAX_PAYLOAD_BYTES: envInteger('MAX_PAYLOAD_BYTES', 1024, 100_000_000, 1_000_000),
  MAX_MESSAGE_LENGTH: envInteger('MAX_MESSAGE_LENGTH', 1, MAX_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH),
  RUN_FLUSH_INTERVAL_MS: envInteger(
    'RUN_FLUSH_INTERVAL_MS',
    0,
    1000,
    DEFAULT_RUN_FLUSH_INTERVAL_MS,
  ),
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
 * Reads the server's configuration from `env` (usually `process.env`): port, CORS, storage,
 * auth, limits, timeouts, Redis and logging (every variable is in the package's README).
 * Empty values count as unset. Throws a {@link ConfigError} naming every bad variable.
 */
export function loadServerConfig(env: Record<string, string | undefined>): ServerConfig {
  return checked(readServerEnvironment(env));
}

/** {@link loadServerConfig} without the production rules (see {@link productionProblems}). */
function readServerEnvironment(env: Record<string, string | undefined>): ServerConfig {
  const problems: string[] = [];
  const values = readEnvironment(environmentSchema, env);
  const production = values.NODE_ENV === 'production';

  let corsOrigins: string[] | '*' = DEFAULT_CORS_ORIGINS;
  const originsName = values.CORS_ORIGINS !== undefined ? 'CORS_ORIGINS' : 'CORS_ORIGIN';
  const originsValue = values.CORS_ORIGINS ?? values.CORS_ORIGIN;
  if (originsValue === '*') {
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

  let database: DatabaseConfig = { dialect: 'sqlite', file: path.resolve(DEFAULT_SQLITE_FILE) };
  if (values.DATABASE_URL !== undefined) {
    const url = values.DATABASE_URL;
    if (/^postgres(ql)?:\/\//.test(url)) database = { dialect: 'postgres', url };
    else if (url.startsWith('sqlite:')) {
      const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
      if (!file)
        problems.push(`DATABASE_URL=${JSON.stringify(url)}: the sqlite: URL names no file`);
      database = { dialect: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
    } else
      problems.push(
        `DATABASE_URL=${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'))}: expected postgres://… or sqlite:<file>`,
      );
  }

  const defaultAlgorithms =
    values.JWT_PUBLIC_KEY !== undefined ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'];
  const algorithms =
    values.JWT_ALGORITHMS?.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean) ?? defaultAlgorithms;
  const KNOWN_ALGORITHMS = [
    'HS256',
    'HS384',
    'HS512',
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
  ];
  for (const algorithm of algorithms)
    if (!KNOWN_ALGORITHMS.includes(algorithm))
      problems.push(
        `JWT_ALGORITHMS: ${JSON.stringify(algorithm)} is not one of ${KNOWN_ALGORITHMS.join(', ')}`,
      );
  if (values.JWT_SECRET !== undefined && values.JWT_SECRET.length < 32)
    problems.push('JWT_SECRET: must be at least 32 characters');
  const devLogin =
    values.DEV_LOGIN !== undefined ? ['true', '1'].includes(values.DEV_LOGIN) : !production;
  if (problems.length) throw new ConfigError(problems);
  const auth: AuthConfig = { algorithms, devLogin, tokenTtlSeconds: values.TOKEN_TTL_SECONDS };
  if (values.JWT_SECRET !== undefined) auth.secret = values.JWT_SECRET;
  if (values.JWT_PUBLIC_KEY !== undefined)
    auth.publicKey = values.JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
  if (values.JWT_ISSUER !== undefined) auth.issuer = values.JWT_ISSUER;
  if (values.JWT_AUDIENCE !== undefined) auth.audience = values.JWT_AUDIENCE;

  return {
    port: values.PORT,
    host: values.HOST,
    corsOrigins,
    runTimeoutMs: values.RUN_TIMEOUT_MS,
    modelIdleTimeoutMs: values.MODEL_IDLE_TIMEOUT_MS,
    modelMaxAttempts: values.MODEL_MAX_ATTEMPTS,
    retryBaseDelayMs: values.RETRY_BASE_DELAY_MS,
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
    database,
    instanceHeartbeatMs: values.INSTANCE_HEARTBEAT_MS,
    instanceLeaseMs: values.INSTANCE_LEASE_MS,
    ...(values.REDIS_URL !== undefined ? { redisUrl: values.REDIS_URL } : {}),
    redisStream: values.REDIS_STREAM,
    auth,
    limits: {
      eventsPerSecond: values.RATE_LIMIT_PER_SECOND,
      eventBurst: values.RATE_LIMIT_BURST,
      concurrentRunsPerUser: values.MAX_CONCURRENT_RUNS_PER_USER,
      maxPayloadBytes: values.MAX_PAYLOAD_BYTES,
      maxMessageLength: values.MAX_MESSAGE_LENGTH,
    },
    runFlushIntervalMs: values.RUN_FLUSH_INTERVAL_MS,
    logLevel: values.LOG_LEVEL,
    production,
  };
}

/** Whether `origin` may connect under `allowed`. */
export function isOriginAllowed(origin: string, allowed: ServerConfig['corsOrigins']): boolean {
  return allowed === '*' || allowed.includes(origin);
}

/** Configuration as callers give it: any field, and any field of `auth` and `limits`. */
export type ServerConfigInput = Partial<Omit<ServerConfig, 'auth' | 'limits'>> & {
  auth?: Partial<AuthConfig>;
  limits?: Partial<LimitsConfig>;
};

/**
 * The configuration a server runs with: `given` over what `env` says (default `process.env`;
 * see {@link loadServerConfig}), `auth` and `limits` merged field by field. Throws a
 * {@link ConfigError} when the environment is invalid (e.g. `NODE_ENV=production` without a
 * JWT key).
 */
export function resolveServerConfig(
  given: ServerConfigInput = {},
  env: Record<string, string | undefined> = process.env,
): ServerConfig {
  const base = readServerEnvironment(env);
  // The production rules judge the result, so a key given in code satisfies them.
  return checked({
    ...base,
    ...given,
    auth: { ...base.auth, ...given.auth },
    limits: { ...base.limits, ...given.limits },
  });
}

/**
 * What production (`NODE_ENV=production`, `config.production`) refuses: a key to verify tokens
 * missing, the development login on, any origin allowed.
 */
export function productionProblems(config: ServerConfig): string[] {
  if (!config.production) return [];
  const problems: string[] = [];
  if (config.corsOrigins === '*')
    problems.push(
      'CORS_ORIGINS="*": any origin is allowed only in development; list the origins (comma-separated) when NODE_ENV=production',
    );
  if (config.auth.devLogin)
    problems.push('DEV_LOGIN: the development login cannot be enabled when NODE_ENV=production');
  if (config.auth.secret === undefined && config.auth.publicKey === undefined)
    problems.push(
      'JWT_SECRET or JWT_PUBLIC_KEY: required when NODE_ENV=production (sockets must authenticate)',
    );
  return problems;
}

function checked(config: ServerConfig): ServerConfig {
  const problems = productionProblems(config);
  if (problems.length) throw new ConfigError(problems);
  return config;
}
