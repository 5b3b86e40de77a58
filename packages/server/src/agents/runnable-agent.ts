import { randomUUID } from 'node:crypto';
import type { BaseMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import { describeAgent, type Agent } from './agent.js';
import { textItemsOf } from './content.js';

/**
 * What the server needs of a plain LangChain runnable (LCEL: `model.pipe(new
 * StringOutputParser())`, a chat model itself): it takes the conversation's messages (a list,
 * not an object: put `RunnableLambda.from((messages) => ({ messages }))` before a prompt that
 * expects one) and streams message chunks or strings.
 */
export interface ChatRunnable {
  stream(input: BaseMessage[], options?: Partial<RunnableConfig>): Promise<AsyncIterable<unknown>>;
}

/** A plain runnable as you register it. */
export interface RunnableAgentOptions {
  /** Unique; clients address the agent by it. */
  id: string;
  name: string;
  description: string;
  /** Streams an answer to the conversation's messages (the branch's text, trimmed). */
  runnable: ChatRunnable;
  /** Shown with the agent and on its answers. @default 'custom' */
  provider?: string;
  /** @default 'runnable' */
  model?: string;
  /** The history budget sent to the runnable, in tokens. */
  contextTokens?: number;
}

/**
 * An agent over a plain runnable: stateless (every turn sends the branch's text history, as for
 * remote agents), its streamed text shown as the answer's tokens. For tools, state kept between
 * turns or interrupts, register a LangGraph graph instead.
 */
export function createRunnableAgent(options: RunnableAgentOptions): Agent {
  const { runnable, ...description } = options;
  return {
    ...describeAgent({
      ...description,
      provider: options.provider ?? 'custom',
      model: options.model ?? 'runnable',
    }),
    graph: {
      stream: async ({ messages }, { signal }) =>
        textItemsOf(await runnable.stream(messages, { signal }), `run-${randomUUID()}`, {}),
    },
  };
}
