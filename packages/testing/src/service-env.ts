import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infraEndpoints } from './endpoints.js';

export const TEST_INTERNAL_TOKEN_SECRET = 'test-internal-token-secret-0123456789abcdef';

/**
 * The environment for starting a service in-process against the real servers: a fresh database of
 * its own (so tests never see each other's rows), a Temporal task queue of its own, a free port, and
 * Kafka unless `embedded` is set.
 */
export function testServiceEnv(
  service: string,
  options: { embedded?: boolean; env?: Record<string, string | undefined> } = {},
): Record<string, string | undefined> {
  const endpoints = infraEndpoints();
  const prefix = service.toUpperCase();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: endpoints.databaseUrl,
    KAFKA_BROKERS: options.embedded ? undefined : endpoints.kafkaBrokers,
    TEMPORAL_ADDRESS: endpoints.temporalAddress,
    STRIPE_API_BASE: endpoints.stripeApiBase,
    INTERNAL_TOKEN_SECRET: TEST_INTERNAL_TOKEN_SECRET,
    [`${prefix}_PORT`]: '0',
    [`${prefix}_DATABASE`]: `test_${service}_${randomBytes(6).toString('hex')}`,
    // a worker of one test never takes another test's workflow tasks (whose database it cannot see)
    [`${prefix}_TASK_QUEUE`]: `test-${service}-${randomBytes(6).toString('hex')}`,
    // content's uploaded files: a folder of this test's own (S3 tests set S3_ENDPOINT instead)
    ...(service === 'content'
      ? { CONTENT_STORAGE_DIR: join(tmpdir(), `seren-test-content-${randomBytes(6).toString('hex')}`) }
      : {}),
    ...options.env,
  };
}
