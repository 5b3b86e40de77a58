import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cleanEnvironment,
  ConfigError,
  envHttpUrl,
  envInteger,
  loadServerConfig,
  readEnvironment,
  type ServerConfig,
} from '@svelte-langserve/server';
import { z } from 'zod';
import {
  agentsFileSchema,
  resolveAgentsConfig,
  type ConfiguredAgent,
} from './agents/config-file.js';

export {
  ConfigError,
  DEFAULT_CORS_ORIGINS,
  DEFAULT_SQLITE_FILE,
  isOriginAllowed,
  type AuthConfig,
  type DatabaseConfig,
  type LimitsConfig,
} from '@svelte-langserve/server';

/** The example's configuration: the server's, plus its agents, providers and tools. */
export interface AppConfig extends ServerConfig {
  /** Each enabled agent: a built-in one's provider, model and settings, or a remote one. */
  agents: ConfiguredAgent[];
  /** OpenAI credentials: set when `OPENAI_API_KEY` or `OPENAI_BASE_URL` is. */
  openai: { apiKey?: string; baseURL?: string };
  /** Anthropic credentials: set when `ANTHROPIC_API_KEY` is. */
  anthropic: { apiKey?: string; baseURL?: string };
  /** Absolute path of the markdown folder `search_documents` indexes. */
  docsDir: string;
  /** Pause between the demo model's chunks, in ms. */
  demoTokenDelayMs: number;
}

/** The repository's `docs/` folder (from `src/` or `dist/` of this package). */
export const DEFAULT_DOCS_DIR = fileURLToPath(new URL('../../../docs', import.meta.url));

/** The agents configuration file used unless `AGENTS_CONFIG` names another. */
export const DEFAULT_AGENTS_CONFIG = fileURLToPath(
  new URL('../agents.config.json', import.meta.url),
);

const agentEnvironmentSchema = z.object({
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: envHttpUrl('OPENAI_BASE_URL', 'http://localhost:11434/v1'),
  OPENAI_MODEL: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: envHttpUrl('ANTHROPIC_BASE_URL', 'https://api.anthropic.com'),
  ANTHROPIC_MODEL: z.string().optional(),
  AGENTS_CONFIG: z.string().optional(),
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
  DEMO_TOKEN_DELAY_MS: envInteger('DEMO_TOKEN_DELAY_MS', 0, 10_000, 25),
});

/** Runs each reader; throws one {@link ConfigError} with every problem they found. */
function collectProblems<T extends unknown[]>(...readers: { [K in keyof T]: () => T[K] }): T {
  const problems: string[] = [];
  const results = readers.map((read) => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return results as T;
}

/**
 * Reads the server's configuration from `env` (usually `process.env`) and the agents
 * configuration file (`AGENTS_CONFIG`, default {@link DEFAULT_AGENTS_CONFIG}) through
 * `readFile`. Empty values count as unset. Throws a {@link ConfigError} naming every bad
 * variable or file entry.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): AppConfig {
  const [server, values] = collectProblems<[ServerConfig, z.output<typeof agentEnvironmentSchema>]>(
    () => loadServerConfig(env),
    () => readEnvironment(agentEnvironmentSchema, env),
  );
  const openai: AppConfig['openai'] = {};
  if (values.OPENAI_API_KEY !== undefined) openai.apiKey = values.OPENAI_API_KEY;
  if (values.OPENAI_BASE_URL !== undefined) openai.baseURL = values.OPENAI_BASE_URL;
  const anthropic: AppConfig['anthropic'] = {};
  if (values.ANTHROPIC_API_KEY !== undefined) anthropic.apiKey = values.ANTHROPIC_API_KEY;
  if (values.ANTHROPIC_BASE_URL !== undefined) anthropic.baseURL = values.ANTHROPIC_BASE_URL;

  const file =
    values.AGENTS_CONFIG !== undefined ? path.resolve(values.AGENTS_CONFIG) : DEFAULT_AGENTS_CONFIG;
  const fileName = values.AGENTS_CONFIG ?? 'agents.config.json';
  let raw: unknown;
  try {
    raw = JSON.parse(readFile(file));
  } catch (error) {
    const reason =
      (error as { code?: unknown }).code === 'ENOENT'
        ? 'file not found'
        : error instanceof SyntaxError
          ? `not valid JSON (${error.message})`
          : String((error as Error).message ?? error);
    throw new ConfigError([`AGENTS_CONFIG=${JSON.stringify(file)}: ${reason}`]);
  }
  const parsedFile = agentsFileSchema.safeParse(raw);
  if (!parsedFile.success)
    throw new ConfigError(
      parsedFile.error.issues.map(
        (issue) => `${fileName}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      ),
    );
  const resolved = resolveAgentsConfig(
    parsedFile.data,
    cleanEnvironment(env),
    {
      openai: {
        configured: openai.apiKey !== undefined || openai.baseURL !== undefined,
        ...(values.OPENAI_MODEL !== undefined ? { model: values.OPENAI_MODEL } : {}),
      },
      anthropic: {
        configured: anthropic.apiKey !== undefined,
        ...(values.ANTHROPIC_MODEL !== undefined ? { model: values.ANTHROPIC_MODEL } : {}),
      },
    },
    fileName,
  );
  if (resolved.problems.length) throw new ConfigError(resolved.problems);

  return {
    ...server,
    agents: resolved.agents,
    openai,
    anthropic,
    docsDir: values.DOCS_DIR !== undefined ? path.resolve(values.DOCS_DIR) : DEFAULT_DOCS_DIR,
    demoTokenDelayMs: values.DEMO_TOKEN_DELAY_MS,
  };
}
