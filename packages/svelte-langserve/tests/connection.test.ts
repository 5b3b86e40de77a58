import { describe, expect, it } from 'vitest';
import {
  initialConnectionState,
  nextConnectionState,
  type ConnectionState,
  type TransportEvent,
} from '../src/lib/client/index.js';

const run = (events: TransportEvent[], from: ConnectionState = initialConnectionState) =>
  events.reduce(nextConnectionState, from);

describe('connection state machine', () => {
  it('goes idle → connecting → connected', () => {
    const connecting = run([{ type: 'connecting' }]);
    expect(connecting.status).toBe('connecting');
    expect(run([{ type: 'connected', recovered: false }], connecting).status).toBe('connected');
  });

  it('reconnects after a drop the transport retries, and clears the error on success', () => {
    const dropped = run([
      { type: 'connecting' },
      { type: 'connected', recovered: false },
      { type: 'disconnected', reason: 'transport close', willReconnect: true },
    ]);
    expect(dropped.status).toBe('reconnecting');
    const retrying = run(
      [{ type: 'connecting' }, { type: 'error', message: 'timeout', fatal: false }],
      dropped,
    );
    expect(retrying).toEqual({ status: 'reconnecting', error: 'timeout' });
    expect(run([{ type: 'connected', recovered: true }], retrying)).toEqual({
      status: 'connected',
      error: null,
    });
  });

  it('is disconnected after a drop with no retry', () => {
    const state = run([
      { type: 'connected', recovered: false },
      { type: 'disconnected', reason: 'io server disconnect', willReconnect: false },
    ]);
    expect(state.status).toBe('disconnected');
  });

  it('fails when the server refuses, and can start again', () => {
    const failed = run([
      { type: 'connecting' },
      { type: 'error', message: 'protocol mismatch', fatal: true },
    ]);
    expect(failed).toEqual({ status: 'failed', error: 'protocol mismatch' });
    expect(run([{ type: 'connecting' }], failed).status).toBe('connecting');
  });

  it('returns the same state for an event that changes nothing', () => {
    const connected = run([{ type: 'connected', recovered: false }]);
    expect(nextConnectionState(connected, { type: 'connecting' })).toBe(connected);
  });
});
