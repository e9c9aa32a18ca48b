// Where tests find the real servers: the variables consumers read, else the servers that
// `npm run infra:up` starts. The defaults mirror infra/lib/endpoints.ts (this package cannot
// import a file outside its rootDir); endpoints.test.ts keeps the two in step.

export interface InfraEndpoints {
  /** postgres://user:password@host:port/database */
  readonly databaseUrl: string;
  /** comma-separated host:port list */
  readonly kafkaBrokers: string;
  /** host:port of the Temporal frontend */
  readonly temporalAddress: string;
  /** base URL of the Stripe API (stripe-mock locally) */
  readonly stripeApiBase: string;
  /** an S3-compatible endpoint (SeaweedFS locally) */
  readonly s3Endpoint: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function infraEndpoints(env: Env = process.env): InfraEndpoints {
  const port = (name: string, fallback: number) => env[name] || String(fallback);
  return {
    databaseUrl:
      env.DATABASE_URL || `postgres://postgres:postgres@127.0.0.1:${port('INFRA_PG_PORT', 54329)}/postgres`,
    kafkaBrokers: env.KAFKA_BROKERS || `127.0.0.1:${port('INFRA_KAFKA_PORT', 19092)}`,
    temporalAddress: env.TEMPORAL_ADDRESS || `127.0.0.1:${port('INFRA_TEMPORAL_PORT', 7233)}`,
    stripeApiBase: env.STRIPE_API_BASE || `http://127.0.0.1:${port('INFRA_STRIPE_MOCK_PORT', 12111)}`,
    s3Endpoint: env.S3_ENDPOINT || `http://127.0.0.1:${port('INFRA_S3_PORT', 18333)}`,
  };
}

/**
 * The S3 settings a service needs for the S3 server infra/ starts (its one identity, as in
 * infra/lib/s3.ts), or the caller's own S3_* variables for another server.
 */
export function infraS3Env(env: Env = process.env): Record<string, string> {
  return {
    S3_ENDPOINT: infraEndpoints(env).s3Endpoint,
    S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID || 'seren',
    S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY || 'seren-local-secret',
  };
}
