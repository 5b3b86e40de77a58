/**
 * The authorization matrix, built from the server's own lists: every protocol request
 * (`REQUEST_NAMES`, classified by its zod schema) and every HTTP route (collected from Fastify,
 * classified by its URL parameters and body/query schema) that takes the id of something a user
 * owns — a key named `…Id`, `…_id`, `…Ids`, `id`, `before`, `cursor` or `runs` — must have an
 * entry in {@link MATRIX}, and every entry must name a request or route that exists and fill
 * every such key. For each entry, bob uses alice's ids: he gets a typed `not_found` /
 * `forbidden` (or, where the id only positions him in his own data, his own data), with none of
 * alice's data in the answer; alice's view is unchanged afterwards; and bob receives none of
 * alice's events. Runs against SQLite and PostgreSQL (unreachable PostgreSQL FAILS).
 */
import type { FastifyInstance } from 'fastify';
import {
  REQUEST_NAMES,
  requestSchemas,
  type RequestName,
  type RunInfo,
} from 'svelte-langserve/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { InMemoryConversationStore, type ConversationStore } from '@svelte-langserve/server';
import {
  connectAs,
  EventLog,
  startServer,
  wait,
  type ClientSocket,
  type TestServer,
} from './support/harness.js';
import { freshPostgresStore } from './support/postgres.js';
import { ScriptedChatModel } from './support/scripted-model.js';

// ---------------------------------------------------------------------------------------------
// Classification: which requests and routes take ids of what a user owns.

/** Keys that carry an id (or a position derived from one). */
const ID_KEY = /^(id|ids|before|after|cursor|runs)$|(Id|Ids|_id|_ids)$/;
/** Id keys of what the server offers every caller, not of what a user owns. */
const PUBLIC_ID_KEYS: Record<string, string> = {
  agentId: 'agents are listed to every caller (agents:list, GET /agents)',
  agentIds: 'agents are listed to every caller (agents:list, GET /agents)',
};

type ZodLike = { _zod: { def: Record<string, unknown> & { type: string } } };

/** Every key path of a zod schema: `conversationId`, `runs`, `runs[].runId`, … */
function zodKeyPaths(schema: ZodLike, prefix = ''): string[] {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, ZodLike>).flatMap(([key, value]) => [
        `${prefix}${key}`,
        ...zodKeyPaths(value, `${prefix}${key}.`),
      ]);
    case 'array':
      return zodKeyPaths(def.element as ZodLike, `${prefix.replace(/\.$/, '')}[].`);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return zodKeyPaths(def.innerType as ZodLike, prefix);
    case 'pipe':
      return [
        ...zodKeyPaths(def.in as ZodLike, prefix),
        ...zodKeyPaths(def.out as ZodLike, prefix),
      ];
    case 'union':
    case 'intersection':
      return [
        ...((def.options as ZodLike[] | undefined) ?? []),
        ...(def.left ? [def.left as ZodLike, def.right as ZodLike] : []),
      ].flatMap((option) => zodKeyPaths(option, prefix));
    default:
      return [];
  }
}

/** Every key path of a JSON Schema (route body / querystring / params). */
function jsonSchemaKeyPaths(schema: unknown, prefix = ''): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const paths: string[] = [];
  for (const [key, value] of Object.entries((node.properties as object | undefined) ?? {}))
    paths.push(`${prefix}${key}`, ...jsonSchemaKeyPaths(value, `${prefix}${key}.`));
  if (node.items) paths.push(...jsonSchemaKeyPaths(node.items, `${prefix.replace(/\.$/, '')}[].`));
  for (const combinator of ['anyOf', 'oneOf', 'allOf'])
    for (const option of (node[combinator] as unknown[] | undefined) ?? [])
      paths.push(...jsonSchemaKeyPaths(option, prefix));
  return [...new Set(paths)];
}

/** The key paths that carry an id of something a user owns. */
function ownedIdPaths(paths: string[]): string[] {
  return [
    ...new Set(
      paths.filter((keyPath) => {
        const key = keyPath.split(/\.|\[\]\./).at(-1) as string;
        return ID_KEY.test(key) && !(key in PUBLIC_ID_KEYS);
      }),
    ),
  ].sort();
}

/** The owned-id key paths of each protocol request. */
function requestIdPaths(): Map<string, string[]> {
  return new Map(
    REQUEST_NAMES.map((name) => [
      name,
      ownedIdPaths(zodKeyPaths(requestSchemas[name] as unknown as ZodLike)),
    ]),
  );
}

/** Parses `app.printRoutes({ commonPrefix: false })` into `METHOD /url` pairs. */
function parseRouteTree(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = Math.round((match[1] as string).length / 4);
    stack.length = depth;
    stack.push(match[2] as string);
    for (const method of (match[3] ?? '').split(',').map((name) => name.trim()))
      if (method) routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

/**
 * Every HTTP route the app serves (HEAD routes Fastify adds for GETs left out), with the
 * owned-id key paths of its URL parameters, body and query string.
 */
async function routeIdPaths(): Promise<Map<string, string[]>> {
  const app: FastifyInstance = buildApp({
    logger: false,
    store: new InMemoryConversationStore(),
  });
  const schemas = new Map<string, string[]>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const paths = ['params', 'body', 'querystring'].flatMap((part) =>
      jsonSchemaKeyPaths(schema[part]),
    );
    for (const method of methods) schemas.set(`${method} ${route.url}`, paths);
  });
  await app.ready();
  const routes = parseRouteTree(app.printRoutes({ commonPrefix: false }));
  await app.close();
  expect(routes.length, 'no routes parsed from printRoutes').toBeGreaterThan(5);
  const result = new Map<string, string[]>();
  for (const route of routes) {
    if (route.startsWith('HEAD ')) continue;
    const url = route.slice(route.indexOf(' ') + 1);
    const params = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] as string);
    result.set(route, ownedIdPaths([...params, ...(schemas.get(route) ?? [])]));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The matrix.

/** Alice's data, made before the matrix runs. */
interface Fixture {
  alice: { socket: ClientSocket; userId: string; token: string };
  bob: { socket: ClientSocket; userId: string; token: string };
  url: string;
  /** Alice's conversation with messages and runs. */
  conversationId: string;
  /** Her second conversation (so she has a list cursor). */
  otherConversationId: string;
  /** `nextCursor` of alice's conversation list, one per page. */
  cursor: string;
  /** Her first user message and its client id. */
  messageId: string;
  clientMessageId: string;
  /** The answer of her first message (the ended run's). */
  answerId: string;
  /** Her run that ended (she cancelled it) and her run that is still streaming. */
  endedRunId: string;
  liveRunId: string;
  /** A run of hers over the LangServe HTTP API. */
  httpRunId: string;
  /** Bob's own conversation. */
  bobConversationId: string;
}

/** What an attempt expects: a typed refusal, or an answer with only bob's own data. */
type Expectation = 'denied' | 'scoped';

interface SocketAttempt {
  name: string;
  expect: Expectation;
  payload(fixture: Fixture): Record<string, unknown>;
}

interface HttpAttempt {
  name: string;
  /** The status bob must get. */
  status: number;
  request(fixture: Fixture): { url: string; body: unknown };
}

const ASK = 'What does alice keep secret?';

/**
 * One entry per id-bearing request (`REQUEST_NAMES`) and route (`METHOD /url`). Add one with
 * each new id-bearing request or route: the test below fails until there is one.
 */
const MATRIX: Record<string, SocketAttempt[] | HttpAttempt[]> = {
  'conversations:list': [
    {
      name: 'alice’s cursor only positions bob in his own list',
      expect: 'scoped',
      payload: (f) => ({ cursor: f.cursor, limit: 100 }),
    },
  ],
  'conversations:update': [
    {
      name: 'rename alice’s conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, title: 'Renamed by bob' }),
    },
    {
      name: 'change its agents',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, agentIds: ['chatbot'] }),
    },
  ],
  'conversations:delete': [
    {
      name: 'delete alice’s conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId }),
    },
  ],
  'conversations:join': [
    {
      name: 'join alice’s conversation, asking for her runs’ events',
      expect: 'denied',
      payload: (f) => ({
        conversationId: f.conversationId,
        runs: [
          { runId: f.liveRunId, seq: -1 },
          { runId: f.endedRunId, seq: -1 },
        ],
      }),
    },
    {
      name: 'join his own conversation, asking for alice’s runs’ events',
      expect: 'scoped',
      payload: (f) => ({
        conversationId: f.bobConversationId,
        runs: [
          { runId: f.liveRunId, seq: -1 },
          { runId: f.endedRunId, seq: -1 },
        ],
      }),
    },
  ],
  'conversations:invite': [
    {
      name: 'invite himself into alice’s conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, userId: f.bob.userId }),
    },
    {
      name: 'invite alice into her own conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, userId: f.alice.userId }),
    },
  ],
  'presence:typing': [
    {
      name: 'say he types in alice’s conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, typing: true }),
    },
  ],
  'conversations:leave': [
    {
      name: 'leave alice’s conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId }),
    },
  ],
  'messages:history': [
    {
      name: 'page alice’s conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, before: f.messageId }),
    },
    {
      name: 'page his own conversation from alice’s message',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.bobConversationId, before: f.messageId }),
    },
  ],
  'messages:send': [
    {
      name: 'post into alice’s conversation, re-using her client message id',
      expect: 'denied',
      payload: (f) => ({
        conversationId: f.conversationId,
        clientMessageId: f.clientMessageId,
        text: 'bob was here',
      }),
    },
    {
      name: 'post into alice’s conversation, a new client message id',
      expect: 'denied',
      payload: (f) => ({
        conversationId: f.conversationId,
        clientMessageId: 'bob-new-message',
        text: 'bob was here',
      }),
    },
    {
      name: 'branch his own conversation from alice’s message',
      expect: 'denied',
      payload: (f) => ({
        conversationId: f.bobConversationId,
        clientMessageId: 'bob-branch',
        text: 'bob branches',
        parentId: f.messageId,
      }),
    },
    {
      name: 'alice’s client message id in his own conversation is a new message of his',
      expect: 'scoped',
      payload: (f) => ({
        conversationId: f.bobConversationId,
        clientMessageId: f.clientMessageId,
        text: 'bob’s own message',
      }),
    },
  ],
  'messages:regenerate': [
    {
      name: 'regenerate alice’s answer in her conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, messageId: f.answerId }),
    },
    {
      name: 'regenerate alice’s answer into his own conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.bobConversationId, messageId: f.answerId }),
    },
  ],
  'messages:feedback': [
    {
      name: 'rate alice’s answer in her conversation',
      expect: 'denied',
      payload: (f) => ({
        conversationId: f.conversationId,
        messageId: f.answerId,
        value: -1,
        comment: 'bob was here',
      }),
    },
    {
      name: 'clear a rating on alice’s answer',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.conversationId, messageId: f.answerId, value: null }),
    },
    {
      name: 'rate alice’s answer through his own conversation',
      expect: 'denied',
      payload: (f) => ({ conversationId: f.bobConversationId, messageId: f.answerId, value: 1 }),
    },
  ],
  'runs:cancel': [
    {
      name: 'cancel alice’s streaming run',
      expect: 'denied',
      payload: (f) => ({ runId: f.liveRunId }),
    },
    {
      // `conflict` ("already ended") would tell bob the run exists.
      name: 'cancel alice’s ended run',
      expect: 'denied',
      payload: (f) => ({ runId: f.endedRunId }),
    },
  ],
  'POST /agents/:agentId/feedback': [
    {
      name: 'feedback on alice’s HTTP run',
      status: 404,
      request: (f) => ({
        url: `${f.url}/agents/chatbot/feedback`,
        body: { run_id: f.httpRunId, key: 'correctness', score: 0 },
      }),
    },
    {
      name: 'feedback on alice’s socket run',
      status: 404,
      request: (f) => ({
        url: `${f.url}/agents/chatbot/feedback`,
        body: { run_id: f.liveRunId, key: 'correctness', score: 0 },
      }),
    },
  ],
};

/** Whether `value` has every segment of `keyPath` (`runs[].runId`: some element has it). */
function hasPath(value: unknown, keyPath: string): boolean {
  const [head, ...rest] = keyPath.split('.');
  if (head === undefined) return true;
  const array = head.endsWith('[]');
  const key = array ? head.slice(0, -2) : head;
  if (!value || typeof value !== 'object' || !(key in value)) return false;
  const next = (value as Record<string, unknown>)[key];
  if (rest.length === 0) return true;
  if (array) return Array.isArray(next) && next.some((item) => hasPath(item, rest.join('.')));
  return hasPath(next, rest.join('.'));
}

describe('the authorization matrix covers the server’s own requests and routes', () => {
  it('has an entry for every id-bearing request and route, and none for anything else', async () => {
    const requests = requestIdPaths();
    const routes = await routeIdPaths();
    const idBearing = new Map([...requests, ...routes].filter(([, paths]) => paths.length > 0));
    const missing = [...idBearing.keys()].filter((name) => !(name in MATRIX));
    expect(
      missing,
      `id-bearing requests/routes without an entry in MATRIX (add one): ${missing.join(', ')}`,
    ).toEqual([]);
    const stale = Object.keys(MATRIX).filter((name) => !requests.has(name) && !routes.has(name));
    expect(
      stale,
      `MATRIX entries for requests/routes that no longer exist: ${stale.join(', ')}`,
    ).toEqual([]);
    const idless = Object.keys(MATRIX).filter((name) => !idBearing.has(name));
    expect(
      idless,
      `MATRIX entries for requests/routes that take no owned id: ${idless.join(', ')}`,
    ).toEqual([]);
    // Sanity: the classification finds what is known to exist.
    expect(idBearing.get('runs:cancel')).toEqual(['runId']);
    expect(idBearing.get('conversations:join')).toEqual(['conversationId', 'runs', 'runs[].runId']);
    expect(requests.get('agents:list')).toEqual([]);
    expect(requests.get('conversations:create')).toEqual([]);
  });

  it('fills every owned-id key of a request in at least one attempt', () => {
    const fixture = new Proxy({} as Fixture, { get: (_target, key) => `<${String(key)}>` });
    for (const [name, paths] of requestIdPaths()) {
      const attempts = (MATRIX[name] ?? []) as SocketAttempt[];
      for (const keyPath of paths)
        expect(
          attempts.some((attempt) => hasPath(attempt.payload(fixture), keyPath)),
          `${name}: no attempt sets ${keyPath}`,
        ).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Running it, on each dialect.

async function devLogin(url: string, name: string): Promise<string> {
  const response = await fetch(`${url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function expectOk<T>(
  result: { ok: true; data: T } | { ok: false; error: { message: string } },
) {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

/** Alice's view: her conversations and every message in them. Stable while nothing changes. */
async function aliceView(socket: ClientSocket) {
  const { conversations } = await expectOk(
    await socket.emitWithAck('conversations:list', { limit: 100 }),
  );
  const view = [];
  for (const conversation of conversations) {
    const joined = await expectOk(
      await socket.emitWithAck('conversations:join', {
        conversationId: conversation.id,
        limit: 100,
      }),
    );
    view.push({
      conversation,
      messages: joined.messages.map((message) => ({
        id: message.id,
        role: message.role,
        status: message.status,
        parts: message.parts,
        clientMessageId: message.clientMessageId,
        runId: message.runId,
        authorId: message.authorId,
      })),
      runs: joined.runs.map((run) => ({ id: run.id, status: run.status })),
    });
  }
  return view;
}

/** Every string of alice's in `view` (ids, titles, texts) except agent ids and statuses. */
function secretsOf(view: unknown, extra: string[]): string[] {
  const strings = new Set(extra);
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      if (
        !['role', 'status', 'type', 'agentIds', 'state', 'name'].includes(key) &&
        value.length >= 6
      )
        strings.add(value);
    } else if (Array.isArray(value)) value.forEach((item) => visit(item, key));
    else if (value && typeof value === 'object')
      for (const [entryKey, entry] of Object.entries(value)) visit(entry, entryKey);
  };
  visit(view, '');
  // Times are alice's too, but common; agent ids are public.
  return [...strings].filter((value) => !/^\d{4}-\d\d-\d\dT/.test(value));
}

/** Where the server keeps conversations: its own SQLite file (the default), or PostgreSQL. */
const dialects: Record<
  string,
  () => Promise<{ store?: ConversationStore; dispose?: () => Promise<void> }>
> = {
  sqlite: async () => ({}),
  postgres: async () => freshPostgresStore(),
};

describe.each(Object.keys(dialects))('authorization matrix on %s', (dialect) => {
  let server: TestServer;
  let disposeStore: (() => Promise<void>) | undefined;
  let fixture: Fixture;
  let aliceLog: EventLog;
  /** Everything bob's socket receives, serialized. */
  const bobReceived: string[] = [];
  /** Everything bob sent (he may get his own strings back), serialized. */
  const bobSent: string[] = [];
  let secrets: string[];

  beforeAll(async () => {
    const backend = await dialects[dialect]!();
    disposeStore = backend.dispose;
    // The first two model calls stall after one token until aborted (alice's two runs: one she
    // cancels, one that stays streaming); later calls answer at once.
    const model = new ScriptedChatModel({
      tokens: ['Secret answer of alice ', 'that nobody else may read.'],
      stallAt: 1,
      stallCalls: 2,
    });
    server = await startServer({
      model,
      ...(backend.store ? { store: backend.store } : {}),
    });
    const { url } = server;
    const alice = await connectAs(url, 'alice-matrix');
    const bob = await connectAs(url, 'bob-matrix');
    const aliceToken = await devLogin(url, 'alice-matrix');
    const bobToken = await devLogin(url, 'bob-matrix');
    aliceLog = new EventLog(alice.socket);
    bob.socket.onAny((event: string, ...args: unknown[]) =>
      bobReceived.push(JSON.stringify([event, ...args])),
    );

    const first = await expectOk(
      await alice.socket.emitWithAck('conversations:create', { title: 'Alice’s private plans' }),
    );
    const conversationId = first.conversation.id;
    const send = async (clientMessageId: string, text: string) => {
      const data = await expectOk(
        await alice.socket.emitWithAck('messages:send', { conversationId, clientMessageId, text }),
      );
      const run = data.runs[0] as RunInfo;
      await aliceLog.until(() => aliceLog.forRun(run.id).some((e) => e.type === 'text-delta'));
      return { message: data.message, run };
    };
    const sent = await send('alice-message-1', `${ASK} The first one.`);
    const live = await send('alice-message-2', `${ASK} The second one.`);
    await expectOk(await alice.socket.emitWithAck('runs:cancel', { runId: sent.run.id }));
    await aliceLog.ended(sent.run.id);
    const second = await expectOk(
      await alice.socket.emitWithAck('conversations:create', { title: 'Alice’s diary' }),
    );
    const page = await expectOk(await alice.socket.emitWithAck('conversations:list', { limit: 1 }));
    const invoke = await fetch(`${url}/agents/chatbot/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${aliceToken}` },
      body: JSON.stringify({ input: 'Alice asks over HTTP about her secret' }),
    });
    expect(invoke.status).toBe(200);
    const httpRunId = ((await invoke.json()) as { metadata: { run_id: string } }).metadata.run_id;
    // Bob's own runs (scoped attempts) answer with other words than alice's.
    model.tokens = ['An answer bob may read.'];
    const bobs = await expectOk(
      await bob.socket.emitWithAck('conversations:create', { title: 'Bob’s things' }),
    );
    fixture = {
      alice: { ...alice, token: aliceToken },
      bob: { ...bob, token: bobToken },
      url,
      conversationId,
      otherConversationId: second.conversation.id,
      cursor: page.nextCursor as string,
      messageId: sent.message.id,
      clientMessageId: 'alice-message-1',
      answerId: sent.run.messageId,
      endedRunId: sent.run.id,
      liveRunId: live.run.id,
      httpRunId,
      bobConversationId: bobs.conversation.id,
    };
    expect(fixture.cursor).toEqual(expect.any(String));
    secrets = secretsOf(await aliceView(alice.socket), [
      alice.userId,
      httpRunId,
      'Alice asks over HTTP',
      'Secret answer of alice',
      ASK,
    ]);
  }, 30_000);

  afterAll(async () => {
    fixture?.alice.socket.close();
    fixture?.bob.socket.close();
    await server?.close();
    await disposeStore?.();
  });

  /** The strings of alice's that bob's answer must not contain: all but those he sent. */
  const leaked = (answer: unknown, sent: unknown) => {
    const text = JSON.stringify(answer);
    const own = JSON.stringify(sent);
    return secrets.filter((secret) => !own.includes(secret) && text.includes(secret));
  };

  const entries = Object.entries(MATRIX).flatMap(([name, attempts]) =>
    (attempts as Array<SocketAttempt | HttpAttempt>).map((attempt) => ({ name, attempt })),
  );

  it.each(entries)('$name — $attempt.name', async ({ name, attempt }) => {
    const before = await aliceView(fixture.alice.socket);
    if ('payload' in attempt) {
      const payload = attempt.payload(fixture);
      bobSent.push(JSON.stringify(payload));
      // A request the server does not answer fails here rather than hanging.
      const answer = await fixture.bob.socket
        .timeout(5000)
        .emitWithAck(name as RequestName, payload as never);
      if (attempt.expect === 'denied') {
        expect(answer.ok, JSON.stringify(answer)).toBe(false);
        if (!answer.ok) expect(['not_found', 'forbidden']).toContain(answer.error.code);
      } else expect(answer.ok, JSON.stringify(answer)).toBe(true);
      expect(
        leaked(answer, payload),
        `alice's data in bob's answer: ${JSON.stringify(answer)}`,
      ).toEqual([]);
    } else {
      const { url, body } = attempt.request(fixture);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${fixture.bob.token}`,
        },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { error?: { code: string } };
      expect(response.status, JSON.stringify(answer)).toBe(attempt.status);
      expect(['not_found', 'forbidden']).toContain(answer.error?.code);
      expect(
        leaked(answer, body),
        `alice's data in bob's answer: ${JSON.stringify(answer)}`,
      ).toEqual([]);
    }
    // Bob's answers of the scoped attempts (his own messages) may still be streaming events.
    await wait(20);
    expect(await aliceView(fixture.alice.socket)).toEqual(before);
  });

  it('refuses bob a send racing alice’s own identical send (no shared in-flight answer)', async () => {
    const before = await aliceView(fixture.alice.socket);
    const payload = {
      conversationId: fixture.conversationId,
      clientMessageId: 'alice-racing',
      text: `${ASK} Racing.`,
    };
    const [mine, his] = await Promise.all([
      fixture.alice.socket.emitWithAck('messages:send', payload),
      fixture.bob.socket.emitWithAck('messages:send', payload),
    ]);
    expect(mine.ok).toBe(true);
    expect(his.ok, JSON.stringify(his)).toBe(false);
    if (!his.ok) expect(his.error.code).toBe('not_found');
    const run = (mine.ok ? mine.data.runs[0] : undefined) as RunInfo;
    await aliceLog.ended(run.id);
    const after = await aliceView(fixture.alice.socket);
    const messages = after.find(
      (entry) => entry.conversation.id === fixture.conversationId,
    )?.messages;
    expect(messages?.filter((message) => message.clientMessageId === 'alice-racing')).toEqual([
      expect.objectContaining({ authorId: fixture.alice.userId }),
    ]);
    expect(messages).toHaveLength(
      (before.find((entry) => entry.conversation.id === fixture.conversationId)?.messages.length ??
        0) + 2,
    );
  });

  it('left bob outside alice’s conversations, her run streaming, and sent him none of her events', async () => {
    for (const conversationId of [fixture.conversationId, fixture.otherConversationId]) {
      const joined = await fixture.bob.socket.emitWithAck('conversations:join', { conversationId });
      expect(joined.ok ? 'joined' : joined.error.code).toBe('not_found');
    }
    // Alice's room is busy: a rename, a message and its run, the end of her streaming run.
    await expectOk(
      await fixture.alice.socket.emitWithAck('conversations:update', {
        conversationId: fixture.conversationId,
        title: 'Alice’s private plans, renamed',
      }),
    );
    expect(aliceLog.forRun(fixture.liveRunId).some((event) => event.type === 'end')).toBe(false);
    await expectOk(
      await fixture.alice.socket.emitWithAck('runs:cancel', { runId: fixture.liveRunId }),
    );
    await aliceLog.ended(fixture.liveRunId);
    await wait(50);
    const received = bobReceived.join('\n');
    const sent = bobSent.join('\n');
    const seen = secrets.filter((secret) => received.includes(secret) && !sent.includes(secret));
    expect(seen, `alice's data in events bob received:\n${received}`).toEqual([]);
    for (const line of bobReceived) {
      expect(line).not.toContain(fixture.conversationId);
      expect(line).not.toContain(fixture.otherConversationId);
    }
  });
});
