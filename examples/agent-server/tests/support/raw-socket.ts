/**
 * A Socket.IO client written against the wire protocol (Engine.IO 4 over a bare WebSocket,
 * Socket.IO 5 packets), for tests that must see every frame the server writes, not only the
 * events a Socket.IO client chooses to deliver. It keeps every text frame it receives, answers
 * pings, and speaks the main namespace only. Free of vitest and of the server.
 */
import WebSocket from 'ws';

/** A decoded Socket.IO packet of the main namespace. */
export type RawPacket =
  | { kind: 'connect'; data: Record<string, unknown> }
  | { kind: 'connect_error'; data: { message?: string; data?: unknown } }
  | { kind: 'event'; name: string; args: unknown[]; ackId?: number }
  | { kind: 'ack'; ackId: number; args: unknown[] }
  | { kind: 'disconnect' };

/** Decodes an Engine.IO message frame (`4…`) holding a Socket.IO packet; null for other frames. */
export function decodeFrame(frame: string): RawPacket | null {
  if (!frame.startsWith('4')) return null;
  const type = frame[1];
  const rest = frame.slice(2);
  const ackMatch = /^(\d*)/.exec(rest);
  const digits = ackMatch?.[1] ?? '';
  const body = rest.slice(digits.length);
  switch (type) {
    case '0':
      return { kind: 'connect', data: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
    case '1':
      return { kind: 'disconnect' };
    case '2': {
      const [name, ...args] = JSON.parse(body) as [string, ...unknown[]];
      return { kind: 'event', name, args, ...(digits ? { ackId: Number(digits) } : {}) };
    }
    case '3':
      return { kind: 'ack', ackId: Number(digits), args: JSON.parse(body) as unknown[] };
    case '4':
      return { kind: 'connect_error', data: JSON.parse(body) as { message?: string } };
    default:
      return null;
  }
}

export class RawSocket {
  /** Every text frame the server wrote, in order (pings included). */
  readonly frames: string[] = [];
  /** The CONNECT packet's data (`sid`, and `pid` where a server offers session recovery). */
  readonly connected: Promise<Record<string, unknown>>;
  /** Settles when the WebSocket has closed. */
  readonly closed: Promise<void>;
  readonly #ws: WebSocket;
  #nextAck = 0;
  readonly #acks = new Map<number, (args: unknown[]) => void>();
  readonly #listeners = new Set<(packet: RawPacket) => void>();

  /**
   * Opens `url`'s Socket.IO endpoint over a WebSocket and sends a CONNECT packet carrying
   * `auth` as soon as Engine.IO has opened. `connected` rejects with the server's refusal.
   */
  constructor(url: string, auth: Record<string, unknown>) {
    const endpoint = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    this.#ws = new WebSocket(endpoint);
    this.closed = new Promise((resolve) => this.#ws.once('close', () => resolve()));
    this.connected = new Promise((resolve, reject) => {
      this.#ws.once('error', reject);
      this.#ws.once('close', () => reject(new Error('closed before CONNECT')));
      this.#ws.on('message', (raw: WebSocket.RawData) => {
        const frame = raw.toString();
        this.frames.push(frame);
        if (frame === '2') {
          this.#ws.send('3');
          return;
        }
        if (frame.startsWith('0')) {
          this.#ws.send(`40${JSON.stringify(auth)}`);
          return;
        }
        const packet = decodeFrame(frame);
        if (!packet) return;
        if (packet.kind === 'connect') resolve(packet.data);
        if (packet.kind === 'connect_error')
          reject(Object.assign(new Error(packet.data.message ?? 'refused'), packet.data));
        if (packet.kind === 'ack') {
          this.#acks.get(packet.ackId)?.(packet.args);
          this.#acks.delete(packet.ackId);
        }
        for (const listener of this.#listeners) listener(packet);
      });
    });
    // A refusal is read from `connected`; keep it from surfacing as an unhandled rejection.
    this.connected.catch(() => undefined);
  }

  /** The decoded Socket.IO packets received so far. */
  get packets(): RawPacket[] {
    return this.frames.map(decodeFrame).filter((packet) => packet !== null);
  }

  /** Calls `listener` with every packet from now on. Returns its dispose. */
  onPacket(listener: (packet: RawPacket) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Emits `name` with `payload` and resolves with the acknowledgement's first argument. */
  request<T = unknown>(name: string, payload: unknown): Promise<T> {
    const ackId = this.#nextAck++;
    return new Promise((resolve) => {
      this.#acks.set(ackId, (args) => resolve(args[0] as T));
      this.#ws.send(`42${ackId}${JSON.stringify([name, payload])}`);
    });
  }

  /** Cuts the connection without a goodbye: what a network drop looks like to the server. */
  drop(): void {
    this.#ws.terminate();
  }

  /** Closes the WebSocket. */
  close(): void {
    this.#ws.close();
  }
}
