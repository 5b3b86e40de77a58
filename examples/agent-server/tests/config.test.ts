import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CORS_ORIGINS,
  DEFAULT_DOCS_DIR,
  isOriginAllowed,
  loadConfig,
} from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs with no variables: demo provider and documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8000,
      host: '127.0.0.1',
      corsOrigins: DEFAULT_CORS_ORIGINS,
      agents: expect.any(Array),
      openai: {},
      anthropic: {},
      docsDir: DEFAULT_DOCS_DIR,
      demoTokenDelayMs: 25,
      runFlushIntervalMs: 50,
      logLevel: 'info',
      production: false,
      runTimeoutMs: 300_000,
      modelIdleTimeoutMs: 60_000,
      modelMaxAttempts: 3,
      retryBaseDelayMs: 500,
      shutdownGraceMs: 10_000,
      instanceHeartbeatMs: 5000,
      instanceLeaseMs: 30_000,
      redisStream: 'svelte-langserve',
      database: { dialect: 'sqlite', file: path.resolve('data/agent-server.sqlite') },
      auth: { algorithms: ['HS256'], devLogin: true, tokenTtlSeconds: 3600 },
      limits: {
        eventsPerSecond: 20,
        eventBurst: 40,
        concurrentRunsPerUser: 8,
        maxPayloadBytes: 1_000_000,
        maxMessageLength: 32_000,
      },
    });
    // The five built-in agents, all on the offline demo model, from agents.config.json.
    expect(config.agents.map((agent) => [agent.id, agent.provider, agent.model])).toEqual([
      ['chatbot', 'demo', 'demo'],
      ['code-assistant', 'demo', 'demo'],
      ['data-analyst', 'demo', 'demo'],
      ['creative-writer', 'demo', 'demo'],
      ['research-assistant', 'demo', 'demo'],
    ]);
    // The demo model accepts only maxTokens; temperature defaults in the file are dropped.
    expect(config.agents[1]?.settings).toEqual({ maxTokens: { min: 1, max: 4096, integer: true } });
    expect(DEFAULT_CORS_ORIGINS).toEqual(['http://localhost:5173', 'http://127.0.0.1:5173']);
    // The repository's docs/ folder, wherever the package is.
    expect(DEFAULT_DOCS_DIR).toBe(path.resolve(import.meta.dirname, '../../../docs'));
  });

  it('reads DOCS_DIR as a path resolved against the working directory', () => {
    expect(loadConfig({ DOCS_DIR: 'some/notes' }).docsDir).toBe(path.resolve('some/notes'));
    expect(loadConfig({ DOCS_DIR: '/srv/docs' }).docsDir).toBe('/srv/docs');
    expect(() => loadConfig({ DOCS_DIR: 'a\0b' })).toThrow(/DOCS_DIR=/);
  });

  it('refuses SOCKET_RECOVERY_MS, which was removed (ADR 0021), except 0', () => {
    expect(() => loadConfig({ SOCKET_RECOVERY_MS: '0' })).not.toThrow();
    expect(() => loadConfig({ SOCKET_RECOVERY_MS: '120000' })).toThrow(
      /SOCKET_RECOVERY_MS was removed.*re-join/,
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9001',
      HOST: '0.0.0.0',
      CORS_ORIGINS: 'https://chat.example.com, http://localhost:3000/',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      OPENAI_MODEL: 'llama3.2',
      DEMO_TOKEN_DELAY_MS: '0',
      RUN_FLUSH_INTERVAL_MS: '50',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      port: 9001,
      host: '0.0.0.0',
      corsOrigins: ['https://chat.example.com', 'http://localhost:3000'],
      openai: { apiKey: 'sk-test', baseURL: 'http://localhost:11434/v1' },
      demoTokenDelayMs: 0,
      runFlushIntervalMs: 50,
      logLevel: 'debug',
    });
    expect(config.agents.every((agent) => agent.provider === 'openai')).toBe(true);
    expect(config.agents[0]?.model).toBe('llama3.2');
  });

  it('selects openai with only a base URL, and treats empty values as unset', () => {
    const providerOf = (env: Record<string, string>) => loadConfig(env).agents[0]?.provider;
    expect(providerOf({ OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' })).toBe('openai');
    expect(providerOf({ OPENAI_API_KEY: 'sk-x' })).toBe('openai');
    expect(providerOf({ ANTHROPIC_API_KEY: 'sk-ant' })).toBe('anthropic');
    // OpenAI wins when both are configured ("auto").
    expect(providerOf({ ANTHROPIC_API_KEY: 'sk-ant', OPENAI_API_KEY: 'sk-x' })).toBe('openai');
    expect(loadConfig({ OPENAI_API_KEY: '  ', PORT: '' })).toMatchObject({ port: 8000 });
    expect(providerOf({ OPENAI_API_KEY: '  ' })).toBe('demo');
  });

  it('accepts CORS_ORIGIN as an alias and * in development only', () => {
    expect(loadConfig({ CORS_ORIGIN: 'http://a.test' }).corsOrigins).toEqual(['http://a.test']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    // Every production rule broken is named at once (here the missing key too).
    expect(problemsOf({ CORS_ORIGINS: '*', NODE_ENV: 'production' })).toEqual([
      expect.stringContaining('CORS_ORIGINS="*"'),
      expect.stringContaining('JWT_SECRET or JWT_PUBLIC_KEY'),
    ]);
  });

  it('names every bad variable and its value in one error', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DEMO_TOKEN_DELAY_MS: '-5',
      RUN_FLUSH_INTERVAL_MS: '1.5',
      LOG_LEVEL: 'loud',
      OPENAI_BASE_URL: 'localhost:11434',
    });
    expect(problems).toHaveLength(5);
    expect(problems).toContain('PORT="eighty": expected a whole number from 0 to 65535');
    expect(problems).toContain('DEMO_TOKEN_DELAY_MS="-5": expected a whole number from 0 to 10000');
    expect(problems).toContain(
      'RUN_FLUSH_INTERVAL_MS="1.5": expected a whole number from 0 to 1000',
    );
    expect(problems).toContain(
      'LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent',
    );
    expect(
      problems.find((problem) => problem.startsWith('OPENAI_BASE_URL="localhost:11434"')),
    ).toBeTruthy();
  });

  it('puts the problems in the error message', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(
      /Invalid configuration \(1 problem\):\n {2}- PORT="70000": expected a whole number from 0 to 65535/,
    );
  });

  it('rejects origins that are not origins', () => {
    const problems = problemsOf({ CORS_ORIGINS: 'http://ok.test,ftp://x.test,http://a.test/path' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"ftp://x.test" is not an origin');
    expect(problems[1]).toContain('"http://a.test/path" is not an origin');
  });
});

describe('database, auth and limits', () => {
  it('reads DATABASE_URL as PostgreSQL or a SQLite file, and hides passwords in errors', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/test' }).database).toEqual({
      dialect: 'postgres',
      url: 'postgres://u:p@127.0.0.1:5432/test',
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite:tmp/x.sqlite' }).database).toEqual({
      dialect: 'sqlite',
      file: path.resolve('tmp/x.sqlite'),
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({
      dialect: 'sqlite',
      file: ':memory:',
    });
    expect(problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toEqual([
      'DATABASE_URL="mysql://***@db/x": expected postgres://… or sqlite:<file>',
    ]);
  });

  it('pins JWT algorithms and refuses unsafe production settings', () => {
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).auth).toMatchObject({
      secret: 'x'.repeat(32),
      algorithms: ['HS256'],
      devLogin: true,
    });
    expect(
      loadConfig({ JWT_PUBLIC_KEY: 'PEM', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }).auth,
    ).toMatchObject({
      publicKey: 'PEM',
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      issuer: 'i',
      audience: 'a',
    });
    expect(problemsOf({ JWT_SECRET: 'short', JWT_ALGORITHMS: 'HS256,none' })).toEqual([
      'JWT_ALGORITHMS: "none" is not one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
      'JWT_SECRET: must be at least 32 characters',
    ]);
    const production = { NODE_ENV: 'production', CORS_ORIGINS: 'https://chat.example.com' };
    expect(problemsOf(production)).toEqual([
      'JWT_SECRET or JWT_PUBLIC_KEY: required when NODE_ENV=production (sockets must authenticate)',
    ]);
    expect(problemsOf({ ...production, JWT_SECRET: 'x'.repeat(32), DEV_LOGIN: 'true' })).toEqual([
      'DEV_LOGIN: the development login cannot be enabled when NODE_ENV=production',
    ]);
    expect(loadConfig({ ...production, JWT_SECRET: 'x'.repeat(32) }).auth.devLogin).toBe(false);
  });
});

describe('the agents configuration file', () => {
  const withFile =
    (content: unknown) =>
    (file: string): string => {
      expect(file).toBe(path.resolve('custom.json'));
      return typeof content === 'string' ? content : JSON.stringify(content);
    };
  const load = (content: unknown, env: Record<string, string> = {}) =>
    loadConfig({ AGENTS_CONFIG: 'custom.json', ...env }, withFile(content));
  const problems = (content: unknown, env: Record<string, string> = {}) => {
    try {
      load(content, env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('chooses a provider and model per agent, and the environment overrides the file', () => {
    const file = {
      defaultProvider: 'demo',
      providers: { anthropic: { model: 'claude-from-file' } },
      agents: {
        'code-assistant': { provider: 'openai', model: 'qwen2.5-coder' },
        'creative-writer': { provider: 'anthropic', settings: { temperature: { default: 0.9 } } },
        'research-assistant': { enabled: false },
      },
    };
    const config = load(file, {
      OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1',
      AGENT_DATA_ANALYST_PROVIDER: 'openai',
      AGENT_DATA_ANALYST_MODEL: 'llama3.2',
    });
    expect(config.agents.map((agent) => [agent.id, agent.provider, agent.model])).toEqual([
      ['chatbot', 'demo', 'demo'],
      ['code-assistant', 'openai', 'qwen2.5-coder'],
      ['data-analyst', 'openai', 'llama3.2'],
      ['creative-writer', 'anthropic', 'claude-from-file'],
    ]);
    expect(config.agents[3]?.settings.temperature).toEqual({ min: 0, max: 1, default: 0.9 });
    // AGENT_PROVIDER replaces the file's default; ANTHROPIC_MODEL the file's model.
    const all = load(file, { AGENT_PROVIDER: 'anthropic', ANTHROPIC_MODEL: 'claude-env' });
    expect(all.agents[0]).toMatchObject({ provider: 'anthropic', model: 'claude-env' });
  });

  it('names every bad entry, with the file and the path', () => {
    expect(problems('{ nope')).toEqual([expect.stringMatching(/^AGENTS_CONFIG=.*not valid JSON/)]);
    expect(problems({ agents: { chatbot: { provider: 'gemini' } } })).toEqual([
      expect.stringMatching(/^custom\.json: agents\.chatbot\.provider: /),
    ]);
    expect(
      problems({
        agents: {
          ghost: {},
          chatbot: { provider: 'openai', settings: { temperature: { max: 3 } } },
          'code-assistant': { provider: 'anthropic', settings: { topP: { default: 2 } } },
        },
      }),
    ).toEqual([
      expect.stringContaining('agents.ghost: no built-in agent has this id'),
      'custom.json: agents.chatbot.settings.temperature: the range must lie within 0..2',
      'custom.json: agents.code-assistant.settings.topP.default: 2 is outside 0..1',
    ]);
    expect(problems({}, { AGENT_GHOST_PROVIDER: 'demo', AGENT_PROVIDER: 'x' })).toEqual([
      'AGENT_GHOST_PROVIDER: no built-in agent matches GHOST',
      'AGENT_PROVIDER="x": expected one of auto, demo, openai, anthropic',
    ]);
    const agents = Object.fromEntries(
      ['chatbot', 'code-assistant', 'data-analyst', 'creative-writer', 'research-assistant'].map(
        (id) => [id, { enabled: false }],
      ),
    );
    expect(problems({ agents })).toEqual([
      'custom.json: every agent is disabled; enable at least one',
    ]);
    expect(() =>
      loadConfig({ AGENTS_CONFIG: 'missing.json' }, () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      }),
    ).toThrow(/AGENTS_CONFIG=".*missing\.json": file not found/);
  });
});

describe('isOriginAllowed', () => {
  it('matches exact origins, or any with *', () => {
    expect(isOriginAllowed('http://localhost:5173', DEFAULT_CORS_ORIGINS)).toBe(true);
    expect(isOriginAllowed('http://evil.test', DEFAULT_CORS_ORIGINS)).toBe(false);
    expect(isOriginAllowed('http://evil.test', '*')).toBe(true);
  });
});
