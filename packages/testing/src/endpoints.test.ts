import { ANVIL_CHAIN_ID, chainEnv, devAccount, LOCAL_USDC_ADDRESS } from '../../../infra/lib/anvil.ts';
import { endpointsFromEnv } from '../../../infra/lib/endpoints.ts';
import { loadSettings } from '../../../infra/lib/settings.ts';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_DEV_KEYS, infraChainEnv, infraEndpoints } from './endpoints.js';

describe('infraEndpoints', () => {
  it('defaults to the servers infra/ starts', () => {
    expect(infraEndpoints({})).toEqual({
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:54329/postgres',
      kafkaBrokers: '127.0.0.1:19092',
      temporalAddress: '127.0.0.1:7233',
      stripeApiBase: 'http://127.0.0.1:12111',
      s3Endpoint: 'http://127.0.0.1:18333',
      rpcUrl: 'http://127.0.0.1:18545',
    });
  });

  it.each([
    {},
    {
      INFRA_PG_PORT: '5555',
      INFRA_KAFKA_PORT: '9092',
      INFRA_TEMPORAL_PORT: '7000',
      INFRA_STRIPE_MOCK_PORT: '8111',
      INFRA_S3_PORT: '9000',
      INFRA_ANVIL_PORT: '8545',
    },
    {
      DATABASE_URL: 'postgres://app:secret@db.internal:5432/app',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      STRIPE_API_BASE: 'https://api.stripe.com',
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      RPC_URL: 'https://sepolia.base.org',
    },
  ])('agrees with infra/lib/endpoints.ts for %j', (env) => {
    expect(infraEndpoints(env)).toEqual(endpointsFromEnv(env));
  });
});

describe('infraChainEnv', () => {
  it('agrees with the chain infra/lib/anvil.ts deploys', () => {
    const expected = chainEnv(loadSettings({}));
    expect(infraChainEnv({})).toEqual({ RPC_URL: 'http://127.0.0.1:18545', ...expected });
    expect(expected.CHAIN_ID).toBe(String(ANVIL_CHAIN_ID));
    expect(expected.USDC_ADDRESS).toBe(LOCAL_USDC_ADDRESS);
  });

  it('passes an external chain through as the caller set it', () => {
    const env = { RPC_URL: 'https://sepolia.base.org', CHAIN_ID: '84532', USDC_ADDRESS: '0x036C' };
    expect(infraChainEnv(env)).toEqual(env);
  });

  it('lists the keys of anvil dev accounts', () => {
    ANVIL_DEV_KEYS.forEach((key, index) => {
      expect(privateKeyToAccount(key).address).toBe(devAccount(index).address);
    });
  });
});
