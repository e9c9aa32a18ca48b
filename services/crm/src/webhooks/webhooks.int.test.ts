import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { WebhookManager } from '@gohighlevel/api-client';
import { asCaller, freshConsumerGroup, graphql, testServiceEnv } from '@seren/testing';
import type { ConsumedEvent } from '@seren/event-store';
import { startCrmService, type CrmService } from '../service';
import { purgeOldDeliveries } from './delivery';
import { recordWebhookPayloads } from './records-payloads';
import { webhookRuntimeFromEnv } from './runtime';

// Webhooks of the crm subgraph on the real PostgreSQL and Kafka, with a real HTTP receiver on
// loopback (allowed by OUTBOUND_ALLOW_PRIVATE for 127.0.0.1 only): a contact created is delivered
// as HighLevel's ContactCreate, retried through three 500s, every attempt logged, both signatures
// verify; private addresses are refused at creation; rotation signs with both secrets; redelivery;
// ContactUpdate carries the whole contact; old finished deliveries are purged.

interface Hit {
  headers: IncomingMessage['headers'];
  body: string;
  url: string;
}

describe('crm subgraph: webhooks', () => {
  let service: CrmService;
  let server: Server;
  let receiverUrl: string;
  const hits: Hit[] = [];
  let script: number[] = [];
  const location = `loc-wh-${Date.now().toString(36)}`;
  const as = (organizationId: string) =>
    asCaller({
      subject: 'key-1',
      kind: 'agent',
      via: 'api_key',
      authClass: 'Location',
      organizationId,
      resourceId: organizationId,
    });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the answers' fields freely
  const run = async <T = Record<string, any>>(query: string, variables = {}, organizationId = location) =>
    graphql<T>(service.url, query, variables, await as(organizationId));

  const until = async <T>(what: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await what();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        hits.push({ headers: request.headers, body, url: request.url ?? '' });
        response.writeHead(script.shift() ?? 200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
    service = await startCrmService(
      testServiceEnv('crm', {
        env: {
          OUTBOUND_ALLOW_PRIVATE: '127.0.0.1',
          WEBHOOKS_GROUP: await freshConsumerGroup('crm.webhooks'),
          CRM_WEBHOOK_RETRY_BASE_MS: '100',
          CRM_WEBHOOK_RETRY_CAP_MS: '300',
          CRM_WEBHOOK_POLL_MS: '100',
        },
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const createWebhook = (input: Record<string, unknown>) =>
    run(
      `mutation($i: WebhookInput!) { createWebhook(input: $i) { secret webhook { id url method events enabled headers { name value } } } }`,
      { i: input },
    );

  it('refuses loopback, private, link-local and metadata URLs at creation (only 127.0.0.1 is allowed here), and unknown events', async () => {
    for (const url of [
      'http://10.0.0.7/hook',
      'http://169.254.169.254/latest',
      'http://[::1]:8080/',
      'http://192.168.1.1/',
      'ftp://example.com/',
    ]) {
      const answer = await createWebhook({ url, events: ['ContactCreate'] });
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: 'VALIDATION_ERROR',
        fields: [expect.objectContaining({ field: 'url' })],
      });
    }
    const unknown = await createWebhook({ url: receiverUrl, events: ['ContactExploded'] });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR' });
    const listed = await run(`{ webhooks { id } }`);
    expect(listed.data!.webhooks).toEqual([]);
  });

  it('delivers ContactCreate through three 500s, logs every attempt, and both signatures verify', async () => {
    const created = await createWebhook({
      url: receiverUrl,
      events: ['ContactCreate', 'ContactTagUpdate'],
      headers: [{ name: 'X-Api-Key', value: 'key-123456789' }],
    });
    expect(created.errors).toBeUndefined();
    const { secret, webhook } = created.data!.createWebhook;
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({
      method: 'POST',
      enabled: true,
      headers: [{ name: 'X-Api-Key', value: expect.not.stringContaining('key-123456789') }],
    });
    // never shown again
    const read = await run(`query($id: ID!) { webhook(id: $id) { id headers { value } } }`, {
      id: webhook.id,
    });
    expect(JSON.stringify(read)).not.toContain(secret);
    expect(JSON.stringify(read)).not.toContain('key-123456789');

    script = [500, 500, 500, 200];
    hits.length = 0;
    const contact = await run(
      `mutation { createContact(input: { email: "hook@example.com", firstName: "Hook" }) { id } }`,
    );
    const contactId = contact.data!.createContact.id as string;
    const page = await until(async () => {
      const answer = await run(
        `query($id: ID!) { webhook(id: $id) { deliveries { items { id eventType state attempts payload attemptLog { number outcome status } } } } }`,
        { id: webhook.id },
      );
      const items = answer.data?.webhook.deliveries.items;
      return items?.[0]?.state === 'delivered' ? items : undefined;
    });
    expect(page).toHaveLength(1);
    expect(page[0].attempts).toBe(4);
    expect(page[0].attemptLog.map((a: { outcome: string; status: number }) => [a.outcome, a.status])).toEqual(
      [
        ['retry', 500],
        ['retry', 500],
        ['retry', 500],
        ['delivered', 200],
      ],
    );
    expect(hits).toHaveLength(4);
    const publicKey = (await run(`{ webhookSigningPublicKey }`)).data!.webhookSigningPublicKey as string;
    const sdk = new WebhookManager(
      { debug() {}, info() {}, warn() {}, error() {} } as never,
      {} as never,
      {} as never,
    );
    for (const hit of hits) {
      const body = JSON.parse(hit.body);
      expect(body).toMatchObject({
        type: 'ContactCreate',
        locationId: location,
        id: contactId,
        email: 'hook@example.com',
        firstName: 'Hook',
        webhookId: page[0].id,
        timestamp: expect.any(String),
      });
      expect(hit.headers['x-api-key']).toBe('key-123456789');
      // the receiver's own code: t and v1 from the header, HMAC-SHA256 over "t.body"
      const parts = Object.fromEntries(
        (hit.headers['x-serebro-signature'] as string).split(',').map((p) => p.split('=')),
      );
      expect(Math.abs(Date.now() / 1000 - Number(parts.t))).toBeLessThan(300);
      expect(createHmac('sha256', secret).update(`${parts.t}.${hit.body}`).digest('hex')).toBe(parts.v1);
      expect(sdk.verifyEd25519Signature(hit.body, hit.headers['x-ghl-signature'] as string, publicKey)).toBe(
        true,
      );
    }

    // by hand: sent again, a fifth attempt in the log
    hits.length = 0;
    const again = await run(
      `mutation($w: ID!, $d: ID!) { redeliverWebhookDelivery(webhookId: $w, deliveryId: $d) { id state } }`,
      { w: webhook.id, d: page[0].id },
    );
    expect(again.errors).toBeUndefined();
    await until(async () => (hits.length === 1 ? true : undefined));
    const one = await until(async () => {
      const answer = await run(
        `query($w: ID!, $d: ID!) { webhookDelivery(webhookId: $w, deliveryId: $d) { state attempts } }`,
        {
          w: webhook.id,
          d: page[0].id,
        },
      );
      return answer.data?.webhookDelivery.state === 'delivered' && answer.data.webhookDelivery.attempts === 5
        ? answer
        : undefined;
    });
    expect(one.data!.webhookDelivery.attempts).toBe(5);

    // rotation: both secrets sign during the overlap
    const rotated = await run(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, {
      id: webhook.id,
    });
    const newSecret = rotated.data!.rotateWebhookSecret.secret as string;
    expect(newSecret).not.toBe(secret);
    hits.length = 0;
    await run(`mutation($id: ID!) { addContactTags(id: $id, tags: ["vip"]) { id } }`, { id: contactId });
    await until(async () => (hits.length >= 1 ? true : undefined));
    const tagHit = hits[0]!;
    expect(JSON.parse(tagHit.body)).toMatchObject({ type: 'ContactTagUpdate', id: contactId, tags: ['vip'] });
    const header = tagHit.headers['x-serebro-signature'] as string;
    const t = header.split(',')[0]!.slice(2);
    const v1s = header
      .split(',')
      .filter((p) => p.startsWith('v1='))
      .map((p) => p.slice(3));
    expect(v1s).toEqual([
      createHmac('sha256', newSecret).update(`${t}.${tagHit.body}`).digest('hex'),
      createHmac('sha256', secret).update(`${t}.${tagHit.body}`).digest('hex'),
    ]);
  });

  it('sends ContactUpdate with the whole contact as it is after the change, while the ContactUpdated event names only what changed', async () => {
    const created = await createWebhook({ url: receiverUrl, events: ['ContactUpdate'] });
    expect(created.errors).toBeUndefined();
    const contact = await run(
      `mutation { createContact(input: { email: "whole@example.com", firstName: "Ada", lastName: "Lovelace", companyName: "Engines", city: "London", tags: ["lead"] }) { id dateAdded } }`,
    );
    expect(contact.errors).toBeUndefined();
    const { id: contactId, dateAdded } = contact.data!.createContact as { id: string; dateAdded: string };
    hits.length = 0;
    const updated = await run(
      `mutation($id: ID!) { updateContact(id: $id, input: { city: "Paris" }) { id dateUpdated } }`,
      { id: contactId },
    );
    expect(updated.errors).toBeUndefined();
    const hit = await until(async () =>
      hits.find((h) => {
        const body = JSON.parse(h.body);
        return body.type === 'ContactUpdate' && body.id === contactId;
      }),
    );
    const body = JSON.parse(hit.body);
    expect(body).toEqual({
      type: 'ContactUpdate',
      locationId: location,
      id: contactId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      name: 'Ada Lovelace',
      email: 'whole@example.com',
      phone: null,
      companyName: 'Engines',
      address1: null,
      city: 'Paris',
      state: null,
      postalCode: null,
      country: null,
      website: null,
      timezone: null,
      dnd: false,
      tags: ['lead'],
      source: null,
      customFields: [],
      assignedTo: null,
      dateOfBirth: null,
      dateAdded,
      dateUpdated: updated.data!.updateContact.dateUpdated,
      webhookId: expect.any(String),
      timestamp: expect.any(String),
    });

    // the event (what automation's contact_updated trigger reads its `fields` from) is unchanged
    const stream = await service.eventStore.readStream(`contact-${contactId}`);
    const event = stream.events.at(-1)!;
    expect(event.type).toBe('ContactUpdated');
    expect(Object.keys(event.data as object).sort()).toEqual([
      'city',
      'contactId',
      'locationId',
      'updatedAt',
    ]);

    // the same event built again (a redelivery to the consumer) gives the same body; once the
    // contact is gone, the body carries what the event changed
    const consumed: ConsumedEvent = {
      id: event.id,
      type: event.type,
      data: event.data,
      schemaVersion: event.schemaVersion,
      source: 'crm',
      subject: `contact-${contactId}`,
      time: new Date(event.recordedAt),
      metadata: event.metadata,
      topic: 'crm.contact',
    };
    const context = { crm: service.application, manager: service.dataSource.manager };
    const { webhookId: _id, ...sent } = body;
    expect(await recordWebhookPayloads.ContactUpdated!(consumed, context)).toEqual(sent);
    expect(await recordWebhookPayloads.ContactUpdated!(consumed, context)).toEqual(sent);
    expect(
      (await run(`mutation($id: ID!) { deleteContact(id: $id) }`, { id: contactId })).errors,
    ).toBeUndefined();
    expect(await recordWebhookPayloads.ContactUpdated!(consumed, context)).toEqual({
      type: 'ContactUpdate',
      locationId: location,
      id: contactId,
      city: 'Paris',
      timestamp: sent.timestamp,
    });
  });

  it('purges finished deliveries older than CRM_WEBHOOK_DELIVERY_RETENTION_DAYS (30 by default) with their attempts; recent and pending ones stay', async () => {
    expect(webhookRuntimeFromEnv({}).deliveryRetentionMs).toBe(30 * 24 * 60 * 60_000);
    expect(webhookRuntimeFromEnv({ CRM_WEBHOOK_DELIVERY_RETENTION_DAYS: '7' }).deliveryRetentionMs).toBe(
      7 * 24 * 60 * 60_000,
    );
    expect(() => webhookRuntimeFromEnv({ CRM_WEBHOOK_DELIVERY_RETENTION_DAYS: '0' })).toThrow(
      /CRM_WEBHOOK_DELIVERY_RETENTION_DAYS/,
    );
    const day = 24 * 60 * 60_000;
    const tag = `purge-${Date.now().toString(36)}`;
    const receiver = `wh-${tag}`;
    const row = async (name: string, state: string, ageDays: number) => {
      const at = new Date(Date.now() - ageDays * day).toISOString();
      // a pending one is due tomorrow, so no running worker takes it meanwhile
      const due = state === 'pending' ? new Date(Date.now() + day).toISOString() : at;
      await service.dataSource.query(
        `insert into webhook_deliveries (id, receiver_id, owner_id, event_id, event_type, payload, state, attempts,
           next_attempt_at, schedule_from, created_at, updated_at)
         values ($1, $2, $3, $1, 'ContactUpdate', '{}', $4, 1, $5, $6, $6, $6)`,
        [`${tag}-${name}`, receiver, location, state, due, at],
      );
      await service.dataSource.query(
        `insert into webhook_attempts (delivery_id, number, started_at, duration_ms, outcome, request_url)
         values ($1, 1, $2, 5, 'retry', 'http://127.0.0.1/')`,
        [`${tag}-${name}`, at],
      );
    };
    await row('old-delivered', 'delivered', 31);
    await row('old-failed', 'failed', 45);
    await row('old-rejected', 'rejected', 60);
    await row('recent-delivered', 'delivered', 29);
    await row('old-pending', 'pending', 45);
    expect(await purgeOldDeliveries(service.application)).toBeGreaterThanOrEqual(3);
    const left: Array<{ id: string }> = await service.dataSource.query(
      `select id from webhook_deliveries where receiver_id = $1 order by id`,
      [receiver],
    );
    expect(left.map((r) => r.id)).toEqual([`${tag}-old-pending`, `${tag}-recent-delivered`]);
    const attempts: Array<{ delivery_id: string }> = await service.dataSource.query(
      `select delivery_id from webhook_attempts where delivery_id like $1 order by delivery_id`,
      [`${tag}-%`],
    );
    expect(attempts.map((r) => r.delivery_id)).toEqual(left.map((r) => r.id));
    await service.dataSource.query(`delete from webhook_deliveries where receiver_id = $1`, [receiver]);
  });
});
