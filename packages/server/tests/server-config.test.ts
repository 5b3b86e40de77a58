/** How a server's configuration is resolved from what the caller gives and the environment. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig, resolveServerConfig } from '../src/config.js';

describe('resolveServerConfig', () => {
  it('reads the environment unless told not to, and the caller wins over it', () => {
    expect(resolveServerConfig({}, { PORT: '9001' }).port).toBe(9001);
    expect(resolveServerConfig({ port: 9002 }, { PORT: '9001' }).port).toBe(9002);
    expect(resolveServerConfig({}, {}).port).toBe(loadServerConfig({}).port);
  });

  it('merges auth and limits field by field', () => {
    const config = resolveServerConfig(
      { auth: { secret: 'x'.repeat(32) }, limits: { maxMessageLength: 10 } },
      {},
    );
    const defaults = loadServerConfig({});
    expect(config.auth).toEqual({ ...defaults.auth, secret: 'x'.repeat(32) });
    expect(config.limits).toEqual({ ...defaults.limits, maxMessageLength: 10 });
  });

  it('refuses a production environment without a key, naming what is missing', () => {
    expect(() => resolveServerConfig({}, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => resolveServerConfig({}, { NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });

  it('judges production on the result: a key given in code satisfies it, a dev login in code does not', () => {
    const secret = 'x'.repeat(32);
    const config = resolveServerConfig({ auth: { secret } }, { NODE_ENV: 'production' });
    expect(config.auth).toMatchObject({ secret, devLogin: false });
    expect(() =>
      resolveServerConfig({ auth: { secret, devLogin: true } }, { NODE_ENV: 'production' }),
    ).toThrow(/DEV_LOGIN/);
    expect(() => resolveServerConfig({ production: true, corsOrigins: '*' }, {})).toThrow(
      /any origin is allowed only in development/,
    );
  });
});
