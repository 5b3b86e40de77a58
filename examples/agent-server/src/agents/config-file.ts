import { z } from 'zod';
import { AGENT_DEFINITIONS } from './definitions.js';
import {
  DEFAULT_HISTORY_TOKEN_BUDGET,
  REMOTE_INPUT_FORMATS,
  type RemoteAgentConfig as ServerRemoteAgentConfig,
} from '@svelte-langserve/server';
import {
  mergeSettings,
  PROVIDER_NAMES,
  PROVIDER_SETTINGS,
  type ProviderName,
} from '../providers/settings.js';
import type { AgentSettingsSpec } from 'svelte-langserve/protocol';

/** A provider choice in the file: a provider, or `auto` (see {@link resolveAgentsConfig}). */
const providerChoice = z.enum(['auto', ...PROVIDER_NAMES]);

/** An agent entry's provider: a model provider, `auto`, or `remote` (a LangServe endpoint). */
const entryProviderChoice = z.enum(['auto', ...PROVIDER_NAMES, 'remote']);

const rangeOverride = z
  .object({ min: z.number().finite(), max: z.number().finite(), default: z.number().finite() })
  .partial()
  .strict();

const agentEntry = z
  .object({
    /** false hides the agent. */
    enabled: z.boolean(),
    provider: entryProviderChoice,
    /** `remote` only: the LangServe endpoint (the path before /invoke, /stream…). */
    url: z.string().trim().min(1).max(2000),
    /** `remote` only: headers sent with every call; `${NAME}` is replaced by env variable NAME. */
    headers: z.record(z.string().min(1).max(200), z.string().max(10_000)),
    /** `remote` only: how the conversation is sent. */
    input: z.enum(REMOTE_INPUT_FORMATS),
    /** `remote` only: the name and description clients see. */
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(1000),
    model: z.string().trim().min(1).max(200),
    /** The model's context window for history trimming, in tokens. */
    contextTokens: z.number().int().min(256).max(10_000_000),
    settings: z
      .object({ temperature: rangeOverride, maxTokens: rangeOverride, topP: rangeOverride })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** The agents configuration file (`agents.config.json`). */
export const agentsFileSchema = z
  .object({
    $schema: z.string().optional(),
    defaultProvider: providerChoice.default('auto'),
    providers: z
      .object({
        openai: z
          .object({ model: z.string().trim().min(1) })
          .partial()
          .strict(),
        anthropic: z
          .object({ model: z.string().trim().min(1) })
          .partial()
          .strict(),
      })
      .partial()
      .strict()
      .default({}),
    agents: z.record(z.string(), agentEntry).default({}),
  })
  .strict();

/** The file's content, parsed. */
export type AgentsFile = z.infer<typeof agentsFileSchema>;

/** One built-in agent's resolved configuration. */
export interface AgentConfig {
  id: string;
  provider: ProviderName;
  /** The model name (the provider's default unless the file or the environment names one). */
  model: string;
  contextTokens: number;
  /** The runtime settings the agent accepts: its provider's, narrowed by the file. */
  settings: AgentSettingsSpec;
}

/** A remote agent: a LangServe endpoint called through `RemoteRunnable`. */
export interface RemoteAgentConfig extends ServerRemoteAgentConfig {
  id: string;
  provider: 'remote';
  /** The endpoint's URL (what clients see as the model). */
  model: string;
  url: string;
  /** Headers with `${NAME}` references resolved. */
  headers: Record<string, string>;
  input: (typeof REMOTE_INPUT_FORMATS)[number];
  name?: string;
  description?: string;
  contextTokens: number;
  /** Remote agents take no runtime settings. */
  settings: AgentSettingsSpec;
  /** Set when a header references an unset variable: the agent is `unconfigured`. */
  unconfiguredReason?: string;
}

/** A configured agent: a built-in one on a model provider, or a remote one. */
export type ConfiguredAgent = AgentConfig | RemoteAgentConfig;

const REMOTE_ONLY = ['url', 'headers', 'input', 'name', 'description'] as const;

/**
 * Resolves a `remote` entry: checks the URL and that no model or settings are given, and
 * replaces `${NAME}` in header values with environment variable NAME (an unset one makes the
 * agent `unconfigured`; the value is never logged).
 */
function resolveRemote(
  id: string,
  entry: AgentsFile['agents'][string],
  env: Record<string, string>,
  where: string,
  problems: string[],
): RemoteAgentConfig | undefined {
  let url: URL | undefined;
  try {
    url = entry.url === undefined ? undefined : new URL(entry.url);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    problems.push(
      `${where}.url: a remote agent needs the http(s) URL of a LangServe endpoint, e.g. https://example.com/agents/chatbot/`,
    );
    return undefined;
  }
  for (const key of ['model', 'settings'] as const)
    if (entry[key] !== undefined) problems.push(`${where}.${key}: not used by a remote agent`);
  const missing = new Set<string>();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers ?? {}))
    headers[name] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, variable: string) => {
      const resolved = env[variable];
      if (resolved === undefined) missing.add(variable);
      return resolved ?? '';
    });
  const config: RemoteAgentConfig = {
    id,
    provider: 'remote',
    model: `${url.origin}${url.pathname}`,
    url: url.href,
    headers,
    input: entry.input ?? 'messages',
    contextTokens: entry.contextTokens ?? DEFAULT_HISTORY_TOKEN_BUDGET,
    settings: {},
  };
  if (entry.name !== undefined) config.name = entry.name;
  if (entry.description !== undefined) config.description = entry.description;
  if (missing.size > 0)
    config.unconfiguredReason = `Set ${[...missing].join(', ')} (used in the headers of agents.${id}).`;
  return config;
}

/** The provider credentials and defaults read from the environment. */
export interface ProviderEnvironment {
  openai: { configured: boolean; model?: string };
  anthropic: { configured: boolean; model?: string };
}

const DEFAULT_MODELS: Record<ProviderName, string> = {
  demo: 'demo',
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
};

/** `code-assistant` → `CODE_ASSISTANT` (the id's part of `AGENT_<ID>_PROVIDER`). */
export const agentEnvName = (id: string): string => id.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/**
 * Resolves each built-in agent's provider, model and settings from the file and the
 * environment. Precedence, highest first: `AGENT_<ID>_PROVIDER` / `AGENT_<ID>_MODEL`, the
 * agent's entry in the file, `AGENT_PROVIDER`, the file's `defaultProvider`; models then fall
 * back to `OPENAI_MODEL` / `ANTHROPIC_MODEL`, the file's `providers.<name>.model`, and the
 * built-in default. `auto` means `openai` when `OPENAI_API_KEY` or `OPENAI_BASE_URL` is set,
 * else `anthropic` when `ANTHROPIC_API_KEY` is set, else `demo`.
 */
export function resolveAgentsConfig(
  file: AgentsFile,
  env: Record<string, string>,
  providers: ProviderEnvironment,
  fileName: string,
): { agents: ConfiguredAgent[]; problems: string[] } {
  const problems: string[] = [];
  const known = new Set(AGENT_DEFINITIONS.map((definition) => definition.id));
  for (const [id, entry] of Object.entries(file.agents)) {
    if (entry.provider !== 'remote')
      for (const key of REMOTE_ONLY)
        if (entry[key] !== undefined)
          problems.push(`${fileName}: agents.${id}.${key}: only for "provider": "remote"`);
    if (!known.has(id) && entry.provider !== 'remote')
      problems.push(
        `${fileName}: agents.${id}: no built-in agent has this id (known: ${[...known].join(', ')}; or give "provider": "remote" and a "url")`,
      );
  }
  const envIds = new Map(
    AGENT_DEFINITIONS.map((definition) => [agentEnvName(definition.id), definition.id]),
  );
  for (const key of Object.keys(env)) {
    const match = /^AGENT_(.+)_(PROVIDER|MODEL)$/.exec(key);
    if (match && !envIds.has(match[1] as string))
      problems.push(`${key}: no built-in agent matches ${match[1]}`);
  }
  const choice = (value: string | undefined, name: string) => {
    if (value === undefined) return undefined;
    const parsed = providerChoice.safeParse(value.toLowerCase());
    if (!parsed.success) {
      problems.push(
        `${name}=${JSON.stringify(value)}: expected one of ${providerChoice.options.join(', ')}`,
      );
      return undefined;
    }
    return parsed.data;
  };
  const auto: ProviderName = providers.openai.configured
    ? 'openai'
    : providers.anthropic.configured
      ? 'anthropic'
      : 'demo';
  const defaultChoice = choice(env.AGENT_PROVIDER, 'AGENT_PROVIDER') ?? file.defaultProvider;

  const agents: ConfiguredAgent[] = [];
  for (const definition of AGENT_DEFINITIONS) {
    const entry = file.agents[definition.id] ?? {};
    if (entry.enabled === false) continue;
    const envName = agentEnvName(definition.id);
    const envChoice = choice(env[`AGENT_${envName}_PROVIDER`], `AGENT_${envName}_PROVIDER`);
    if (entry.provider === 'remote' && envChoice === undefined) {
      const remote = resolveRemote(
        definition.id,
        entry,
        env,
        `${fileName}: agents.${definition.id}`,
        problems,
      );
      if (remote) agents.push(remote);
      continue;
    }
    const picked =
      envChoice ?? (entry.provider === 'remote' ? undefined : entry.provider) ?? defaultChoice;
    const provider = picked === 'auto' ? auto : picked;
    const model =
      provider === 'demo'
        ? 'demo'
        : (env[`AGENT_${envName}_MODEL`] ??
          entry.model ??
          providers[provider].model ??
          file.providers[provider]?.model ??
          DEFAULT_MODELS[provider]);
    const merged = mergeSettings(
      PROVIDER_SETTINGS[provider],
      // A file written for a real provider still loads on demo: settings demo lacks are dropped.
      provider === 'demo'
        ? dropUnsupported(entry.settings, PROVIDER_SETTINGS.demo)
        : entry.settings,
      `${fileName}: agents.${definition.id}`,
    );
    problems.push(...merged.problems);
    agents.push({
      id: definition.id,
      provider,
      model,
      contextTokens: entry.contextTokens ?? DEFAULT_HISTORY_TOKEN_BUDGET,
      settings: merged.spec,
    });
  }
  for (const [id, entry] of Object.entries(file.agents)) {
    if (known.has(id) || entry.provider !== 'remote' || entry.enabled === false) continue;
    const remote = resolveRemote(id, entry, env, `${fileName}: agents.${id}`, problems);
    if (remote) agents.push(remote);
  }
  if (agents.length === 0 && problems.length === 0)
    problems.push(`${fileName}: every agent is disabled; enable at least one`);
  return { agents, problems };
}

function dropUnsupported<T extends object>(settings: T | undefined, spec: AgentSettingsSpec) {
  if (!settings) return undefined;
  return Object.fromEntries(
    Object.entries(settings).filter(([name]) => name in spec),
  ) as Partial<T>;
}
