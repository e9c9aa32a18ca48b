// Bench child process: identity and crm on the real PostgreSQL, Kafka and Temporal (Kafka, not the
// embedded feed: the embedded crm would read every service's database, and content's and commerce's
// are not there), each with a fresh database; then an agency, one location and that location's API key (v1),
// made at identity's subgraph as the agency's owner. Prints URLs and the key as one JSON line; stops
// when stdin closes. `cpu` on stdin: this process's CPU time so far.
import { createInterface } from 'node:readline';
import { profileCommand } from './profiler.ts';
import { startCrmService } from '@seren/crm';
import { startIdentityService } from '@seren/identity';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';

const quiet = { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', MAIL_DIR: '.data/bench-mail' };
const identity = await startIdentityService(testServiceEnv('identity', { env: quiet }));
const crmEnv = testServiceEnv('crm', { env: quiet });
const crm = await startCrmService(crmEnv);

const ok = async <T>(result: Promise<{ data?: T; errors?: unknown[] }>): Promise<T> => {
  const { data, errors } = await result;
  if (!data || errors?.length) throw new Error(JSON.stringify(errors));
  return data;
};
const email = `bench-owner-${Date.now()}@example.com`;
const { register } = await ok(
  graphql<{ register: { id: string } }>(
    identity.url,
    `
      mutation ($e: String!, $p: String!) {
        register(email: $e, password: $p, name: "Bench Owner") {
          id
        }
      }
    `,
    { e: email, p: 'Bench-Password-123!' },
  ),
);
const owner = await asCaller({ subject: register.id, via: 'session' });
const { createAgency } = await ok(
  graphql<{ createAgency: { id: string } }>(
    identity.url,
    `
      mutation {
        createAgency(name: "Bench Agency") {
          id
        }
      }
    `,
    {},
    owner,
  ),
);
const { createLocation } = await ok(
  graphql<{ createLocation: { id: string } }>(
    identity.url,
    `
      mutation ($a: ID!) {
        createLocation(agencyId: $a, name: "Bench Location") {
          id
        }
      }
    `,
    { a: createAgency.id },
    owner,
  ),
);
const { createApiKey } = await ok(
  graphql<{ createApiKey: { key: string } }>(
    identity.url,
    `
      mutation ($o: ID!) {
        createApiKey(organizationId: $o, name: "bench") {
          key
        }
      }
    `,
    { o: createLocation.id },
    owner,
  ),
);

console.log(
  'BENCH_READY ' +
    JSON.stringify({
      identity: identity.url,
      crm: crm.url,
      crmDatabase: crmEnv.CRM_DATABASE,
      locationId: createLocation.id,
      apiKey: createApiKey.key,
    }),
);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'cpu') {
    const { user, system } = process.cpuUsage();
    console.log('BENCH_CPU ' + JSON.stringify({ micros: user + system }));
  } else if (line.startsWith('profile ')) void profileCommand(line.slice('profile '.length));
});
process.stdin.on('end', async () => {
  await Promise.all([identity.close(), crm.close()]);
  process.exit(0);
});
