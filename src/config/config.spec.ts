import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded SQLite database and seeds the demo world in development', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ type: 'sqlite', path: 'data/renraku.sqlite' });
    expect(config.seedDemoWorld).toBe(true);
    expect(config.port).toBe(4000);
  });

  it('reads DATABASE_URL and PORT', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/renraku', PORT: '8080' });
    expect(config.database).toEqual({ type: 'mysql', url: 'mysql://root@127.0.0.1:3306/renraku' });
    expect(config.port).toBe(8080);
  });

  it('refuses to start in production without its secrets, naming each one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL.*\n.*AUTH_JWT_SECRET or AUTH_JWKS_URL/s);
  });

  it('never seeds in production, even when asked', () => {
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'mysql://u:p@db/renraku', AUTH_JWT_SECRET: 'x'.repeat(40), SEED_DEMO: 'true' });
    expect(config.seedDemoWorld).toBe(false);
  });

  it('rejects a malformed value with a clear message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a non-negative integer/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x' })).toThrow(/DATABASE_URL must start with sqlite: or mysql:/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });
});
