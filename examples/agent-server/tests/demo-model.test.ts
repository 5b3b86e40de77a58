import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AIMessageChunk, HumanMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import {
  asksToReason,
  composeDemoAnswer,
  composeDemoReasoning,
  DEMO_ANSWERS,
  hashText,
  tokenize,
} from '../src/providers/demo-answers.js';
import { DemoChatModel } from '../src/providers/demo.js';
import { createProvider, providerMetadata } from '../src/providers/index.js';
import type { AgentConfig } from '../src/agents/config-file.js';
import { loadConfig } from '../src/config.js';

class TokenRecorder extends BaseCallbackHandler {
  name = 'token-recorder';
  tokens: string[] = [];
  handleLLMNewToken(token: string): void {
    this.tokens.push(token);
  }
}

describe('demo answers', () => {
  it('are deterministic, varied, and echo the question', () => {
    const question = 'How should I structure a Fastify plugin?';
    expect(composeDemoAnswer(question)).toBe(composeDemoAnswer(question));
    expect(composeDemoAnswer(question)).toContain(question);
    const answers = new Set(
      Array.from({ length: 40 }, (_, index) =>
        composeDemoAnswer(`question ${index}`).replaceAll(`question ${index}`, 'Q'),
      ),
    );
    expect(answers.size).toBe(DEMO_ANSWERS.length);
  });

  it('cover headings, lists, code blocks, tables and bold', () => {
    const all = DEMO_ANSWERS.map((answer) => answer('q')).join('\n');
    expect(all).toMatch(/^#{1,4} /m);
    expect(all).toMatch(/^- /m);
    expect(all).toMatch(/^1\. /m);
    expect(all).toMatch(/^```ts$/m);
    expect(all).toMatch(/^\| --- \|/m);
    expect(all).toMatch(/\*\*[^*]+\*\*/);
  });

  it('tokenize keeps the text exactly', () => {
    const text = composeDemoAnswer('tables please');
    const tokens = tokenize(text);
    expect(tokens.length).toBeGreaterThan(30);
    expect(tokens.join('')).toBe(text);
    expect(hashText('a')).not.toBe(hashText('b'));
  });
});

describe('DemoChatModel', () => {
  it('streams the answer chunk by chunk and reports each token to callbacks', async () => {
    const model = new DemoChatModel({ tokenDelayMs: 1 });
    const recorder = new TokenRecorder();
    const question = new HumanMessage('Show me a table');
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.stream([question], { callbacks: [recorder] })) {
      chunks.push(chunk);
    }
    const expected = composeDemoAnswer('Show me a table');
    const texts = chunks.slice(0, -1).map((chunk) => chunk.content as string);
    expect(texts.length).toBe(tokenize(expected).length);
    expect(texts.join('')).toBe(expected);
    expect(recorder.tokens).toEqual(texts);
    // The last chunk carries no text: why it stopped, and the demo tokenizer's counts.
    const last = chunks.at(-1) as AIMessageChunk;
    expect(last.content).toBe('');
    expect(last.response_metadata.finish_reason).toBe('stop');
    expect(last.usage_metadata).toEqual({
      input_tokens: tokenize('Show me a table').length,
      output_tokens: texts.length,
      total_tokens: tokenize('Show me a table').length + texts.length,
    });
  });

  it('stops after maxTokens with finish reason "length"', async () => {
    const model = new DemoChatModel({ tokenDelayMs: 0, maxTokens: 5 });
    const message = await model.invoke([new HumanMessage('Show me a table')]);
    expect(message.content).toBe(
      tokenize(composeDemoAnswer('Show me a table')).slice(0, 5).join(''),
    );
    expect(message.response_metadata.finish_reason).toBe('length');
    expect(message.usage_metadata?.output_tokens).toBe(5);
  });

  it('paces chunks by tokenDelayMs', async () => {
    const model = new DemoChatModel({ tokenDelayMs: 15 });
    const times: number[] = [];
    for await (const _chunk of await model.stream([new HumanMessage('pace')])) {
      times.push(performance.now());
      if (times.length === 5) break;
    }
    expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(4 * 15 - 5);
  });

  it('stops promptly on abort and yields nothing more', async () => {
    const model = new DemoChatModel({ tokenDelayMs: 60 });
    const controller = new AbortController();
    const chunks: string[] = [];
    let abortedAt = 0;
    await expect(async () => {
      for await (const chunk of await model.stream([new HumanMessage('abort me')], {
        signal: controller.signal,
      })) {
        chunks.push(chunk.content as string);
        // Abort in the middle of the pause before the third chunk.
        if (chunks.length === 2)
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort();
          }, 20);
      }
    }).rejects.toThrow();
    const stoppedAfter = performance.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect(chunks).toHaveLength(2);
    // It stopped right away, not when the pending 60 ms pause would have ended.
    expect(stoppedAfter).toBeLessThan(25);
  });

  it('generates the full answer without streaming too', async () => {
    const model = new DemoChatModel({ tokenDelayMs: 0 });
    const message = await model.invoke([new HumanMessage('invoke')]);
    expect(message.content).toBe(composeDemoAnswer('invoke'));
  });

  it('is the default provider, and its messages are labelled demo', () => {
    const config = loadConfig({});
    const provider = createProvider(config, config.agents[0] as AgentConfig);
    expect(provider.chatModel).toBeInstanceOf(DemoChatModel);
    expect(providerMetadata(provider)).toEqual({ provider: 'demo', model: 'demo', demo: true });
    expect((provider.chatModel as DemoChatModel).tokenDelayMs).toBe(25);
  });
});

describe('DemoChatModel: reasoning', () => {
  it('reasons first, as reasoning_content, when asked to think or reason', async () => {
    const model = new DemoChatModel({ tokenDelayMs: 0 });
    const question = 'Think it through: what is a run?';
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.stream([new HumanMessage(question)])) chunks.push(chunk);
    const reasoning = chunks.map((chunk) => chunk.additional_kwargs.reasoning_content ?? '');
    const firstText = chunks.findIndex((chunk) => chunk.content !== '');
    const lastReasoning = reasoning.findLastIndex((text) => text !== '');
    expect(lastReasoning).toBeGreaterThan(0);
    expect(lastReasoning).toBeLessThan(firstText);
    expect(reasoning.join('')).toBe(composeDemoReasoning(question));
    expect(chunks.map((chunk) => chunk.content).join('')).toBe(composeDemoAnswer(question));
  });

  it('does not reason otherwise ("thinking" and "reasonable" do not count)', async () => {
    expect(asksToReason('Please reason about it')).toBe(true);
    expect(asksToReason('I was thinking of a reasonable answer')).toBe(false);
    const model = new DemoChatModel({ tokenDelayMs: 0 });
    const message = await model.invoke([new HumanMessage('Show me a table')]);
    expect(message.additional_kwargs.reasoning_content).toBeUndefined();
  });
});
