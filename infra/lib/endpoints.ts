// The addresses of the six servers the suite talks to, and where they are by default.
// No dependencies on purpose: services, tests and scripts import these same values.

export const DEFAULT_PORTS = {
  postgres: 54329,
  kafka: 19092,
  kafkaController: 19093,
  temporal: 7233,
  stripeMockHttp: 12111,
  stripeMockHttps: 12112,
  /** SeaweedFS's S3 gateway; its master, volume and filer take the next three ports, their gRPC ports +10 */
  s3: 18333,
  /** anvil's JSON-RPC (HTTP and WebSocket) */
  anvil: 18545,
} as const;

export type Ports = { readonly [K in keyof typeof DEFAULT_PORTS]: number };

/** Environment variables that override each port of the servers infra/ starts. */
export const PORT_ENV: { readonly [K in keyof Ports]: string } = {
  postgres: 'INFRA_PG_PORT',
  kafka: 'INFRA_KAFKA_PORT',
  kafkaController: 'INFRA_KAFKA_CONTROLLER_PORT',
  temporal: 'INFRA_TEMPORAL_PORT',
  stripeMockHttp: 'INFRA_STRIPE_MOCK_PORT',
  stripeMockHttps: 'INFRA_STRIPE_MOCK_HTTPS_PORT',
  s3: 'INFRA_S3_PORT',
  anvil: 'INFRA_ANVIL_PORT',
};

export interface Endpoints {
  /** postgres://user:password@host:port/database */
  readonly databaseUrl: string;
  /** comma-separated host:port list */
  readonly kafkaBrokers: string;
  /** host:port of the Temporal frontend (gRPC) */
  readonly temporalAddress: string;
  /** base URL of the Stripe API (stripe-mock locally) */
  readonly stripeApiBase: string;
  /** an S3-compatible endpoint (SeaweedFS locally) */
  readonly s3Endpoint: string;
  /** JSON-RPC URL of an EVM chain (anvil locally) */
  readonly rpcUrl: string;
}

/** The environment variable consumers read for each endpoint. */
export const ENDPOINT_ENV: { readonly [K in keyof Endpoints]: string } = {
  databaseUrl: 'DATABASE_URL',
  kafkaBrokers: 'KAFKA_BROKERS',
  temporalAddress: 'TEMPORAL_ADDRESS',
  stripeApiBase: 'STRIPE_API_BASE',
  s3Endpoint: 'S3_ENDPOINT',
  rpcUrl: 'RPC_URL',
};

type Env = Readonly<Record<string, string | undefined>>;

/** Where the servers started by infra/ listen, given their ports. */
export function managedEndpoints(ports: Ports = DEFAULT_PORTS): Endpoints {
  return {
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/postgres`,
    kafkaBrokers: `127.0.0.1:${ports.kafka}`,
    temporalAddress: `127.0.0.1:${ports.temporal}`,
    stripeApiBase: `http://127.0.0.1:${ports.stripeMockHttp}`,
    s3Endpoint: `http://127.0.0.1:${ports.s3}`,
    rpcUrl: `http://127.0.0.1:${ports.anvil}`,
  };
}

export const DEFAULT_ENDPOINTS: Endpoints = managedEndpoints();

/** Ports from INFRA_* variables, falling back to DEFAULT_PORTS. Throws on a value that is not a port. */
export function portsFromEnv(env: Env = process.env): Ports {
  const entries = Object.entries(DEFAULT_PORTS).map(([key, fallback]) => {
    const name = PORT_ENV[key as keyof Ports];
    return [key, parsePort(name, env[name], fallback)] as const;
  });
  return Object.fromEntries(entries) as unknown as Ports;
}

/** What consumers should use: each endpoint's variable if set, else the server infra/ starts. */
export function endpointsFromEnv(env: Env = process.env): Endpoints {
  const managed = managedEndpoints(portsFromEnv(env));
  return {
    databaseUrl: env[ENDPOINT_ENV.databaseUrl] || managed.databaseUrl,
    kafkaBrokers: env[ENDPOINT_ENV.kafkaBrokers] || managed.kafkaBrokers,
    temporalAddress: env[ENDPOINT_ENV.temporalAddress] || managed.temporalAddress,
    stripeApiBase: env[ENDPOINT_ENV.stripeApiBase] || managed.stripeApiBase,
    s3Endpoint: env[ENDPOINT_ENV.s3Endpoint] || managed.s3Endpoint,
    rpcUrl: env[ENDPOINT_ENV.rpcUrl] || managed.rpcUrl,
  };
}

function parsePort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got '${value}'`);
  }
  return port;
}
