import { endpointsFromEnv } from '../../../infra/lib/endpoints.ts';
import { infraEndpoints } from './endpoints.js';

describe('infraEndpoints', () => {
  it('defaults to the servers infra/ starts', () => {
    expect(infraEndpoints({})).toEqual({
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:54329/postgres',
      kafkaBrokers: '127.0.0.1:19092',
      temporalAddress: '127.0.0.1:7233',
      stripeApiBase: 'http://127.0.0.1:12111',
      s3Endpoint: 'http://127.0.0.1:18333',
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
    },
    {
      DATABASE_URL: 'postgres://app:secret@db.internal:5432/app',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      STRIPE_API_BASE: 'https://api.stripe.com',
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
    },
  ])('agrees with infra/lib/endpoints.ts for %j', (env) => {
    expect(infraEndpoints(env)).toEqual(endpointsFromEnv(env));
  });
});
