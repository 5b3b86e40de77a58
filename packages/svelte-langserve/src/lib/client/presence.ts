import { fail, type PresenceMember, type Result } from '../protocol/index.js';
import { Emitter } from './emitter.js';
import type { Transport, Unsubscribe } from './transport.js';

/** Options for {@link PresenceTracker}. */
export interface PresenceTrackerOptions {
  transport: Transport;
  /** The conversation shown now (typing is sent for it; its members are {@link PresenceTracker.members}). */
  conversationId: () => string | undefined;
  /** The signed-in user's id, left out of {@link PresenceTracker.typingMembers}. Unknown: nobody is left out. */
  userId?: () => string | undefined;
  /** How often `typing: true` is sent again while the user keeps typing, in ms. @default 2500 */
  repeatMs?: number;
  /** After how long without input `typing: false` is sent, in ms. @default 3000 */
  idleMs?: number;
}

/**
 * Who is in the conversation shown and who is typing: the framework-free core of presence. It
 * keeps the latest `presence` event of every conversation this client hears about, and turns the
 * composer's input into paced `presence:typing` requests.
 */
export class PresenceTracker {
  readonly #options: PresenceTrackerOptions;
  readonly #members = new Map<string, PresenceMember[]>();
  readonly #listeners = new Emitter<void>();
  readonly #unsubscribe: Unsubscribe;
  /** The conversation `typing: true` was last sent for, while typing; else undefined. */
  #typingIn: string | undefined;
  #lastSentAt = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(options: PresenceTrackerOptions) {
    this.#options = options;
    this.#unsubscribe = options.transport.on('presence', ({ conversationId, members }) => {
      this.#members.set(conversationId, members);
      this.#listeners.emit();
    });
  }

  /** Every member of the conversation shown, as the server last reported them; empty if none. */
  get members(): PresenceMember[] {
    const id = this.#options.conversationId();
    return (id && this.#members.get(id)) || [];
  }

  /** The members of a conversation as last reported, or undefined if none was heard. */
  membersOf(conversationId: string): PresenceMember[] | undefined {
    return this.#members.get(conversationId);
  }

  /** Members of the conversation shown, other than the user, who are typing. */
  get typingMembers(): PresenceMember[] {
    const self = this.#options.userId?.();
    return this.members.filter((member) => member.typing && member.userId !== self);
  }

  /** Members of the conversation shown other than the user. */
  get otherMembers(): PresenceMember[] {
    const self = this.#options.userId?.();
    return this.members.filter((member) => member.userId !== self);
  }

  /** Calls `listener` whenever presence changes. Returns its dispose. */
  subscribe(listener: () => void): Unsubscribe {
    return this.#listeners.on(listener);
  }

  /**
   * The user typed. Call it on every input: `typing: true` is sent at once, then again at most
   * every `repeatMs` while input continues, and `typing: false` once input stops for `idleMs`.
   * Does nothing without a conversation shown.
   */
  typing(): void {
    if (this.#disposed) return;
    const conversationId = this.#options.conversationId();
    if (!conversationId) return;
    if (this.#typingIn && this.#typingIn !== conversationId) this.stopTyping();
    const now = Date.now();
    if (this.#typingIn !== conversationId || now - this.#lastSentAt >= this.#repeatMs) {
      this.#typingIn = conversationId;
      this.#lastSentAt = now;
      void this.#send(conversationId, true);
    }
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.stopTyping(), this.#options.idleMs ?? 3000);
  }

  /** The user stopped typing (e.g. sent the message): sends `typing: false` if `true` was sent. */
  stopTyping(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    const conversationId = this.#typingIn;
    this.#typingIn = undefined;
    if (conversationId && !this.#disposed) void this.#send(conversationId, false);
  }

  /** Adds user `userId` as a member of the conversation shown (or of `conversationId`). */
  invite(
    userId: string,
    conversationId = this.#options.conversationId(),
  ): Promise<Result<{ conversationId: string; userId: string }>> {
    if (!conversationId)
      return Promise.resolve(fail('invalid_payload', 'There is no conversation to invite to.'));
    return this.#options.transport.request('conversations:invite', { conversationId, userId });
  }

  /** Stops listening and stops the idle timer (no `typing: false` is sent). */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#idleTimer);
    this.#unsubscribe();
    this.#listeners.clear();
  }

  get #repeatMs(): number {
    return this.#options.repeatMs ?? 2500;
  }

  #send(conversationId: string, typing: boolean) {
    return this.#options.transport.request('presence:typing', { conversationId, typing });
  }
}

/**
 * The `sub` claim of a JWT, read without verifying it (only to recognise the user's own entry in
 * presence), or undefined when `token` is not a JWT with one.
 */
export function tokenSubject(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
