import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { WebhookManager } from '@gohighlevel/api-client';
import { asCaller, freshConsumerGroup, graphql, testServiceEnv } from '@seren/testing';
import { startCrmService, type CrmService } from '../service';

// Webhooks of the crm subgraph on the real PostgreSQL and Kafka, with a real HTTP receiver on
// loopback (allowed by OUTBOUND_ALLOW_PRIVATE for 127.0.0.1 only): a contact created is delivered
// as HighLevel's ContactCreate, retried through three 500s, every attempt logged, both signatures
// verify; private addresses are refused at creation; rotation signs with both secrets; redelivery.

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
});
