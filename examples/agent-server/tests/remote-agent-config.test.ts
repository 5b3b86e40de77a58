import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createAgents } from '../src/agents/index.js';
import { createRemoteAgent } from '@svelte-langserve/server';
import type { RemoteAgentConfig } from '../src/agents/config-file.js';

const load = (content: unknown, env: Record<string, string> = {}) =>
  loadConfig({ AGENTS_CONFIG: 'custom.json', ...env }, () => JSON.stringify(content));

const problems = (content: unknown, env: Record<string, string> = {}) => {
  try {
    load(content, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('remote agents in agents.config.json', () => {
  it('adds remote agents (new ids after the built-ins; a built-in id is replaced in place)', () => {
    const config = load(
      {
        agents: {
          ops: {
            provider: 'remote',
            url: 'https://langserve.example.com/ops/',
            headers: { Authorization: 'Bearer ${OPS_TOKEN}', 'X-Team': 'a-${TEAM}-b' },
            input: 'string',
            name: 'Ops',
          },
          chatbot: { provider: 'remote', url: 'http://127.0.0.1:9000/agents/chatbot' },
        },
      },
      { OPS_TOKEN: 'secret', TEAM: 'blue' },
    );
    expect(config.agents.map((agent) => [agent.id, agent.provider])).toEqual([
      ['chatbot', 'remote'],
      ['code-assistant', 'demo'],
      ['data-analyst', 'demo'],
      ['creative-writer', 'demo'],
      ['research-assistant', 'demo'],
      ['ops', 'remote'],
    ]);
    expect(config.agents.at(-1)).toMatchObject({
      url: 'https://langserve.example.com/ops/',
      model: 'https://langserve.example.com/ops/',
      headers: { Authorization: 'Bearer secret', 'X-Team': 'a-blue-b' },
      input: 'string',
      name: 'Ops',
      settings: {},
    });
    expect(config.agents.at(-1)).not.toHaveProperty('unconfiguredReason');
    // The environment can still put a built-in id back on a model provider.
    const overridden = load(
      { agents: { chatbot: { provider: 'remote', url: 'http://127.0.0.1:9000/a' } } },
      { AGENT_CHATBOT_PROVIDER: 'demo' },
    );
    expect(overridden.agents[0]).toMatchObject({ id: 'chatbot', provider: 'demo' });
  });

  it('makes an agent whose header names an unset variable unconfigured, naming the variable', () => {
    const config = load({
      agents: {
        ops: { provider: 'remote', url: 'https://x.test/ops', headers: { A: '${NOPE_TOKEN}' } },
      },
    });
    const remote = config.agents.at(-1) as RemoteAgentConfig;
    expect(remote.unconfiguredReason).toBe('Set NOPE_TOKEN (used in the headers of agents.ops).');
    const agents = createAgents(config);
    expect(agents.at(-1)?.health.current).toEqual({
      status: 'unconfigured',
      reason: 'Set NOPE_TOKEN (used in the headers of agents.ops).',
    });
  });

  it('names bad remote entries', () => {
    expect(
      problems({
        agents: {
          ops: { provider: 'remote' },
          web: { provider: 'remote', url: 'ftp://x.test', model: 'x' },
          chatbot: { url: 'https://x.test' },
          ghost: {},
        },
      }),
    ).toEqual([
      'custom.json: agents.chatbot.url: only for "provider": "remote"',
      expect.stringContaining('custom.json: agents.ghost: no built-in agent has this id'),
      expect.stringContaining('custom.json: agents.ops.url: a remote agent needs the http(s) URL'),
      expect.stringContaining('custom.json: agents.web.url: a remote agent needs the http(s) URL'),
    ]);
    expect(
      problems({
        agents: { web: { provider: 'remote', url: 'https://x.test', settings: {} } },
      }),
    ).toEqual(['custom.json: agents.web.settings: not used by a remote agent']);
    expect(problems({}, { AGENT_PROVIDER: 'remote' })).toEqual([
      'AGENT_PROVIDER="remote": expected one of auto, demo, openai, anthropic',
    ]);
  });
});

describe('remote agent health', () => {
  const remoteConfig = (url: string): RemoteAgentConfig => ({
    id: 'ops',
    provider: 'remote',
    model: url,
    url,
    headers: { Authorization: 'Bearer t' },
    input: 'messages',
    contextTokens: 12_000,
    settings: {},
  });

  it('is ready while input_schema answers, degraded (with the reason) when it does not', async () => {
    let status = 200;
    const seen: Array<string | undefined> = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const agent = createRemoteAgent(remoteConfig(`http://127.0.0.1:${port}/agents/x/`), {
        probeIntervalMs: 0,
      });
      const health = agent.health as import('@svelte-langserve/server').RemoteAgentHealth;
      await health.refresh();
      expect(agent.health.current).toEqual({ status: 'ready' });
      expect(seen.at(-1)).toBe('Bearer t');
      status = 401;
      await health.refresh();
      expect(agent.health.current).toEqual({
        status: 'degraded',
        reason: "The remote endpoint's input_schema answered 401.",
      });
    } finally {
      server.close();
    }
    const unreachable = createRemoteAgent(remoteConfig(`http://127.0.0.1:1/agents/x`));
    await (unreachable.health as import('@svelte-langserve/server').RemoteAgentHealth).refresh();
    expect(unreachable.health.current).toMatchObject({
      status: 'degraded',
      reason: expect.stringMatching(/^The remote endpoint is unreachable/),
    });
    expect(unreachable.info).toMatchObject({ provider: 'remote', settings: {}, tools: [] });
  });
});
