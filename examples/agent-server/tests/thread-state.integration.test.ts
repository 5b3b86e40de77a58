import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  AIMessageChunk,
  type BaseMessage,
  type ToolMessage,
} from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import type { Message, RunInfo } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { createGraphAgent } from '@svelte-langserve/server';
import type { Agent } from '@svelte-langserve/server';
import type { DatabaseConfig } from '../src/config.js';
import { SqlConversationStore, threadIdOf } from '@svelte-langserve/server';
import {
  createConversation,
  EventLog,
  serverPerTest,
  TEST_DATABASE,
  type ClientSocket,
} from './support/harness.js';
import { freshPostgresSchema } from './support/postgres.js';

/**
 * LangGraph's checkpointer is a run's state (ADR 0029), on the real store of each dialect (a
 * SQLite file, a fresh PostgreSQL schema): state keys and tool calls persist from turn to turn,
 * regenerate and edit fork the state, and agents answering one conversation keep their own.
 */
const harness = serverPerTest();

/** What a test graph's node saw on one turn. */
interface Turn {
  agentId: string;
  /** The last user message's text. */
  question: string;
  /** The state's `notes` when the node ran. */
  notes: string[];
  /** The state's messages as `type:text`. */
  messages: string[];
}

const describeMessage = (message: BaseMessage) =>
  `${message.getType()}:${typeof message.content === 'string' ? message.content : ''}`;

/**
 * An agent whose graph keeps an extra state key, `notes` (appended to on every turn: the
 * question and a serial number of the node's execution, shared by every agent of one test),
 * and whose answer says what it had noted before.
 */
function notesAgent(id: string, turns: Turn[], serial: { next: number }): Agent {
  const State = Annotation.Root({
    ...MessagesAnnotation.spec,
    notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  return createGraphAgent({
    id,
    name: id,
    description: 'Notes what it was told.',
    graph: (checkpointer) =>
      new StateGraph(State)
        .addNode('model', (state) => {
          const question = state.messages.findLast((message) => message.getType() === 'human');
          const text = typeof question?.content === 'string' ? question.content : '';
          turns.push({
            agentId: id,
            question: text,
            notes: [...state.notes],
            messages: state.messages.map(describeMessage),
          });
          serial.next += 1;
          const noted = state.notes.join(', ') || 'nothing';
          return {
            messages: [new AIMessage(`#${serial.next} ${id} noted before: ${noted}`)],
            notes: [`${id}:${text}#${serial.next}`],
          };
        })
        .addEdge(START, 'model')
        .addEdge('model', END)
        .compile(checkpointer ? { checkpointer } : {}),
  });
}

/** A socket on a started server, with helpers that wait for each answer to end. */
async function session(socket: ClientSocket) {
  const log = new EventLog(socket);
  const conversationId = await createConversation(socket);
  let sent = 0;
  const ended = async (runs: RunInfo[]) => {
    for (const run of runs) await log.ended(run.id);
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    if (!joined.ok) throw new Error(joined.error.message);
    return runs.map((run) => {
      const answer = joined.data.messages.find((message) => message.id === run.messageId);
      expect(answer?.status).toBe('complete');
      return answer as Message;
    });
  };
  const send = async (text: string, options: { parentId?: string; agentIds?: string[] } = {}) => {
    sent += 1;
    const result = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: `thread-${sent}`,
      text,
      ...options,
    });
    if (!result.ok) throw new Error(result.error.message);
    return { question: result.data.message, answers: await ended(result.data.runs) };
  };
  const regenerate = async (messageId: string) => {
    const result = await socket.emitWithAck('messages:regenerate', { conversationId, messageId });
    if (!result.ok) throw new Error(result.error.message);
    return (await ended(result.data.runs))[0] as Message;
  };
  return { conversationId, send, regenerate };
}

const textOf = (message: Message | undefined) =>
  (message?.parts ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');

/**
 * A chat model scripted for one tool round trip: asked a question, it calls the calculator;
 * given the tool's result, it answers with it; every call records the messages it was sent.
 */
class ToolCallingModel extends BaseChatModel {
  readonly inputs: BaseMessage[][] = [];

  _llmType(): string {
    return 'scripted-tools';
  }

  override bindTools(): Runnable<BaseLanguageModelInput, AIMessageChunk> {
    return this as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk>;
  }

  async *_streamResponseChunks(messages: BaseMessage[]): AsyncGenerator<ChatGenerationChunk> {
    this.inputs.push(messages);
    const last = messages.at(-1);
    const question = typeof last?.content === 'string' ? last.content : '';
    const chunk =
      last?.getType() === 'human' && question.startsWith('add')
        ? new AIMessageChunk({
            content: '',
            tool_call_chunks: [
              {
                type: 'tool_call_chunk',
                id: `call-${this.inputs.length}`,
                name: 'calculator',
                args: JSON.stringify({ expression: '2 + 3' }),
                index: 0,
              },
            ],
          })
        : last?.getType() === 'tool'
          ? new AIMessageChunk(`The sum is ${JSON.parse(String(last.content)).result}.`)
          : new AIMessageChunk('ok');
    yield new ChatGenerationChunk({
      text: typeof chunk.content === 'string' ? chunk.content : '',
      message: chunk,
    });
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    let whole: AIMessageChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages))
      whole = whole
        ? whole.concat(chunk.message as AIMessageChunk)
        : (chunk.message as AIMessageChunk);
    return { generations: [{ text: '', message: whole ?? new AIMessage('') }] };
  }
}

describe('the checkpointer is the run state (real server, real store)', () => {
  it('keeps extra state keys from turn to turn', async () => {
    const turns: Turn[] = [];
    await harness.start({ agents: [notesAgent('notes', turns, { next: 0 })] });
    const { send } = await session(await harness.client());
    const first = await send('alpha');
    const second = await send('beta');
    const third = await send('gamma');
    expect(turns.map((turn) => turn.notes)).toEqual([
      [],
      ['notes:alpha#1'],
      ['notes:alpha#1', 'notes:beta#2'],
    ]);
    expect(textOf(first.answers[0])).toBe('#1 notes noted before: nothing');
    expect(textOf(third.answers[0])).toBe('#3 notes noted before: notes:alpha#1, notes:beta#2');
    // Each turn sent only the new question: the rest came from the checkpoint.
    expect(turns[2]?.messages).toEqual([
      'human:alpha',
      `ai:${textOf(first.answers[0])}`,
      'human:beta',
      `ai:${textOf(second.answers[0])}`,
      'human:gamma',
    ]);
  });

  it('gives the model the earlier turns’ tool calls and results', async () => {
    const model = new ToolCallingModel({});
    await harness.start({ model });
    const { send } = await session(await harness.client());
    const first = await send('add 2 and 3', { agentIds: ['chatbot'] });
    expect(textOf(first.answers[0])).toBe('The sum is 5.');
    const second = await send('thanks', { agentIds: ['chatbot'] });
    // The answer is this turn's only: the earlier tool call is not streamed again.
    expect(second.answers[0]?.parts).toEqual([{ type: 'text', text: 'ok' }]);
    const next = (model.inputs.at(-1) ?? []).filter((message) => message.getType() !== 'system');
    expect(next.map((message) => message.getType())).toEqual([
      'human',
      'ai',
      'tool',
      'ai',
      'human',
    ]);
    const call = next[1] as AIMessage;
    expect(call.tool_calls).toMatchObject([
      { id: 'call-1', name: 'calculator', args: { expression: '2 + 3' } },
    ]);
    const result = next[2] as ToolMessage;
    expect(result.tool_call_id).toBe('call-1');
    expect(JSON.parse(String(result.content))).toEqual({ expression: '2 + 3', result: '5' });
    expect(next.map(describeMessage).slice(3)).toEqual(['ai:The sum is 5.', 'human:thanks']);
  });

  it('forks the state on regenerate and edit: a branch never sees its sibling’s keys', async () => {
    const turns: Turn[] = [];
    await harness.start({ agents: [notesAgent('notes', turns, { next: 0 })] });
    const { send, regenerate } = await session(await harness.client());
    const alpha = await send('alpha');
    const a1 = alpha.answers[0] as Message;
    const beta = await send('beta', { parentId: a1.id });
    // Regenerate the answer to "beta": it forks from the answer to "alpha", as beta#2 never was.
    const b2 = await regenerate((beta.answers[0] as Message).id);
    expect(turns.at(-1)).toMatchObject({ question: 'beta', notes: ['notes:alpha#1'] });
    // Continue the regenerated branch: it has its own beta (#3), not the sibling's (#2).
    await send('gamma', { parentId: b2.id });
    expect(turns.at(-1)).toMatchObject({
      question: 'gamma',
      notes: ['notes:alpha#1', 'notes:beta#3'],
      messages: [
        'human:alpha',
        `ai:${textOf(a1)}`,
        'human:beta',
        `ai:${textOf(b2)}`,
        'human:gamma',
      ],
    });
    // Edit "beta" (a sibling question under the answer to "alpha"): neither beta is there.
    await send('delta', { parentId: a1.id });
    expect(turns.at(-1)).toMatchObject({ question: 'delta', notes: ['notes:alpha#1'] });
    expect(turns.at(-1)?.messages).toEqual(['human:alpha', `ai:${textOf(a1)}`, 'human:delta']);
    // The first branch, continued after all that, still has only its own notes.
    const b1 = beta.answers[0] as Message;
    await send('epsilon', { parentId: b1.id });
    expect(turns.at(-1)).toMatchObject({
      question: 'epsilon',
      notes: ['notes:alpha#1', 'notes:beta#2'],
      messages: [
        'human:alpha',
        `ai:${textOf(a1)}`,
        'human:beta',
        `ai:${textOf(b1)}`,
        'human:epsilon',
      ],
    });
  });

  it('keeps separate state for two agents answering one conversation', async () => {
    const turns: Turn[] = [];
    const serial = { next: 0 };
    await harness.start({
      agents: [notesAgent('left', turns, serial), notesAgent('right', turns, serial)],
    });
    const { send } = await session(await harness.client());
    const agentIds = ['left', 'right'];
    const first = await send('hello', { agentIds });
    // The next question follows the latest message: one of the two answers.
    const second = await send('again', { agentIds });
    expect(second.question.parentId).toBe(first.answers[1]?.id);
    // Each answer is its own agent's only (another agent's answer in the input is not streamed).
    const [leftAgain, rightAgain] = second.answers.map(textOf);
    expect(leftAgain).toMatch(/^#\d left noted before: left:hello#\d$/);
    expect(rightAgain).toMatch(/^#\d right noted before: right:hello#\d$/);
    const byAgent = (agentId: string) => turns.filter((turn) => turn.agentId === agentId);
    expect(byAgent('left').map((turn) => turn.notes.map((note) => note.split('#')[0]))).toEqual([
      [],
      ['left:hello'],
    ]);
    expect(byAgent('right').map((turn) => turn.notes.map((note) => note.split('#')[0]))).toEqual([
      [],
      ['right:hello'],
    ]);
    // Each has its own answer from its checkpoint; the other agent's answer on the branch comes
    // as input, as the text history always gave it.
    const [left, right] = first.answers.map(textOf);
    expect(byAgent('right')[1]?.messages).toEqual(['human:hello', `ai:${right}`, 'human:again']);
    expect(byAgent('left')[1]?.messages).toEqual([
      'human:hello',
      `ai:${left}`,
      `ai:${right}`,
      'human:again',
    ]);
  });

  it('an answer without a head (stored before checkpoints were kept) seeds a new root from its text', async () => {
    const database = await ownDatabase();
    const turns: Turn[] = [];
    const agents = [notesAgent('notes', turns, { next: 0 })];
    const before = await harness.start({ agents, config: { database } });
    const { conversationId, send } = await session(await harness.client());
    const alpha = await send('alpha');
    harness.closeSockets();
    await before.close();
    // What a database from before this change holds: the answer, without its head.
    await withStore(database, (store) =>
      store.db.updateTable('messages').set({ checkpoint_id: null }).execute(),
    );

    await harness.start({ agents, config: { database } });
    const socket = await harness.client();
    const joined = await socket.emitWithAck('conversations:join', { conversationId });
    expect(joined.ok).toBe(true);
    const log = new EventLog(socket);
    const sent = await socket.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'after-upgrade',
      text: 'beta',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await log.ended((sent.data.runs[0] as RunInfo).id);
    // The text history, as before; the state keys start afresh (none came from the old turn).
    expect(turns.at(-1)).toMatchObject({
      question: 'beta',
      notes: [],
      messages: ['human:alpha', `ai:${textOf(alpha.answers[0])}`, 'human:beta'],
    });
  });

  it('deleting a conversation deletes its agents’ threads', async () => {
    const database = await ownDatabase();
    const turns: Turn[] = [];
    const serial = { next: 0 };
    await harness.start({
      agents: [notesAgent('left', turns, serial), notesAgent('right', turns, serial)],
      config: { database },
    });
    const socket = await harness.client();
    const { conversationId, send } = await session(socket);
    await send('hello', { agentIds: ['left', 'right'] });
    const threads = () =>
      withStore(database, async (store) => {
        const found: string[] = [];
        for (const agentId of ['left', 'right']) {
          const configurable = { thread_id: threadIdOf(conversationId, agentId) };
          if (await store.checkpointer.getTuple({ configurable })) found.push(agentId);
        }
        return found;
      });
    expect(await threads()).toEqual(['left', 'right']);
    const deleted = await socket.emitWithAck('conversations:delete', { conversationId });
    expect(deleted.ok).toBe(true);
    expect(await threads()).toEqual([]);
  });
});

/** A database of the test's own dialect that outlives one server (removed after the test). */
async function ownDatabase(): Promise<DatabaseConfig> {
  if (TEST_DATABASE === 'postgres') {
    const fresh = await freshPostgresSchema();
    harness.onCleanup(fresh.drop);
    return fresh.database;
  }
  const folder = mkdtempSync(path.join(tmpdir(), 'agent-server-thread-'));
  harness.onCleanup(() => rmSync(folder, { recursive: true, force: true }));
  return { dialect: 'sqlite', file: path.join(folder, 'agent-server.sqlite') };
}

/** Runs `use` on a second store over `database` (migrated: its checkpointer is ready). */
async function withStore<T>(
  database: DatabaseConfig,
  use: (store: SqlConversationStore) => Promise<T>,
): Promise<T> {
  if (database.dialect === 'memory') throw new Error('a SQL database is needed');
  const store = SqlConversationStore.open(database);
  try {
    await store.migrate();
    return await use(store);
  } finally {
    await store.close();
  }
}
