import { randomUUID } from 'node:crypto';
import { UserRegistered } from '@seren/contracts';
import type { InlineProjection } from '@seren/event-store';
import { startDomainService, transaction, type DomainService } from '@seren/service-kit';
import { testServiceEnv } from './service-env';

// The platform wiring every domain service gets from startDomainService: the event store with its
// migrations and inline projections, the relay to Kafka, and consumers on either transport.

const registration = (userId: string) => ({
  type: UserRegistered.type,
  data: {
    userId,
    kind: 'human' as const,
    email: `${userId}@example.test`,
    name: 'Ada',
    personalOrganizationId: `org_${userId}`,
    registeredAt: new Date().toISOString(),
  },
});

const userNames: InlineProjection = {
  name: 'test-user-names',
  handles: [UserRegistered.type],
  apply: async (event, { manager }) => {
    const data = event.data as { userId: string; name: string };
    await manager.query('insert into test_user_names (user_id, name) values ($1, $2)', [
      data.userId,
      data.name,
    ]);
  },
};

async function startWith(embedded: boolean, seen: string[]): Promise<DomainService> {
  const service = await startDomainService({
    name: 'identity',
    defaultPort: 0,
    // A producer whose database does not exist yet (a service not started) must not block the feed.
    env: testServiceEnv('identity', {
      embedded,
      env: { CRM_DATABASE: `test_not_started_${randomUUID().slice(0, 8)}` },
    }),
    migrations: [
      class CreateTestUserNames1795305700000 {
        async up(runner: { query(sql: string): Promise<unknown> }) {
          await runner.query('create table test_user_names (user_id text primary key, name text not null)');
        }
        async down() {}
      },
    ],
    projections: [userNames],
    consumers: () => [
      {
        groupId: `test-platform-${randomUUID()}`,
        topics: ['identity.user'],
        events: [UserRegistered],
        handler: async (event) => {
          seen.push((event.data as { userId: string }).userId);
        },
      },
    ],
  });
  return service;
}

async function eventually(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each([
  ['Kafka', false],
  ['the embedded PostgreSQL feed', true],
])('a domain service with events through %s', (_mode, embedded) => {
  const seen: string[] = [];
  let service: DomainService;

  beforeAll(async () => {
    service = await startWith(embedded, seen);
  });
  afterAll(() => service?.close());

  it('reads its own writes at once through the inline projection', async () => {
    const userId = `u_${randomUUID()}`;
    await service.eventStore.append(`user-${userId}`, 'user', [registration(userId)], { expectedVersion: 0 });
    const rows = await service.dataSource.query('select name from test_user_names where user_id = $1', [
      userId,
    ]);
    expect(rows).toEqual([{ name: 'Ada' }]);
  });

  it('delivers committed events to its consumers', async () => {
    const userId = `u_${randomUUID()}`;
    await service.eventStore.append(`user-${userId}`, 'user', [registration(userId)], { expectedVersion: 0 });
    await eventually(() => seen.includes(userId));
    expect(seen.filter((id) => id === userId)).toHaveLength(1);
  });

  it('runs a transaction again when a newer transaction appended to its stream first', async () => {
    const stream = `user-u_${randomUUID()}`;
    await service.eventStore.append(stream, 'user', [registration(`u_${randomUUID()}`)], {
      expectedVersion: 0,
    });
    let attempts = 0;
    const appended = await transaction({ dataSource: service.dataSource }, async (tx) => {
      attempts += 1;
      await tx.query('select pg_current_xact_id()');
      // the first time, a transaction that starts later appends first: only a new one can follow it
      if (attempts === 1)
        await service.eventStore.append(stream, 'user', [registration(`u_${randomUUID()}`)]);
      const { version } = await service.eventStore.readStream(stream, { manager: tx });
      return service.eventStore.append(stream, 'user', [registration(`u_${randomUUID()}`)], {
        manager: tx,
        expectedVersion: version,
      });
    });
    expect({ attempts, version: appended.version }).toEqual({ attempts: 2, version: 3 });
  });

  it(`runs the relay only with Kafka`, () => {
    expect(Boolean(service.relay)).toBe(!embedded);
  });
});
