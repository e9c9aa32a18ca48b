import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { fromKafkaRecord, toKafkaRecord } from '@seren/event-store';
import { infraEndpoints } from '@seren/testing';
import { recordAuditEntry } from './consumer';
import { startTestIdentity, type IdentityClient, type TestIdentity } from '../test/harness';

const LIST = `query($o: ID!, $f: AuditLogFilter, $l: Int, $off: Int) {
  auditLogs(organizationId: $o, filter: $f, limit: $l, offset: $off) { total limit offset items { id action actionCategory resourceType resourceId status actorId actorType ipAddress userAgent details createdAt } }
}`;

type Page = { auditLogs: { total: number; limit: number; offset: number; items: Record<string, string>[] } };

async function waitForEntries(
  client: IdentityClient,
  as: { token: string } | { apiKey: string },
  organizationId: string,
  filter: Record<string, string>,
  count = 1,
): Promise<Page> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const page = await client.ok<Page>(LIST, { o: organizationId, f: filter }, as);
    if (page.auditLogs.total >= count) return page;
    if (Date.now() > deadline)
      throw new Error(`audit log has ${page.auditLogs.total} of ${count} ${JSON.stringify(filter)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.each([
  ['Kafka', false],
  ['the embedded PostgreSQL feed', true],
])('the audit log, consumed from %s', (_label, embedded) => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity({ embedded });
  });
  afterAll(() => t?.close());

  it('records api_key.create with actor, resource, status, IP and user agent', async () => {
    const user = await t.client.user();
    const headers = { 'x-forwarded-for': '198.51.100.23', 'user-agent': 'audit-test/1.0' };
    const created = await t.client.graphql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(organizationId: "default", name: "audited") { key apiKey { id } } }`,
      {},
      user.as,
      headers,
    );
    const keyId = created.data!.createApiKey.apiKey.id;
    const page = await waitForEntries(t.client, user.as, 'default', { action: 'api_key.create' });
    expect(page.auditLogs.items[0]).toMatchObject({
      action: 'api_key.create',
      actionCategory: 'api_key',
      resourceType: 'api_key',
      resourceId: keyId,
      status: 'success',
      actorId: user.id,
      actorType: 'user',
      ipAddress: '198.51.100.23',
      userAgent: 'audit-test/1.0',
    });
    // never the secret
    expect(page.auditLogs.items[0]!.details).not.toContain(created.data!.createApiKey.key);
    const one = await t.client.ok<{ auditLog: { id: string; action: string } }>(
      `query($o: ID!, $id: ID!) { auditLog(organizationId: $o, id: $id) { id action } }`,
      { o: user.personalOrganizationId, id: page.auditLogs.items[0]!.id },
      user.as,
    );
    expect(one.auditLog.action).toBe('api_key.create');
  });

  it('filters by action, category, status, resource and dates, and pages (limit 1 to 100, default 50; out of range is VALIDATION_ERROR)', async () => {
    const user = await t.client.user();
    for (let i = 0; i < 3; i++)
      await t.client.ok(
        `mutation($n: String!) { createApiKey(organizationId: "default", name: $n) { key } }`,
        { n: `k${i}` },
        user.as,
      );
    await t.client.graphql(
      `mutation($e: String!) { login(email: $e, password: "Wrong-Password-1") { accessToken } }`,
      { e: user.email },
    );
    await waitForEntries(t.client, user.as, 'default', { action: 'api_key.create' }, 3);
    const failures = await waitForEntries(t.client, user.as, 'default', { status: 'failure' });
    expect(failures.auditLogs.items.map((i) => i.action)).toEqual(['auth.login']);
    const all = await t.client.ok<Page>(LIST, { o: 'default' }, user.as);
    expect(all.auditLogs.limit).toBe(50);
    expect(all.auditLogs.items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['user.register', 'organization.create', 'auth.login', 'api_key.create']),
    );
    const paged = await t.client.ok<Page>(
      LIST,
      { o: 'default', f: { actionCategory: 'api_key' }, l: 2, off: 1 },
      user.as,
    );
    expect(paged.auditLogs).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(paged.auditLogs.items).toHaveLength(2);
    // out of range is refused, not clamped: the same 400 the REST row answers
    for (const page of [{ l: 101 }, { l: 0 }, { l: 1000 }])
      expect(await t.client.error(LIST, { o: 'default', ...page }, user.as)).toMatchObject({
        code: 'VALIDATION_ERROR',
        message: 'limit must be an integer from 1 to 100',
      });
    expect(await t.client.error(LIST, { o: 'default', off: -1 }, user.as)).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'offset must be a non-negative integer',
    });
    expect((await t.client.ok<Page>(LIST, { o: 'default', l: 100 }, user.as)).auditLogs.limit).toBe(100);
    const future = await t.client.ok<Page>(
      LIST,
      { o: 'default', f: { startDate: new Date(Date.now() + 3_600_000).toISOString() } },
      user.as,
    );
    expect(future.auditLogs.total).toBe(0);
    const byResource = await t.client.ok<Page>(
      LIST,
      { o: 'default', f: { resourceType: 'organization', resourceId: user.personalOrganizationId } },
      user.as,
    );
    expect(byResource.auditLogs.items.map((i) => i.action)).toContain('organization.create');
    const byActor = await t.client.ok<Page>(LIST, { o: 'default', f: { actorId: 'nobody' } }, user.as);
    expect(byActor.auditLogs.total).toBe(0);
    expect(
      await t.client.error(LIST, { o: 'default', f: { startDate: 'yesterday' } }, user.as),
    ).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it("another organization's log is forbidden, and its entries are not found", async () => {
    const alice = await t.client.user();
    const bob = await t.client.user();
    const page = await waitForEntries(t.client, bob.as, 'default', { action: 'user.register' });
    expect(await t.client.error(LIST, { o: bob.personalOrganizationId }, alice.as)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await t.client.error(
        `query($o: ID!, $id: ID!) { auditLog(organizationId: $o, id: $id) { id } }`,
        { o: 'default', id: page.auditLogs.items[0]!.id },
        alice.as,
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe("another service's events in the audit log", () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity({ embedded: true });
  });
  afterAll(() => t?.close());

  it('take actor, organization, IP and user agent from the CloudEvents headers alone', async () => {
    const user = await t.client.user();
    const eventId = randomUUID();
    // What crm's relay would publish: identity's events table knows nothing of this event.
    const record = toKafkaRecord(
      {
        position: 1,
        transactionId: '1',
        streamId: 'contact-77',
        streamVersion: 1,
        id: eventId,
        type: 'ContactCreated',
        schemaVersion: 1,
        data: JSON.stringify({ contactId: 'contact-77' }),
        metadata: {
          actor: `user:${user.id}`,
          organizationId: user.personalOrganizationId,
          ipAddress: '192.0.2.44',
          userAgent: 'crm-integration/3.0',
        },
        recordedAt: new Date(),
      },
      'crm',
    );
    const received = fromKafkaRecord({
      value: Buffer.from(record.value),
      headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
    });
    await t.service.dataSource.transaction((manager) =>
      recordAuditEntry({ ...received, topic: 'crm.contact' }, manager),
    );
    const page = await waitForEntries(t.client, user.as, 'default', { action: 'contact.created' });
    expect(page.auditLogs.items[0]).toMatchObject({
      action: 'contact.created',
      actionCategory: 'crm',
      resourceType: 'contact',
      resourceId: 'contact-77',
      actorId: user.id,
      actorType: 'user',
      ipAddress: '192.0.2.44',
      userAgent: 'crm-integration/3.0',
    });
  });
});

describe('identity events on Kafka', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  it('reach their topics as CloudEvents keyed by aggregate, without secrets', async () => {
    const kafka = new Kafka({
      clientId: 'identity-test',
      brokers: infraEndpoints().kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `identity-test-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: ['identity.api_key'], fromBeginning: true });
    const agent = await t.client.agent();
    const seen: { key: string; headers: Record<string, string>; value: string }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
    const deadline = Date.now() + 30_000;
    while (!seen.some((m) => m.key === `api-key-${agent.apiKeyId}`) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await consumer.disconnect();
    const message = seen.find((m) => m.key === `api-key-${agent.apiKeyId}`)!;
    expect(message.headers).toMatchObject({
      ce_type: 'ApiKeyCreated',
      ce_source: 'identity',
      ce_specversion: '1.0',
      ce_actor: `agent:${agent.id}`,
    });
    expect(JSON.parse(message.value)).toMatchObject({ apiKeyId: agent.apiKeyId, name: 'agent' });
    expect(message.value).not.toContain(agent.apiKey);
    expect(message.value).not.toContain(agent.apiKey.slice(17));
  });
});
