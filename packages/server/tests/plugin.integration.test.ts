/**
 * The server as a plugin on an app of the user's own: its decorations are on that app, its
 * routes keep the server's limits whatever the app's own settings, and it closes with the app.
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { svelteLangserve } from '../src/index.js';
import { countingGraph } from './support/graphs.js';

const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('svelteLangserve on your own Fastify app', () => {
  it('decorates the app and holds the LangServe routes to the server body limit', async () => {
    // The app allows 10 MB bodies; the server's own limit (2 KB here) still holds on its routes.
    const app = Fastify({ bodyLimit: 10_000_000 });
    apps.push(app);
    await app.register(svelteLangserve, {
      agents: [{ id: 'counter', name: 'Counter', description: 'Counts.', graph: countingGraph() }],
      env: {},
      config: { database: { dialect: 'memory' }, limits: { maxPayloadBytes: 2048 } },
    });
    app.post('/mine', async (request) => ({ size: JSON.stringify(request.body).length }));
    await app.ready();
    expect(app.serverConfig.limits.maxPayloadBytes).toBe(2048);
    expect(app.runs).toBeDefined();
    const big = { input: { messages: [{ type: 'human', content: 'x'.repeat(4000) }] } };
    const refused = await app.inject({
      method: 'POST',
      url: '/agents/counter/invoke',
      payload: big,
    });
    expect(refused.statusCode).toBe(413);
    expect(refused.json()).toMatchObject({
      error: { code: 'limit_exceeded', limit: 'payload_size' },
    });
    // The app's own routes keep the app's limit.
    const mine = await app.inject({ method: 'POST', url: '/mine', payload: big });
    expect(mine.statusCode).toBe(200);
    const small = { input: { messages: [{ type: 'human', content: 'hi' }] } };
    const answered = await app.inject({
      method: 'POST',
      url: '/agents/counter/invoke',
      payload: small,
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json().output).toMatchObject({ content: 'turn 1' });
  });
});
