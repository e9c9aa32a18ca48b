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
  /** JSON-RPC URL of an EVM chain (anvil locally) */
  readonly rpcUrl: string;
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
    rpcUrl: env.RPC_URL || `http://127.0.0.1:${port('INFRA_ANVIL_PORT', 18545)}`,
  };
}

/**
 * The chain settings for x402 deposits on the anvil infra/ starts (as infra/lib/anvil.ts deploys
 * it: Base Sepolia's chain id, USDC at dev account 0's second deployment, dev account 1 settling,
 * dev account 2 the treasury), or the caller's RPC_URL with its CHAIN_ID, USDC_ADDRESS, ...
 */
export function infraChainEnv(env: Env = process.env): Record<string, string> {
  if (env.RPC_URL) {
    const names = ['RPC_URL', 'CHAIN_ID', 'USDC_ADDRESS', 'X402_FACILITATOR_PRIVATE_KEY', 'X402_PAY_TO'];
    return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  }
  return {
    RPC_URL: infraEndpoints(env).rpcUrl,
    CHAIN_ID: '84532',
    USDC_ADDRESS: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    X402_FACILITATOR_PRIVATE_KEY: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
    X402_PAY_TO: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  };
}

/** anvil's standard development accounts' private keys (mnemonic "test test ... junk"), by index. */
export const ANVIL_DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
] as const;

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
