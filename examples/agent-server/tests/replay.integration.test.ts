import type { RunEvent, RunInfo } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { createConversation, deltaText, EventLog, serverPerTest } from './support/harness.js';
import { ScriptedChatModel } from './support/scripted-model.js';

const harness = serverPerTest();
const client = () => harness.client();

describe('replay on re-join (real server, real sockets)', () => {
  it('replays the events after the seq the client applied, then the live ones, with no gap or repeat', async () => {
    const tokens = Array.from({ length: 60 }, (_, index) => `w${index} `);
    await harness.start({
      model: new ScriptedChatModel({ tokens, delayMs: 10 }),
      config: { runFlushIntervalMs: 0 },
    });
    const first = await client();
    const firstLog = new EventLog(first);
    const conversationId = await createConversation(first);
    const sent = await first.emitWithAck('messages:send', {
      conversationId,
      clientMessageId: 'r1',
      text: 'go',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const run = sent.data.runs[0] as RunInfo;
    await firstLog.until(() => firstLog.forRun(run.id).length >= 6);
    // The client "drops" having applied events up to seq 4.
    first.close();
    const applied = firstLog.forRun(run.id).filter((event) => event.seq <= 4);

    const second = await client();
    const secondLog = new EventLog(second);
    const joined = await second.emitWithAck('conversations:join', {
      conversationId,
      runs: [{ runId: run.id, seq: 4 }],
    });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data.unreplayable).toBeUndefined();
    await secondLog.ended(run.id, 10_000);
    const rest = secondLog.forRun(run.id);
    // The first event after the join is seq 5: the replay starts exactly where the client was.
    expect(rest[0]?.seq).toBe(5);
    const all: RunEvent[] = [...applied, ...rest];
    expect(all.map((event) => event.seq)).toEqual(all.map((_, index) => index));
    expect(deltaText(all)).toBe(tokens.join(''));
  });

  it('names the runs it cannot replay (unknown, or another conversation’s)', async () => {
    await harness.start({ model: new ScriptedChatModel({ tokens: ['a', 'b'] }) });
    const socket = await client();
    const log = new EventLog(socket);
    const mine = await createConversation(socket);
    const other = await createConversation(socket);
    const sent = await socket.emitWithAck('messages:send', {
      conversationId: other,
      clientMessageId: 'x',
      text: 'go',
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const foreignRun = (sent.data.runs[0] as RunInfo).id;
    await log.ended(foreignRun);
    const joined = await socket.emitWithAck('conversations:join', {
      conversationId: mine,
      runs: [
        { runId: 'no-such-run', seq: 3 },
        { runId: foreignRun, seq: 0 },
      ],
    });
    expect(joined.ok && joined.data.unreplayable).toEqual(['no-such-run', foreignRun]);
  });
});
