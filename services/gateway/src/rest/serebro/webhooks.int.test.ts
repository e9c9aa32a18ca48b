import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookManager } from '@gohighlevel/api-client';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue, serebroRecords } from '../../test-support/serebro-records';

// Serebro §4.1 webhooks through the gateway on v1 (API keys) and v2 (PITs), against the real
// identity, crm, PostgreSQL and Kafka, with a receiver on loopback (the suite's crm allows
// 127.0.0.1 only): subscriptions made, read (secret never again, headers masked), a receiver
// answering 500 three times then 200 gets the event each time and every attempt is in the log,
// both signatures verify, private addresses refused, redelivery, rotation, delete; another
// location's subscription is 404; a v2 token without webhooks scopes is 401 (HighLevel's scope answer).

interface Hit {
  headers: IncomingMessage['headers'];
  body: string;
  url: string;
}

describe('Serebro webhooks', () => {
  let s: RestSuite;
  let oauth: SerebroOAuth;
  let north: string;
  let south: string;
  let northKey: string;
  let southKey: string;
  let northPit: string;
  let contactsOnlyPit: string;
  let server: Server;
  let receiverUrl: string;
  const hits: Hit[] = [];
  let script: number[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        hits.push({ headers: request.headers, body, url: request.url ?? '' });
        response.writeHead(script.shift() ?? 200).end('thanks');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/serebro`;
    oauth = await startSerebroOAuth({
      user: 'hooks',
      agency: 'Hooks Agency',
      locations: ['North', 'South'],
      suite: {
        crmEnv: {
          OUTBOUND_ALLOW_PRIVATE: '127.0.0.1',
          CRM_WEBHOOK_RETRY_BASE_MS: '100',
          CRM_WEBHOOK_RETRY_CAP_MS: '300',
          CRM_WEBHOOK_POLL_MS: '100',
        },
      },
    });
    ({ s } = oauth);
    [north, south] = oauth.locations as [string, string];
    const records = serebroRecords(oauth);
    [northKey, southKey, northPit, contactsOnlyPit] = await Promise.all([
      records.apiKey(north),
      records.apiKey(south),
      records.pit(north, ['webhooks.readonly', 'webhooks.write', 'contacts.write', 'contacts.readonly']),
      records.pit(north, ['contacts.readonly']),
    ]);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('v1: refuses URLs pointing inside and unknown events with a 400 listing the field, creating nothing', async () => {
    for (const url of [
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:9/',
      'http://192.168.0.10/',
    ]) {
      const answer = await s.serebro('POST', '/webhooks', {
        token: northKey,
        body: { url, events: ['ContactCreate'] },
      });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('url');
    }
    const unknown = await s.serebro('POST', '/webhooks', {
      token: northKey,
      body: { url: receiverUrl, events: ['ContactExploded'] },
    });
    expect(unknown.status).toBe(400);
    const listed = await s.serebro('GET', '/webhooks', { token: northKey });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ webhooks: [] });
  });

  it('v1: a receiver answering 500 three times then 200 gets ContactCreate each time, every attempt logged, both signatures verify; redelivered by hand', async () => {
    const created = await s.serebro('POST', '/webhooks', {
      token: northKey,
      body: {
        name: 'CRM sync',
        url: receiverUrl,
        events: ['ContactCreate'],
        headers: { Authorization: 'Bearer receiver-token-123' },
      },
    });
    expect(created.status).toBe(201);
    const { webhook, secret } = created.body;
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toEqual({
      id: expect.any(String),
      locationId: north,
      name: 'CRM sync',
      url: receiverUrl,
      method: 'POST',
      events: ['ContactCreate'],
      headers: [{ name: 'Authorization', value: expect.not.stringContaining('receiver-token-123') }],
      enabled: true,
      disabledReason: null,
      dateAdded: expect.any(String),
      dateUpdated: expect.any(String),
    });
    const read = await s.serebro('GET', `/webhooks/${webhook.id}`, { token: northKey });
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(secret);
    expect(read.text).not.toContain('receiver-token-123');

    script = [500, 500, 500, 200];
    hits.length = 0;
    const contact = await s.serebro('POST', '/contacts', {
      token: northKey,
      body: { email: 'hooked@example.com', firstName: 'Hooked' },
    });
    expect(contact.status).toBe(201);
    const contactId = contact.body.contact.id as string;
    const deliveries = await eventuallyValue(async () => {
      const page = await s.serebro('GET', `/webhooks/${webhook.id}/deliveries`, { token: northKey });
      return page.body.deliveries?.[0]?.status === 'delivered' ? page.body : undefined;
    }, 30_000);
    const [delivery] = deliveries.deliveries;
    expect(delivery).toMatchObject({
      webhookId: webhook.id,
      eventType: 'ContactCreate',
      status: 'delivered',
      attempts: 4,
    });
    expect(
      delivery.attemptLog.map((a: { attempt: number; outcome: string; statusCode: number }) => [
        a.attempt,
        a.outcome,
        a.statusCode,
      ]),
    ).toEqual([
      [1, 'retry', 500],
      [2, 'retry', 500],
      [3, 'retry', 500],
      [4, 'delivered', 200],
    ]);
    expect(delivery.attemptLog[0].responseExcerpt).toBe('thanks');
    expect(hits).toHaveLength(4);

    const key = await s.serebro('GET', '/webhooks/public-key', { token: northKey });
    expect(key.status).toBe(200);
    expect(key.body.events).toEqual(
      expect.arrayContaining(['ContactCreate', 'OpportunityStatusUpdate', 'AppointmentCreate']),
    );
    const sdk = new WebhookManager(
      { debug() {}, info() {}, warn() {}, error() {} } as never,
      {} as never,
      {} as never,
    );
    for (const hit of hits) {
      expect(JSON.parse(hit.body)).toMatchObject({
        type: 'ContactCreate',
        locationId: north,
        id: contactId,
        email: 'hooked@example.com',
        webhookId: delivery.id,
        timestamp: expect.any(String),
      });
      expect(hit.headers.authorization).toBe('Bearer receiver-token-123');
      const parts = Object.fromEntries(
        (hit.headers['x-serebro-signature'] as string).split(',').map((p) => p.split('=')),
      );
      expect(createHmac('sha256', secret).update(`${parts.t}.${hit.body}`).digest('hex')).toBe(parts.v1);
      expect(
        sdk.verifyEd25519Signature(hit.body, hit.headers['x-ghl-signature'] as string, key.body.publicKey),
      ).toBe(true);
    }

    hits.length = 0;
    const again = await s.serebro('POST', `/webhooks/${webhook.id}/deliveries/${delivery.id}/redeliver`, {
      token: northKey,
    });
    expect(again.status).toBe(202);
    await eventuallyValue(async () => (hits.length === 1 ? true : undefined));
    const one = await eventuallyValue(async () => {
      const answer = await s.serebro('GET', `/webhooks/${webhook.id}/deliveries/${delivery.id}`, {
        token: northKey,
      });
      return answer.body.delivery?.attempts === 5 && answer.body.delivery.status === 'delivered'
        ? answer.body.delivery
        : undefined;
    });
    expect(one.attemptLog).toHaveLength(5);

    // another location's credential sees none of it
    expect((await s.serebro('GET', `/webhooks/${webhook.id}`, { token: southKey })).status).toBe(404);
    expect((await s.serebro('GET', `/webhooks/${webhook.id}/deliveries`, { token: southKey })).status).toBe(
      404,
    );
  });

  it('v2: creates a GET subscription with a PIT, rotates its secret (both sign during the overlap), disables and deletes it; without webhooks scopes 401', async () => {
    const created = await s.serebro('POST', '/v2/webhooks', {
      token: northPit,
      body: { url: `${receiverUrl}?source=serebro`, method: 'GET', events: ['ContactTagUpdate'] },
    });
    expect(created.status).toBe(201);
    const { webhook, secret } = created.body;
    expect(webhook.method).toBe('GET');
    const rotated = await s.serebro('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, { token: northPit });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(secret);

    const contact = await s.serebro('POST', '/v2/contacts/', {
      token: northPit,
      body: { locationId: north, email: 'tagged@example.com' },
    });
    expect(contact.status).toBe(201);
    hits.length = 0;
    script = [];
    const tagged = await s.serebro('POST', `/v2/contacts/${contact.body.contact.id}/tags`, {
      token: northPit,
      body: { tags: ['VIP'] },
    });
    expect(tagged.status).toBeLessThan(300);
    const hit = await eventuallyValue(async () => hits.find((h) => h.url.includes('ContactTagUpdate')));
    const query = new URL(hit.url, 'http://x').searchParams;
    expect(query.get('source')).toBe('serebro');
    expect(query.get('locationId')).toBe(north);
    expect(JSON.parse(query.get('tags')!)).toEqual(['vip']);
    // GET: the signatures cover the query string
    const signed = hit.url.slice(hit.url.indexOf('?') + 1);
    const header = hit.headers['x-serebro-signature'] as string;
    const t = header.split(',')[0]!.slice(2);
    expect(header.split(',').slice(1)).toEqual([
      `v1=${createHmac('sha256', newSecret).update(`${t}.${signed}`).digest('hex')}`,
      `v1=${createHmac('sha256', secret).update(`${t}.${signed}`).digest('hex')}`,
    ]);

    const disabled = await s.serebro('PUT', `/v2/webhooks/${webhook.id}`, {
      token: northPit,
      body: { enabled: false },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.webhook.enabled).toBe(false);
    const bad = await s.serebro('PUT', `/v2/webhooks/${webhook.id}`, {
      token: northPit,
      body: { url: 'http://192.168.0.1/' },
    });
    expect(bad.status).toBe(400);

    // HighLevel answers a token without the row's scope 401
    expect((await s.serebro('GET', '/v2/webhooks', { token: contactsOnlyPit })).status).toBe(401);

    const deleted = await s.serebro('DELETE', `/v2/webhooks/${webhook.id}`, { token: northPit });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ succeded: true });
    expect((await s.serebro('GET', `/v2/webhooks/${webhook.id}`, { token: northPit })).status).toBe(404);
  });
});
