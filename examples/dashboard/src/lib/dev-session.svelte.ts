/** Where the development sign-in is kept: per tab, for as long as the tab lives. */
export const DEV_SESSION_KEY = 'svelte-langserve-dev-session';

/** What `POST /auth/dev-login` answers. */
interface DevLogin {
  token: string;
  userId: string;
  expiresAt: string;
}

type Stored = { kind: 'signed-in'; name: string; login: DevLogin } | { kind: 'anonymous' };

/**
 * The development sign-in: the agent server's `POST /auth/dev-login` mints a token for a chosen
 * name (user id `dev:<name>`). The token is kept in sessionStorage; the store reads it through
 * {@link token} whenever it connects. `anonymous` means the visitor skipped signing in.
 */
export class DevSession {
  readonly #serverUrl: string;
  #state = $state<'unknown' | 'prompt' | 'signed-in' | 'anonymous'>('unknown');
  #name = $state('');
  #login: DevLogin | null = null;
  #error = $state<string | null>(null);

  constructor(serverUrl: string) {
    this.#serverUrl = serverUrl;
  }

  /** `unknown` until {@link restore}; `prompt` while the visitor has not chosen. */
  get state() {
    return this.#state;
  }
  /** The name signed in as, or empty. */
  get name() {
    return this.#name;
  }
  /** The last sign-in failure, or null. */
  get error() {
    return this.#error;
  }
  /** The bearer token, when signed in. */
  get token(): string | undefined {
    return this.#login?.token;
  }
  /** `dev:<name>`, when signed in. */
  get userId(): string | undefined {
    return this.#login?.userId;
  }

  /** Reads this tab's earlier choice; without one (or with an expired token), asks. */
  restore(): void {
    let stored: Stored | null;
    try {
      stored = JSON.parse(sessionStorage.getItem(DEV_SESSION_KEY) ?? 'null') as Stored | null;
    } catch {
      stored = null;
    }
    if (stored?.kind === 'anonymous') this.#state = 'anonymous';
    else if (stored?.kind === 'signed-in' && Date.parse(stored.login.expiresAt) > Date.now()) {
      this.#login = stored.login;
      this.#name = stored.name;
      this.#state = 'signed-in';
    } else this.#state = 'prompt';
  }

  /** Signs in as `name`. Resolves true on success; otherwise {@link error} says why. */
  async signIn(name: string): Promise<boolean> {
    this.#error = null;
    try {
      const response = await fetch(`${this.#serverUrl.replace(/\/+$/, '')}/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: name.trim() }),
      });
      const body = (await response.json()) as DevLogin & { error?: { message: string } };
      if (!response.ok) {
        this.#error = body.error?.message ?? `Sign-in failed (${response.status}).`;
        return false;
      }
      this.#login = { token: body.token, userId: body.userId, expiresAt: body.expiresAt };
      this.#name = name.trim();
      this.#state = 'signed-in';
      this.#save({ kind: 'signed-in', name: this.#name, login: this.#login });
      return true;
    } catch {
      this.#error = 'The agent server could not be reached.';
      return false;
    }
  }

  /** Goes on without signing in (the server's development `anonymous` user). */
  continueAnonymously(): void {
    this.#login = null;
    this.#name = '';
    this.#state = 'anonymous';
    this.#save({ kind: 'anonymous' });
  }

  #save(stored: Stored) {
    sessionStorage.setItem(DEV_SESSION_KEY, JSON.stringify(stored));
  }
}
