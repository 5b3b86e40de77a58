import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { AuthConfig } from '../config.js';

/** Who a verified token says the caller is. */
export interface Identity {
  /** The token's `sub` claim. */
  userId: string;
  /** The token's `name` claim, when it has a non-empty string one (at most 64 characters). */
  name?: string;
  /** When the token expires (its `exp` claim), in ms since the epoch. */
  expiresAt: number;
}

/** A token the server minted: what `POST /auth/dev-login` and `POST /auth/refresh` answer. */
export interface MintedToken {
  token: string;
  userId: string;
  /** ISO 8601 time at which the token expires. */
  expiresAt: string;
}

/** Why a token was refused; `message` is safe to show to the caller. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Longest `sub` accepted, in characters. */
export const MAX_USER_ID_LENGTH = 256;
/** Longest `name` kept, in characters (longer ones are cut). */
export const MAX_NAME_LENGTH = 64;

const isHmac = (algorithm: string) => algorithm.startsWith('HS');

/**
 * Verifies JWTs with the configured secret / public key, and mints tokens when it has a secret.
 *
 * - Only `algorithms` are accepted (`none` never is); the key is chosen by the algorithm family
 *   (HS* → the secret, anything else → the public key), so one key never verifies another family.
 * - `exp` and `sub` are required; `iss` / `aud` are checked when configured. No clock tolerance.
 * - With the development login enabled and no usable secret (none configured, or no HS
 *   algorithm pinned), a random per-process secret signs dev tokens and HS256 is accepted for
 *   it: nobody outside this process knows that key. The development login is never on in
 *   production (the configuration refuses it).
 */
export class TokenAuthority {
  /** The algorithms a token may use. */
  readonly algorithms: readonly string[];
  readonly #config: AuthConfig;
  readonly #hmacKey: Uint8Array | undefined;
  readonly #publicKey: KeyObject | undefined;
  readonly #mintAlgorithm: string | undefined;

  constructor(config: AuthConfig) {
    this.#config = config;
    const pinnedHmac = config.algorithms.filter(isHmac);
    const asymmetric = config.publicKey
      ? config.algorithms.filter((algorithm) => !isHmac(algorithm))
      : [];
    if (config.publicKey) this.#publicKey = createPublicKey(config.publicKey);
    if (config.secret !== undefined && pinnedHmac.length > 0) {
      this.#hmacKey = new TextEncoder().encode(config.secret);
      this.#mintAlgorithm = pinnedHmac[0];
      this.algorithms = [...pinnedHmac, ...asymmetric];
    } else if (config.devLogin) {
      this.#hmacKey = new Uint8Array(randomBytes(32));
      this.#mintAlgorithm = 'HS256';
      this.algorithms = ['HS256', ...asymmetric];
    } else {
      this.algorithms = asymmetric;
    }
  }

  /** Whether this server mints tokens (it has a secret): dev login and refresh need it. */
  get mints(): boolean {
    return this.#mintAlgorithm !== undefined;
  }

  /** Verifies `token`; throws a {@link TokenError} saying why it is refused. */
  async verify(token: string): Promise<Identity> {
    return this.#verify(token, this.algorithms);
  }

  /**
   * Verifies a token this server minted (signed with its secret); tokens of another issuer's
   * key are refused, so a refresh never extends a session the issuer did not grant.
   */
  async verifyOwn(token: string): Promise<Identity> {
    if (!this.#mintAlgorithm) throw new TokenError('This server does not mint tokens.');
    return this.#verify(token, this.algorithms.filter(isHmac));
  }

  /** Mints a token for `userId` that expires after the configured lifetime. */
  async mint(identity: { userId: string; name?: string }): Promise<MintedToken> {
    const algorithm = this.#mintAlgorithm;
    const key = this.#hmacKey;
    if (!algorithm || !key) throw new TokenError('This server does not mint tokens.');
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expiresAtSeconds = nowSeconds + this.#config.tokenTtlSeconds;
    let jwt = new SignJWT(identity.name === undefined ? {} : { name: identity.name })
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      .setSubject(identity.userId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(expiresAtSeconds);
    if (this.#config.issuer !== undefined) jwt = jwt.setIssuer(this.#config.issuer);
    if (this.#config.audience !== undefined) jwt = jwt.setAudience(this.#config.audience);
    return {
      token: await jwt.sign(key),
      userId: identity.userId,
      expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
    };
  }

  async #verify(token: string, algorithms: readonly string[]): Promise<Identity> {
    if (algorithms.length === 0)
      throw new TokenError('The server has no key to verify tokens with.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.#keyFor(header), {
        algorithms: [...algorithms],
        requiredClaims: ['exp', 'sub'],
        ...(this.#config.issuer !== undefined ? { issuer: this.#config.issuer } : {}),
        ...(this.#config.audience !== undefined ? { audience: this.#config.audience } : {}),
      }));
    } catch (error) {
      throw new TokenError(describe(error));
    }
    const { sub, exp, name } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_USER_ID_LENGTH)
      throw new TokenError(
        `The token's "sub" claim must be a string of 1 to ${MAX_USER_ID_LENGTH} characters.`,
      );
    const identity: Identity = { userId: sub, expiresAt: (exp as number) * 1000 };
    if (typeof name === 'string' && name.trim() !== '')
      identity.name = name.trim().slice(0, MAX_NAME_LENGTH);
    return identity;
  }

  #keyFor(header: ProtectedHeaderParameters): Uint8Array | KeyObject {
    const key = header.alg && isHmac(header.alg) ? this.#hmacKey : this.#publicKey;
    // jwtVerify has already refused algorithms outside the pinned list.
    if (!key) throw new TokenError('The server has no key for this token.');
    return key;
  }
}

function describe(error: unknown): string {
  if (error instanceof TokenError) return error.message;
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The token's "${error.claim}" claim is ${error.reason === 'missing' ? 'missing' : 'not accepted'}.`;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'The token is signed with an algorithm this server does not accept.';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'The token signature does not verify.';
  if (error instanceof errors.JOSEError) return 'The token is not a valid JWT.';
  return 'The token could not be verified.';
}
