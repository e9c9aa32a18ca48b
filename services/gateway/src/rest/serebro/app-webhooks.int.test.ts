import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookManager } from '@gohighlevel/api-client';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue } from '../../test-support/serebro-records';

// HighLevel's INSTALL and UNINSTALL webhooks go to the marketplace app's own webhook URL (set at
// registration), not to a location's subscriptions. Against the real identity (authorization
// server, consent), crm (delivery engine), PostgreSQL and Kafka, with the app's receiver on
// loopback: a location install and an agency install each send INSTALL with HighLevel's fields,
// the uninstall sends UNINSTALL, each once, signed with X-GHL-Signature that HighLevel's SDK helper
// verifies with the key the gateway publishes; an app without a webhook URL sends nothing.

interface Hit {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
  url: string;
}

describe('Serebro marketplace app webhooks: INSTALL and UNINSTALL to the app', () => {
  let s: RestSuite;
  let oauth: SerebroOAuth;
  let server: Server;
  let base: string;
  const hits: Hit[] = [];
  const sdk = new WebhookManager(
    { debug() {}, info() {}, warn() {}, error() {} } as never,
    {} as never,
    {} as never,
  );

  /** HighLevel's SDK helper, as the app's receiver would call it */
  const verifies = (hit: Hit, publicKey: string) =>
    sdk.verifyEd25519Signature(hit.raw, hit.headers['x-ghl-signature'] as string, publicKey);
  const hitsAt = (path: string) => hits.filter((hit) => hit.url === path);
  const waitFor = (path: string, type: string) =>
    eventuallyValue(async () => hitsAt(path).find((hit) => hit.body.type === type), 30_000);

  beforeAll(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        hits.push({
          headers: request.headers,
          body: JSON.parse(raw) as Record<string, unknown>,
          raw,
          url: request.url ?? '',
        });
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    oauth = await startSerebroOAuth({
      user: 'app-hooks',
      agency: 'App Hooks Agency',
      locations: ['Harbour'],
      suite: {
        identityEnv: { MARKETPLACE_ALLOW_PRIVATE_WEBHOOKS: 'true' },
        crmEnv: { OUTBOUND_ALLOW_PRIVATE: '127.0.0.1', CRM_WEBHOOK_POLL_MS: '100' },
      },
    });
    ({ s } = oauth);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('a location install sends INSTALL to the app, the uninstall UNINSTALL, each once and verifiable', async () => {
    const [location] = oauth.locations as [string];
    const app = await oauth.registerApp(['contacts:read', 'webhooks:read'], {
      name: 'Hooked App',
      webhookUrl: `${base}/location-app`,
    });
    const tokens = await oauth.authorizationCodeToken(
      app,
      location,
      'contacts.readonly webhooks.readonly',
      'Location',
    );
    const installed = await waitFor('/location-app', 'INSTALL');
    expect(installed.body).toEqual({
      type: 'INSTALL',
      appId: app.appId,
      companyId: oauth.agencyId,
      locationId: location,
      userId: oauth.owner.id,
      installType: 'Location',
      companyName: 'App Hooks Agency',
      webhookId: expect.any(String),
      timestamp: expect.any(String),
    });
    const key = await s.serebro('GET', '/v2/webhooks/public-key', { token: tokens.access_token! });
    expect(key.status).toBe(200);
    expect(verifies(installed, key.body.publicKey)).toBe(true);
    // no HMAC header: an app has no subscription secret (HighLevel signs app webhooks with its key only)
    expect(installed.headers['x-serebro-signature']).toBeUndefined();

    const { appInstalls } = await oauth.asOwner<{ appInstalls: Array<{ id: string; appId: string }> }>(
      `query($o: ID!) { appInstalls(organizationId: $o) { id appId } }`,
      { o: location },
    );
    const install = appInstalls.find((i) => i.appId === app.appId)!;
    await oauth.asOwner(`mutation($i: ID!) { uninstallApp(installId: $i) { id active } }`, { i: install.id });
    const uninstalled = await waitFor('/location-app', 'UNINSTALL');
    expect(uninstalled.body).toEqual({
      type: 'UNINSTALL',
      appId: app.appId,
      companyId: oauth.agencyId,
      locationId: location,
      installType: 'Location',
      webhookId: expect.any(String),
      timestamp: expect.any(String),
    });
    expect(verifies(uninstalled, key.body.publicKey)).toBe(true);
    // each once: nothing more arrives
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(hitsAt('/location-app').map((hit) => hit.body.type)).toEqual(['INSTALL', 'UNINSTALL']);
  });

  it('an agency install sends INSTALL with installType Company; an app without a webhook URL sends nothing', async () => {
    const agencyApp = await oauth.registerApp(['locations:read'], {
      distribution: 'AGENCY',
      name: 'Agency Hooked',
      webhookUrl: `${base}/agency-app`,
    });
    await oauth.authorizationCodeToken(agencyApp, oauth.agencyId, 'locations.readonly', 'Company');
    const installed = await waitFor('/agency-app', 'INSTALL');
    expect(installed.body).toMatchObject({
      type: 'INSTALL',
      appId: agencyApp.appId,
      companyId: oauth.agencyId,
      locationId: null,
      installType: 'Company',
    });

    const silent = await oauth.registerApp(['contacts:read'], { name: 'Silent App' });
    const before = hits.length;
    await oauth.authorizationCodeToken(silent, oauth.locations[0]!, 'contacts.readonly', 'Location');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hits.slice(before).filter((hit) => hit.body.appId === silent.appId)).toEqual([]);
  });
});
