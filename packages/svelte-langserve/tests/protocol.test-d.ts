import { describe, expectTypeOf, it } from 'vitest';
import type {
  ClientToServerEvents,
  Message,
  RequestPayload,
  ResponseData,
  Result,
  RunEvent,
  ServerToClientEvents,
} from '../src/lib/protocol/index.js';
import type { Transport } from '../src/lib/client/index.js';

describe('protocol types', () => {
  it('types each request payload', () => {
    expectTypeOf<RequestPayload<'messages:send'>>().toEqualTypeOf<{
      conversationId: string;
      clientMessageId: string;
      text: string;
      agentIds?: string[] | undefined;
      settings?:
        | {
            temperature?: number | undefined;
            maxTokens?: number | undefined;
            topP?: number | undefined;
          }
        | undefined;
      parentId?: string | null | undefined;
    }>();
    // The wire shape of settings is the protocol's RunSettings.
    expectTypeOf<NonNullable<RequestPayload<'messages:send'>['settings']>>().toEqualTypeOf<{
      temperature?: number | undefined;
      maxTokens?: number | undefined;
      topP?: number | undefined;
    }>();
    expectTypeOf<RequestPayload<'runs:cancel'>>().toEqualTypeOf<{ runId: string }>();
    // Negative: a send without text is not a send payload.
    expectTypeOf<{ conversationId: string; clientMessageId: string }>().not.toExtend<
      RequestPayload<'messages:send'>
    >();
  });

  it('types acknowledgements as results of the event’s data', () => {
    type SendAck = Parameters<ClientToServerEvents['messages:send']>[1];
    expectTypeOf<SendAck>().toEqualTypeOf<
      (result: Result<ResponseData<'messages:send'>>) => void
    >();
    expectTypeOf<Parameters<SendAck>[0]>().not.toEqualTypeOf<ResponseData<'messages:send'>>();
  });

  it('narrows run events by type', () => {
    const narrow = (event: RunEvent) => {
      if (event.type === 'text-delta') expectTypeOf(event.text).toBeString();
      if (event.type === 'end')
        expectTypeOf(event.status).toEqualTypeOf<
          'completed' | 'cancelled' | 'failed' | 'interrupted'
        >();
      // @ts-expect-error: a start event has no text.
      if (event.type === 'start') void event.text;
    };
    expectTypeOf(narrow).toBeFunction();
    expectTypeOf<Parameters<ServerToClientEvents['run:event']>[0]>().toEqualTypeOf<RunEvent>();
  });

  it('types message:updated as the whole message', () => {
    expectTypeOf<Parameters<ServerToClientEvents['message:updated']>[0]>().toEqualTypeOf<{
      message: Message;
    }>();
    // Negative: a bare message is not the payload.
    expectTypeOf<Message>().not.toExtend<Parameters<ServerToClientEvents['message:updated']>[0]>();
  });

  it('rejects unknown events and wrong payloads on a transport', () => {
    const check = (transport: Transport) => {
      void transport.request('runs:cancel', { runId: 'r1' });
      // @ts-expect-error: not a request of the protocol.
      void transport.request('runs:delete', { runId: 'r1' });
      // @ts-expect-error: wrong payload for the event.
      void transport.request('runs:cancel', { id: 'r1' });
      // @ts-expect-error: not a server event.
      transport.on('run:unknown', () => {});
    };
    expectTypeOf(check).toBeFunction();
  });
});
