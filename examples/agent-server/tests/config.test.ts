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
      provider: 'demo',
      openai: { model: 'gpt-4o-mini' },
      docsDir: DEFAULT_DOCS_DIR,
      demoTokenDelayMs: 25,
      runFlushIntervalMs: 16,
      logLevel: 'info',
      production: false,
    });
    expect(DEFAULT_CORS_ORIGINS).toEqual(['http://localhost:5173', 'http://127.0.0.1:5173']);
    // The repository's docs/ folder, wherever the package is.
    expect(DEFAULT_DOCS_DIR).toBe(path.resolve(import.meta.dirname, '../../../docs'));
  });

  it('reads DOCS_DIR as a path resolved against the working directory', () => {
    expect(loadConfig({ DOCS_DIR: 'some/notes' }).docsDir).toBe(path.resolve('some/notes'));
    expect(loadConfig({ DOCS_DIR: '/srv/docs' }).docsDir).toBe('/srv/docs');
    expect(() => loadConfig({ DOCS_DIR: 'a\0b' })).toThrow(/DOCS_DIR=/);
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
      provider: 'openai',
      openai: { apiKey: 'sk-test', baseURL: 'http://localhost:11434/v1', model: 'llama3.2' },
      demoTokenDelayMs: 0,
      runFlushIntervalMs: 50,
      logLevel: 'debug',
    });
  });

  it('selects openai with only a base URL, and treats empty values as unset', () => {
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' }).provider).toBe('openai');
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }).provider).toBe('openai');
    expect(loadConfig({ OPENAI_API_KEY: '  ', PORT: '' })).toMatchObject({
      provider: 'demo',
      port: 8000,
    });
  });

  it('accepts CORS_ORIGIN as an alias and * in development only', () => {
    expect(loadConfig({ CORS_ORIGIN: 'http://a.test' }).corsOrigins).toEqual(['http://a.test']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(problemsOf({ CORS_ORIGINS: '*', NODE_ENV: 'production' })).toEqual([
      expect.stringContaining('CORS_ORIGINS="*"'),
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

describe('isOriginAllowed', () => {
  it('matches exact origins, or any with *', () => {
    expect(isOriginAllowed('http://localhost:5173', DEFAULT_CORS_ORIGINS)).toBe(true);
    expect(isOriginAllowed('http://evil.test', DEFAULT_CORS_ORIGINS)).toBe(false);
    expect(isOriginAllowed('http://evil.test', '*')).toBe(true);
  });
});
