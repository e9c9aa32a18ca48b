import { ConfigError, loadServiceConfig } from './config';

describe('service configuration', () => {
  it('applies the embedded defaults when nothing is set', () => {
    const config = loadServiceConfig('identity', 4101, {});
    expect(config).toMatchObject({
      port: 4101,
      database: 'seren_identity',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
    });
    expect(config.KAFKA_BROKERS).toBeUndefined();
  });

  it('stops with a message naming each wrong variable', () => {
    const load = () =>
      loadServiceConfig('identity', 4101, { IDENTITY_PORT: 'abc', DATABASE_URL: 'not a url' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/IDENTITY_PORT/);
    try {
      load();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(
        expect.arrayContaining(['IDENTITY_PORT']),
      );
    }
    expect(() => loadServiceConfig('crm', 4102, { DATABASE_URL: 'nope' })).toThrow(/DATABASE_URL/);
  });

  it('rejects a short internal token secret', () => {
    expect(() => loadServiceConfig('crm', 4102, { INTERNAL_TOKEN_SECRET: 'short' })).toThrow(
      /INTERNAL_TOKEN_SECRET/,
    );
  });

  it('refuses the development default of a secret in production, naming the variable', () => {
    expect(() => loadServiceConfig('crm', 4102, {})).not.toThrow();
    const load = () => loadServiceConfig('crm', 4102, { NODE_ENV: 'production' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/INTERNAL_TOKEN_SECRET: must be set in production/);
    expect(() =>
      loadServiceConfig('crm', 4102, {
        NODE_ENV: 'production',
        INTERNAL_TOKEN_SECRET: 'a-real-secret-from-the-deployment-0123456789',
      }),
    ).not.toThrow();
  });
});
