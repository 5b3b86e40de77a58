/**
 * The research assistant keeps custom graph state across turns: the documents its searches found
 * (`sources`, a state key of its own) grow from turn to turn, and each answer that found new ones
 * carries them as a `sources` data part, on both dialects.
 */
import path from 'node:path';
import type { DataPart } from 'svelte-langserve/protocol';
import { describe, expect, it } from 'vitest';
import { askAgent, createConversation, EventLog, serverPerTest } from './support/harness.js';

const FIXTURE_DOCS = path.join(import.meta.dirname, 'fixtures/docs');
const harness = serverPerTest();

describe('research assistant sources', () => {
  it('remembers the documents found in earlier turns and shows them as one growing data part', async () => {
    await harness.start({ config: { demoTokenDelayMs: 1, docsDir: FIXTURE_DOCS } });
    const socket = await harness.client();
    const log = new EventLog(socket);
    const conversationId = await createConversation(socket);
    const ask = async (text: string) => {
      const { answer } = await askAgent(socket, log, conversationId, 'research-assistant', text);
      expect(answer.status).toBe('complete');
      return answer.parts.find(
        (part): part is DataPart => part.type === 'data' && part.id === 'sources',
      );
    };
    const first = await ask('search for streaming');
    const firstFiles = (first?.data as { files: string[] } | undefined)?.files ?? [];
    expect(first?.name).toBe('sources');
    expect(firstFiles.length).toBeGreaterThan(0);
    const second = await ask('search for tools');
    const secondFiles = (second?.data as { files: string[] } | undefined)?.files ?? [];
    // The second turn's part starts with what the first found: the state came from the thread.
    expect(secondFiles.slice(0, firstFiles.length)).toEqual(firstFiles);
    expect(secondFiles.length).toBeGreaterThan(firstFiles.length);
  });
});
