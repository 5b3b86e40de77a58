/** Agents with runtime settings, as the example server reports them (stories and tests). */
import type { AgentInfo, AgentSettingsSpec } from '../../src/lib/protocol/index.js';

const agent = (
  id: string,
  name: string,
  provider: string,
  model: string,
  settings?: AgentSettingsSpec,
): AgentInfo => ({
  id,
  name,
  description: `${name} (${provider})`,
  provider,
  model,
  demo: provider === 'demo',
  tools: [],
  health: { status: 'ready' },
  ...(settings ? { settings } : {}),
});

/** The offline demo model: it honours only `maxTokens`. */
export const demoAgent = agent('chatbot', 'Chatbot', 'demo', 'demo', {
  maxTokens: { min: 1, max: 4096, integer: true },
});

/** An OpenAI model: temperature 0..2 (default 0.2 here), top-p and max tokens. */
export const openAiAgent = agent('code-assistant', 'Code assistant', 'openai', 'gpt-4o-mini', {
  temperature: { min: 0, max: 2, default: 0.2 },
  topP: { min: 0, max: 1 },
  maxTokens: { min: 1, max: 128_000, integer: true },
});

/** An Anthropic model: narrower temperature, a required max-tokens default. */
export const anthropicAgent = agent(
  'research-assistant',
  'Research assistant',
  'anthropic',
  'claude-haiku-4-5',
  {
    temperature: { min: 0, max: 1, default: 0.2 },
    topP: { min: 0, max: 1 },
    maxTokens: { min: 1, max: 64_000, integer: true, default: 4096 },
  },
);

/** An agent whose model takes no runtime settings. */
export const fixedAgent = agent('data-analyst', 'Data analyst', 'custom', 'fixed-pipeline');
