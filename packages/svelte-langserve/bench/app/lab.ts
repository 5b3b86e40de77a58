/**
 * The benchmark lab page: `window.bench` runs one measurement at a time, driven by
 * `bench/run.ts` through Playwright. Everything imports the library from its built `dist`.
 */
import { flushSync, mount, tick, unmount } from 'svelte';
import { Marked } from 'marked';
import {
  IncrementalMarkdown,
  createChatStore,
  createSanitizer,
  type ChatMessage,
} from 'svelte-langserve';
import { InMemoryTransport } from 'svelte-langserve/client';
import { ok, type RunEvent } from 'svelte-langserve/protocol';
import './chat.css';
import { answerText, tokenize } from '../fixtures/answer.js';
import { conversationHistory } from '../fixtures/conversation.js';
import OpenList from './OpenList.svelte';
import StreamChat from './StreamChat.svelte';

const answer = answerText();
const tokens = tokenize(answer, 4);
const target = document.getElementById('app')!;
const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Figure 1: the whole answer streamed in 4-character tokens through one renderer. Returns the
 * time spent in parse + sanitize per token (ms), -1 for tokens not measured; nothing is put in
 * the DOM. The naive renderer keeps no state, so it may measure every `stride`-th token only
 * (and the last): its per-token cost depends on the prefix alone.
 */
function markdownRun(kind: 'incremental' | 'naive', stride = 1): number[] {
  const sanitize = createSanitizer()!;
  let update: (text: string) => unknown;
  if (kind === 'incremental') {
    const renderer = new IncrementalMarkdown({ sanitize });
    update = (text) => renderer.update(text);
  } else {
    const marked = new Marked({ gfm: true, breaks: false, async: false });
    update = (text) => sanitize(marked.parse(text) as string);
  }
  const times: number[] = [];
  let text = '';
  let sink = 0;
  for (const [index, token] of tokens.entries()) {
    text += token;
    if (kind === 'naive' && index % stride !== stride - 1 && index !== tokens.length - 1) {
      times.push(-1);
      sink += 1;
      continue;
    }
    const start = performance.now();
    const result = update(text);
    times.push(performance.now() - start);
    sink += result ? 1 : 0;
  }
  if (sink !== tokens.length) throw new Error('renderer returned nothing');
  return times;
}

interface StreamResult {
  tokens: number;
  characters: number;
  /** performance.now() when the first 10 KB had been emitted. */
  after10k: number;
  longTasks: { startTime: number; duration: number }[];
  elapsedMs: number;
  text: string;
}

/** How messages render in figure 2: the library's Message (paced or not), naive markdown, or plain text. */
type StreamMode = 'library' | 'unpaced' | 'naive' | 'plain';

const conversationId = 'conv-bench';
const agent = {
  id: 'bench-agent',
  name: 'Bench agent',
  description: 'Scripted',
  provider: 'demo',
  model: 'bench',
  demo: true,
  tools: [],
  health: { status: 'ready' as const },
};

let current: { component: ReturnType<typeof mount>; start: () => Promise<StreamResult> } | null =
  null;

/**
 * Figure 2, set-up: a ChatInterface on an in-memory transport whose conversation has `history`
 * earlier messages. `start()` sends a prompt; the scripted server answers with the fixture at
 * `rate` tokens per second (one `text-delta` per token) and resolves once the answer is shown.
 */
async function streamSetUp(options: { mode: StreamMode; rate: number; history: number }) {
  const history = conversationHistory(options.history, conversationId);
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let after10k = 0;
  const transport = new InMemoryTransport({
    handlers: {
      'agents:list': () => ok({ agents: [agent] }),
      'conversations:join': () =>
        ok({
          conversation: {
            id: conversationId,
            title: 'Bench',
            agentIds: [agent.id],
            createdAt: history[0]!.createdAt,
            updatedAt: history[0]!.createdAt,
          },
          messages: history,
          hasMore: false,
          runs: [],
        }),
      'messages:send': (payload, context) => {
        const message = {
          id: 'bench-user',
          conversationId,
          role: 'user' as const,
          parts: [{ type: 'text' as const, text: payload.text }],
          status: 'complete' as const,
          createdAt: new Date().toISOString(),
          clientMessageId: payload.clientMessageId,
        };
        const run = {
          id: 'bench-run',
          conversationId,
          messageId: 'bench-answer',
          agentId: agent.id,
          status: 'running' as const,
          seq: -1,
        };
        const base = { runId: run.id, conversationId };
        const emit = (event: RunEvent) => context.emit('run:event', event);
        // After the acknowledgement, as the server does.
        void Promise.resolve().then(() => {
          emit({
            ...base,
            seq: 0,
            type: 'start',
            messageId: run.messageId,
            agentId: agent.id,
            parentId: message.id,
            attempt: 1,
            createdAt: new Date().toISOString(),
            metadata: {},
          });
          const began = performance.now();
          let sent = 0;
          let characters = 0;
          // Every 10 ms, emit the tokens due by now (timers nest, so one per token would be
          // clamped to 4 ms by the browser).
          const pump = () => {
            const due = Math.min(
              tokens.length,
              Math.floor(((performance.now() - began) * options.rate) / 1000) + 1,
            );
            for (; sent < due; sent += 1) {
              emit({ ...base, seq: sent + 1, type: 'text-delta', text: tokens[sent]! });
              characters += tokens[sent]!.length;
              if (!after10k && characters >= 10 * 1024) after10k = performance.now();
            }
            if (sent < tokens.length) setTimeout(pump, 10);
            else {
              emit({ ...base, seq: sent + 1, type: 'end', status: 'completed' });
              finished();
            }
          };
          pump();
        });
        return ok({ message, runs: [run] });
      },
    },
  });
  const store = createChatStore({ transport });
  const component = mount(StreamChat, { target, props: { store, mode: options.mode } });
  store.connect();
  await store.open(conversationId);
  await frame();
  await frame();
  const shown = () => target.querySelectorAll('[data-slot="message-list-item"]').length;
  if (shown() === 0) throw new Error('the history did not render');

  const start = async (): Promise<StreamResult> => {
    const longTasks: { startTime: number; duration: number }[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        longTasks.push({ startTime: entry.startTime, duration: entry.duration });
    });
    observer.observe({ type: 'longtask', buffered: false });
    const began = performance.now();
    await store.send('Explain streaming, with code.');
    await done;
    // The last delta is published on the next frame; let it render and paint.
    await frame();
    await frame();
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    const elapsedMs = performance.now() - began;
    const text = store.messages.find((item) => item.id === 'bench-answer');
    return {
      tokens: tokens.length,
      characters: answer.length,
      after10k,
      longTasks,
      elapsedMs,
      text: text?.parts.map((part) => ('text' in part ? part.text : '')).join('') ?? '',
    };
  };
  current = { component, start };
  return { messages: store.messages.length };
}

/**
 * Figure 3: mounts a `count`-message conversation and waits two frames (layout and paint).
 * Returns the time from `mount` to after the second frame, and the elements in the list.
 */
async function openRun(options: { naive: boolean; count: number }) {
  const messages: ChatMessage[] = conversationHistory(options.count, 'conv-open');
  await frame();
  const began = performance.now();
  const component = mount(OpenList, { target, props: { messages, naive: options.naive } });
  flushSync();
  const mountedMs = performance.now() - began;
  // Reading layout forces style and layout now rather than in the frame.
  void target.getBoundingClientRect().height;
  await frame();
  await frame();
  const totalMs = performance.now() - began;
  const nodes = target.getElementsByTagName('*').length;
  const rendered = target.querySelectorAll('[data-slot="message"]').length;
  await unmount(component);
  await tick();
  return { mountedMs, totalMs, nodes, rendered };
}

declare global {
  interface Window {
    bench: typeof bench;
  }
}

const bench = {
  answerLength: answer.length,
  tokenCount: tokens.length,
  markdownRun,
  streamSetUp,
  streamStart: () => {
    if (!current) throw new Error('streamSetUp first');
    return current.start();
  },
  openRun,
  expectedAnswer: answer,
};
window.bench = bench;
