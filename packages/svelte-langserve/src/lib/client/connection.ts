import type { TransportEvent } from './transport.js';

/**
 * Where the connection to the agent server stands. Closed union; one transition table.
 *
 * - `idle`: never asked to connect.
 * - `connecting`: first connection under way.
 * - `connected`: requests and events flow.
 * - `reconnecting`: the connection dropped and the transport is retrying on its own.
 * - `replaying`: connected again, and catching up: the conversation is being re-joined and the
 *   server replays the events of live runs this client missed.
 * - `disconnected`: closed on purpose, or dropped with no automatic retry.
 * - `failed`: the server refused the connection (e.g. protocol mismatch); no retry.
 */
export type ConnectionStatus =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'replaying' | 'disconnected' | 'failed';

/**
 * What moves the connection state: the transport's events, plus the controller's own
 * `replaying` (a re-join asking for missed events started) and `replayed` (it answered).
 */
export type ConnectionEvent = TransportEvent | { type: 'replaying' } | { type: 'replayed' };

/** The connection's state: a status and the last error worth showing. */
export interface ConnectionState {
  status: ConnectionStatus;
  /** The last error message, cleared when a connection opens. */
  error: string | null;
}

/** The state before anything happens. */
export const initialConnectionState: ConnectionState = { status: 'idle', error: null };

type Kind = ConnectionEvent['type'];
type Table = Record<
  ConnectionStatus,
  Partial<Record<Kind, (event: ConnectionEvent) => ConnectionStatus>>
>;

const dropped = (event: ConnectionEvent): ConnectionStatus =>
  event.type === 'disconnected' && event.willReconnect ? 'reconnecting' : 'disconnected';
const errored = (event: ConnectionEvent, retrying: ConnectionStatus): ConnectionStatus =>
  event.type === 'error' && event.fatal ? 'failed' : retrying;

/** Every allowed transition. A pair not listed leaves the status unchanged. */
const transitions: Table = {
  idle: { connecting: () => 'connecting', connected: () => 'connected' },
  connecting: {
    connected: () => 'connected',
    disconnected: dropped,
    error: (event) => errored(event, 'connecting'),
  },
  connected: {
    disconnected: dropped,
    error: (event) => errored(event, 'connected'),
    replaying: () => 'replaying',
  },
  replaying: {
    replayed: () => 'connected',
    disconnected: dropped,
    error: (event) => errored(event, 'replaying'),
  },
  reconnecting: {
    connected: () => 'connected',
    disconnected: dropped,
    error: (event) => errored(event, 'reconnecting'),
  },
  disconnected: { connecting: () => 'connecting', connected: () => 'connected' },
  failed: { connecting: () => 'connecting', connected: () => 'connected' },
};

/** The pure transition function of the connection state machine. */
export function nextConnectionState(
  state: ConnectionState,
  event: ConnectionEvent,
): ConnectionState {
  const step = transitions[state.status][event.type];
  const status = step ? step(event) : state.status;
  const error =
    event.type === 'error' ? event.message : event.type === 'connected' ? null : state.error;
  if (status === state.status && error === state.error) return state;
  return { status, error };
}
