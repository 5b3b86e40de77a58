/**
 * Reasoning ("thinking") end to end: the REAL `ChatOpenAI` (an OpenAI-compatible server's
 * `reasoning_content` deltas) and `ChatAnthropic` (a `thinking` block) against the local
 * wire-format server, through the agent graph, the stream adapter, the run (coalesced like text)
 * and the store; and the offline demo model asked to "think".
 */
import type { Message, ReasoningPart, RunEvent, RunInfo } from 'svelte-langserve/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { composeDemoReasoning } from '../src/providers/demo-answers.js';
import {
  connectClient,
  createConversation,
  deltaText,
  EventLog,
  startServer,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { ProviderFaultServer, type Provider } from './support/provider-fault-server.js';

/** The agent answering with each provider (both without tools). */
const AGENT: Record<Provider, string> = { openai: 'code-assistant', anthropic: 'creative-writer' };
const REASONING = ['The user', ' says hello;', ' a short', ' greeting', ' will do.'];

const reasoningText = (events: RunEvent[]) =>
  events.map((event) => (event.type === 'reasoning-delta' ? event.text : '')).join('');

async function send(socket: ClientSocket, conversationId: string, text: string, agentId?: string) {
  const result = await socket.emitWithAck('messages:send', {
    conversationId,
    clientMessageId: `${conversationId}:${text}`,
    text,
    ...(agentId ? { agentIds: [agentId] } : {}),
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.data.runs[0] as RunInfo;
}

async function storedAnswer(socket: ClientSocket, conversationId: string, messageId: string) {
  const joined = await socket.emitWithAck('conversations:join', { conversationId });
  if (!joined.ok) throw new Error(joined.error.message);
  return joined.data.messages.find((message) => message.id === messageId) as Message;
}

describe('reasoning from real provider clients', () => {
  let faults: ProviderFaultServer;
  let server: TestServer;
  let socket: ClientSocket;
  let log: EventLog;

  beforeAll(async () => {
    faults = new ProviderFaultServer({
      defaultBehaviour: { reply: { reasoning: REASONING, tokens: ['Hel', 'lo!'] } },
    });
    await faults.listen();
    const config = loadConfig({
      OPENAI_BASE_URL: faults.openaiBaseURL,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: faults.anthropicBaseURL,
      AGENT_CODE_ASSISTANT_PROVIDER: 'openai',
      AGENT_CREATIVE_WRITER_PROVIDER: 'anthropic',
    });
    // A long flush interval: the reasoning pieces, sent together, are coalesced.
    server = await startServer({ config: { ...config, runFlushIntervalMs: 40 } });
    socket = await connectClient(server.url);
    log = new EventLog(socket);
  });

  afterAll(async () => {
    socket?.close();
    await server?.close();
    await faults?.close();
  });

  it.each(['openai', 'anthropic'] as const)(
    '%s: reasoning arrives before the text, coalesced, and is stored as a part',
    async (provider) => {
      const conversationId = await createConversation(socket);
      const run = await send(socket, conversationId, `${provider}: hello`, AGENT[provider]);
      await log.ended(run.id, 8000);
      const events = log.forRun(run.id);
      expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
      const types = events.map((event) => event.type);
      const lastReasoning = types.lastIndexOf('reasoning-delta');
      expect(types.indexOf('reasoning-delta')).toBe(1);
      expect(lastReasoning).toBeLessThan(types.indexOf('text-delta'));
      expect(reasoningText(events)).toBe(REASONING.join(''));
      expect(deltaText(events)).toBe('Hello!');
      // Coalesced like text: fewer events than the model's reasoning tokens.
      expect(types.filter((type) => type === 'reasoning-delta').length).toBeLessThan(
        REASONING.length,
      );
      const last = events[lastReasoning] as Extract<RunEvent, { type: 'reasoning-delta' }>;
      expect(last.durationMs).toBeGreaterThanOrEqual(0);

      const stored = await storedAnswer(socket, conversationId, run.messageId);
      expect(stored.parts).toEqual([
        { type: 'reasoning', text: REASONING.join(''), durationMs: last.durationMs },
        { type: 'text', text: 'Hello!' },
      ]);

      // The reasoning is not sent back to the model with the history.
      const next = await send(socket, conversationId, `${provider}: again`, AGENT[provider]);
      await log.ended(next.id, 8000);
      const request = faults.requests.at(-1);
      expect(request?.provider).toBe(provider);
      const body = JSON.stringify(request?.body);
      expect(body).toContain('Hello!');
      expect(body).not.toContain('a short greeting');
    },
    20_000,
  );
});

describe('reasoning from the offline demo model', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let log: EventLog;

  beforeAll(async () => {
    server = await startServer();
    socket = await connectClient(server.url);
    log = new EventLog(socket);
  });

  afterAll(async () => {
    socket?.close();
    await server?.close();
  });

  it('reasons first when asked to think, and only then', async () => {
    const conversationId = await createConversation(socket);
    const question = 'Think about it: what is a run?';
    const run = await send(socket, conversationId, question);
    await log.ended(run.id, 8000);
    const events = log.forRun(run.id);
    expect(reasoningText(events)).toBe(composeDemoReasoning(question));
    const types = events.map((event) => event.type);
    expect(types.lastIndexOf('reasoning-delta')).toBeLessThan(types.indexOf('text-delta'));
    const stored = await storedAnswer(socket, conversationId, run.messageId);
    expect(stored.parts[0]).toMatchObject({
      type: 'reasoning',
      text: composeDemoReasoning(question),
    } satisfies Partial<ReasoningPart>);
    expect(stored.parts.map((part) => part.type)).toEqual(['reasoning', 'text']);

    const plain = await send(socket, conversationId, 'What is a run?');
    await log.ended(plain.id, 8000);
    expect(log.forRun(plain.id).some((event) => event.type === 'reasoning-delta')).toBe(false);
  });
});
