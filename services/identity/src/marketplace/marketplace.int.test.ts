import { waitForEvent } from '@seren/testing';
import { startTestIdentity, type TestIdentity } from '../test/harness';
import { openRevocationFeed, within } from '../test/revocation-feed';
import { findAppClient, isInstallActive, recordInstall, verifyAppSecret } from './apps';
import { authenticatePit } from './pits';

// Marketplace apps, installs and private integration tokens against real PostgreSQL and Kafka:
// secrets shown once and never in GET answers or events, rotation grace, uninstall → inactive +
// UNINSTALL on Kafka + a revocation notice, PIT rotation overlap.

const REGISTER = `mutation($o: ID!, $n: String!, $r: [String!]!, $s: [String!]!, $d: MarketplaceDistribution!, $w: String) {
  registerMarketplaceApp(organizationId: $o, name: $n, redirectUris: $r, scopes: $s, distribution: $d, webhookUrl: $w) {
    clientSecret app { id clientId name scopes redirectUris distribution webhookUrl previousSecretExpiresAt } } }`;
const APPS = `query($o: ID!) { marketplaceApps(organizationId: $o) { id clientId name scopes installs { id active userType locationId companyId } } }`;
const ROTATE = `mutation($o: ID!, $a: ID!, $g: Int) { rotateMarketplaceAppSecret(organizationId: $o, appId: $a, graceSeconds: $g) { clientSecret app { previousSecretExpiresAt } } }`;
const UNINSTALL = `mutation($i: ID!) { uninstallApp(installId: $i) { id active uninstalledAt } }`;
const PIT_CREATE = `mutation($o: ID!, $n: String!, $s: [String!]!) { createPrivateIntegration(organizationId: $o, name: $n, scopes: $s) { token privateIntegration { id userType scopes } } }`;
const PIT_ROTATE = `mutation($o: ID!, $p: ID!, $v: Int) { rotatePrivateIntegration(organizationId: $o, id: $p, overlapSeconds: $v) { token privateIntegration { previousTokenExpiresAt } } }`;
const PIT_REVOKE = `mutation($o: ID!, $p: ID!) { revokePrivateIntegration(organizationId: $o, id: $p) { revokedAt } }`;
const UPDATE_HOOK = `mutation($o: ID!, $a: ID!, $w: String) { updateMarketplaceApp(organizationId: $o, appId: $a, webhookUrl: $w) { webhookUrl } }`;
const PUBLIC_HOOK = 'https://93.184.215.14/hooks';
const PITS = `query($o: ID!) { privateIntegrations(organizationId: $o) { id name scopes lastUsedAt revokedAt } }`;

describe('marketplace apps, installs and private integrations', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  async function agency(label: string) {
    const user = await t.client.user(label);
    const data = await t.client.ok<{ createAgency: { id: string } }>(
      `mutation($n: String!) { createAgency(name: $n) { id } }`,
      { n: `${label} agency` },
      user.as,
    );
    return { user, agencyId: data.createAgency.id };
  }

  async function location(owner: { as: { token: string } }, agencyId: string, name = 'Main Street') {
    const data = await t.client.ok<{ createLocation: { id: string } }>(
      `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
      { a: agencyId, n: name },
      owner.as,
    );
    return data.createLocation.id;
  }

  async function eventsOf(streamPrefix: string): Promise<string> {
    const rows: { type: string; data: unknown }[] = await t.service.identity.dataSource.query(
      `select type, data from events where stream_id like $1 order by position`,
      [`${streamPrefix}%`],
    );
    return JSON.stringify(rows);
  }

  async function registerApp(
    dev: { user: { as: { token: string } }; agencyId: string },
    distribution = 'AGENCY',
  ) {
    return (
      await t.client.ok<{
        registerMarketplaceApp: {
          clientSecret: string;
          app: { id: string; clientId: string; scopes: string[]; previousSecretExpiresAt: string | null };
        };
      }>(
        REGISTER,
        {
          o: dev.agencyId,
          n: 'Sync',
          r: ['https://sync.example.com/oauth/callback'],
          s: ['contacts.readonly', 'contacts.write', 'oauth:read'],
          d: distribution,
          // a public address: a registered webhook host must resolve, and test machines have no DNS
          w: PUBLIC_HOOK,
        },
        dev.user.as,
      )
    ).registerMarketplaceApp;
  }

  it('registers an app whose secret is shown once: never in GET answers or events; rotation keeps the old one for its grace', async () => {
    const dev = await agency('developer');
    const { clientSecret, app } = await registerApp(dev);
    expect(app.scopes).toEqual(['contacts:read', 'contacts:write', 'oauth:read']);
    expect(app.clientId).toMatch(/^[0-9a-f]{24}-[a-z0-9]{8}$/);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = await t.client.graphql(APPS, { o: dev.agencyId }, dev.user.as);
    expect(listed.data).toMatchObject({
      marketplaceApps: [{ id: app.id, clientId: app.clientId, installs: [] }],
    });
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
    expect(await eventsOf(`marketplace-app-${app.id}`)).not.toContain(clientSecret);
    const stored: { hash: string }[] = await t.service.identity.dataSource.query(
      `select hash from credentials where kind = 'app_secret' and subject_id = $1`,
      [app.id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.hash).not.toContain(clientSecret);

    const identity = t.service.identity;
    expect(await findAppClient(identity, app.clientId)).toEqual({
      clientId: app.clientId,
      appId: app.id,
      name: 'Sync',
      redirectUris: ['https://sync.example.com/oauth/callback'],
      scopes: ['contacts:read', 'contacts:write', 'oauth:read'],
      distribution: 'agency',
      webhookUrl: PUBLIC_HOOK,
      organizationId: dev.agencyId,
    });
    expect(await verifyAppSecret(identity, app.clientId, clientSecret)).toBe(true);
    expect(await verifyAppSecret(identity, app.clientId, clientSecret.slice(0, -1) + 'x')).toBe(false);

    // another app's secret is not this app's
    const other = await registerApp(dev);
    expect(await verifyAppSecret(identity, app.clientId, other.clientSecret)).toBe(false);

    const rotated = (
      await t.client.ok<{
        rotateMarketplaceAppSecret: { clientSecret: string; app: { previousSecretExpiresAt: string } };
      }>(ROTATE, { o: dev.agencyId, a: app.id }, dev.user.as)
    ).rotateMarketplaceAppSecret;
    expect(Date.parse(rotated.app.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    expect(await verifyAppSecret(identity, app.clientId, clientSecret)).toBe(true);
    expect(await verifyAppSecret(identity, app.clientId, rotated.clientSecret)).toBe(true);
    const realNow = identity.now;
    identity.now = () => new Date(Date.now() + 25 * 3_600_000);
    try {
      expect(await verifyAppSecret(identity, app.clientId, clientSecret)).toBe(false);
      expect(await verifyAppSecret(identity, app.clientId, rotated.clientSecret)).toBe(true);
    } finally {
      identity.now = realNow;
    }
    // a second rotation at once ends the first secret immediately, whatever its grace
    const again = (
      await t.client.ok<{ rotateMarketplaceAppSecret: { clientSecret: string } }>(
        ROTATE,
        { o: dev.agencyId, a: app.id, g: 0 },
        dev.user.as,
      )
    ).rotateMarketplaceAppSecret;
    expect(await verifyAppSecret(identity, app.clientId, clientSecret)).toBe(false);
    expect(await verifyAppSecret(identity, app.clientId, rotated.clientSecret)).toBe(false);
    expect(await verifyAppSecret(identity, app.clientId, again.clientSecret)).toBe(true);
    expect(await eventsOf(`marketplace-app-${app.id}`)).not.toMatch(
      new RegExp([clientSecret, rotated.clientSecret, again.clientSecret].join('|')),
    );

    // an update changes what it names; webhookUrl: null removes it, absent arguments stay
    const updated = await t.client.ok<{
      updateMarketplaceApp: { name: string; webhookUrl: string | null; scopes: string[] };
    }>(
      `mutation($o: ID!, $a: ID!) { updateMarketplaceApp(organizationId: $o, appId: $a, name: "Sync Pro", webhookUrl: null) { name webhookUrl scopes } }`,
      { o: dev.agencyId, a: app.id },
      dev.user.as,
    );
    expect(updated.updateMarketplaceApp).toEqual({
      name: 'Sync Pro',
      webhookUrl: null,
      scopes: ['contacts:read', 'contacts:write', 'oauth:read'],
    });
    expect(await findAppClient(identity, app.clientId)).not.toHaveProperty('webhookUrl');

    // apps belong to agencies only
    expect(
      await t.client.error(
        REGISTER,
        {
          o: dev.user.personalOrganizationId,
          n: 'x',
          r: ['https://a.example.com/cb'],
          s: ['contacts:read'],
          d: 'AGENCY',
        },
        dev.user.as,
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR' });
    // no one outside the developer organization sees it; a private webhook is refused
    const stranger = await agency('stranger');
    expect(await t.client.error(APPS, { o: dev.agencyId }, stranger.user.as)).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await t.client.error(
        REGISTER,
        {
          o: dev.agencyId,
          n: 'x',
          r: ['https://a.example.com/cb'],
          s: ['contacts:read'],
          d: 'AGENCY',
          w: 'https://10.0.0.1/h',
        },
        dev.user.as,
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(
      await t.client.error(
        REGISTER,
        { o: dev.agencyId, n: 'x', r: ['https://a.example.com/cb'], s: ['contacts:everything'], d: 'AGENCY' },
        dev.user.as,
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('refuses a webhook URL whose host is or resolves to a private, loopback, link-local or metadata address, or does not resolve (@seren/outbound); nothing is written', async () => {
    const dev = await agency('hooks');
    const { app } = await registerApp(dev);
    const register = (w: unknown) =>
      t.client.error(
        REGISTER,
        {
          o: dev.agencyId,
          n: 'Hooked',
          r: ['https://a.example.com/cb'],
          s: ['contacts:read'],
          d: 'AGENCY',
          w,
        },
        dev.user.as,
      );
    const refusals: [string, string][] = [
      ['https://10.0.0.1/h', 'PRIVATE_ADDRESS'],
      ['https://169.254.169.254/latest/meta-data', 'PRIVATE_ADDRESS'],
      // a name: refused for what it resolves to (localhost is 127.0.0.1 in /etc/hosts)
      ['https://localhost/h', 'PRIVATE_ADDRESS'],
      ['https://[::1]/h', 'PRIVATE_ADDRESS'],
      // IPv4-mapped loopback (the URL parser writes it ::ffff:7f00:1) and a documentation range:
      // the literal check this replaced let both through
      ['https://[::ffff:127.0.0.1]/h', 'PRIVATE_ADDRESS'],
      ['https://198.51.100.7/h', 'PRIVATE_ADDRESS'],
      ['https://hooks.invalid/h', 'UNRESOLVABLE'],
    ];
    for (const [hook, reason] of refusals) {
      expect({ hook, ...(await register(hook)) }).toMatchObject({ hook, code: 'VALIDATION_ERROR', reason });
      expect({
        hook,
        ...(await t.client.error(UPDATE_HOOK, { o: dev.agencyId, a: app.id, w: hook }, dev.user.as)),
      }).toMatchObject({ hook, code: 'VALIDATION_ERROR', reason });
    }
    // the form is still the decider's: http is refused before any name is resolved
    expect(await register('http://93.184.215.14/h')).toMatchObject({ code: 'VALIDATION_ERROR' });
    const listed = await t.client.ok<{ marketplaceApps: { id: string }[] }>(
      APPS,
      { o: dev.agencyId },
      dev.user.as,
    );
    expect(listed.marketplaceApps.map((a) => a.id)).toEqual([app.id]);
    expect(await findAppClient(t.service.identity, app.clientId)).toMatchObject({ webhookUrl: PUBLIC_HOOK });
    // a public address is taken on update too, and null removes it
    expect(
      (
        await t.client.ok<{ updateMarketplaceApp: { webhookUrl: string | null } }>(
          UPDATE_HOOK,
          { o: dev.agencyId, a: app.id, w: 'https://8.8.8.8/hooks' },
          dev.user.as,
        )
      ).updateMarketplaceApp,
    ).toEqual({ webhookUrl: 'https://8.8.8.8/hooks' });
    expect(
      (
        await t.client.ok<{ updateMarketplaceApp: { webhookUrl: string | null } }>(
          UPDATE_HOOK,
          { o: dev.agencyId, a: app.id, w: null },
          dev.user.as,
        )
      ).updateMarketplaceApp,
    ).toEqual({ webhookUrl: null });
  });

  it('records an install once per app and location; uninstall turns it inactive, notifies the gateways and publishes UNINSTALL', async () => {
    const dev = await agency('dev2');
    const { app } = await registerApp(dev, 'LOCATION');
    const customer = await agency('customer');
    const loc = await location(customer.user, customer.agencyId);
    const identity = t.service.identity;

    const input = {
      appId: app.id,
      clientId: app.clientId,
      organizationId: loc,
      userId: customer.user.id,
      scopes: ['contacts:read'],
      userType: 'Location' as const,
    };
    const { installId } = await recordInstall(identity, input);
    expect(await isInstallActive(identity, installId)).toBe(true);
    // re-consent with more scopes: the same install, its scopes updated
    expect(await recordInstall(identity, { ...input, scopes: ['contacts:read', 'contacts:write'] })).toEqual({
      installId,
    });
    // a location app cannot go on an agency; scopes beyond the app's are refused
    await expect(
      recordInstall(identity, { ...input, organizationId: customer.agencyId, userType: 'Company' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(recordInstall(identity, { ...input, scopes: ['payments:write'] })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });

    const installs = await t.client.ok<{
      appInstalls: { id: string; scopes: string[]; active: boolean; appName: string }[];
    }>(
      `query($o: ID!) { appInstalls(organizationId: $o) { id scopes active appName } }`,
      { o: loc },
      customer.user.as,
    );
    expect(installs.appInstalls).toEqual([
      { id: installId, scopes: ['contacts:read', 'contacts:write'], active: true, appName: 'Sync' },
    ]);
    const located = await t.client.ok<{ installedLocations: unknown }>(
      `query($c: ID!, $a: ID!) { installedLocations(companyId: $c, appId: $a) { count installToFutureLocations locations { id name isInstalled } } }`,
      { c: customer.agencyId, a: app.id },
      customer.user.as,
    );
    expect(located.installedLocations).toEqual({
      count: 1,
      installToFutureLocations: false,
      locations: [{ id: loc, name: 'Main Street', isInstalled: true }],
    });
    // as HighLevel: the app itself asks with an agency OAuth token; filters, search and paging
    const second = await location(customer.user, customer.agencyId, 'Harbor 100%');
    const appToken = {
      kind: 'user' as const,
      subject: customer.user.id,
      organizationId: customer.agencyId,
      scopes: ['oauth:read'],
      permissions: [],
      via: 'oauth',
      appId: app.id,
      authClass: 'Company' as const,
      resourceId: customer.agencyId,
    };
    const LOCATED = `query($c: ID!, $a: ID!, $i: Boolean, $q: String, $s: Int, $l: Int) {
      installedLocations(companyId: $c, appId: $a, isInstalled: $i, query: $q, skip: $s, limit: $l) {
        count locations { id name isInstalled } } }`;
    expect(await t.client.ok(LOCATED, { c: customer.agencyId, a: app.id }, appToken)).toEqual({
      installedLocations: {
        count: 2,
        locations: [
          { id: second, name: 'Harbor 100%', isInstalled: false },
          { id: loc, name: 'Main Street', isInstalled: true },
        ],
      },
    });
    expect(await t.client.ok(LOCATED, { c: customer.agencyId, a: app.id, i: false }, appToken)).toEqual({
      installedLocations: { count: 1, locations: [{ id: second, name: 'Harbor 100%', isInstalled: false }] },
    });
    expect(
      await t.client.ok(LOCATED, { c: customer.agencyId, a: app.id, q: '100%' }, appToken),
    ).toMatchObject({
      installedLocations: { count: 1, locations: [{ id: second }] },
    });
    expect(await t.client.ok(LOCATED, { c: customer.agencyId, a: app.id, s: 1, l: 1 }, appToken)).toEqual({
      installedLocations: { count: 2, locations: [{ id: loc, name: 'Main Street', isInstalled: true }] },
    });
    expect(await t.client.error(LOCATED, { c: customer.agencyId, a: 'another-app' }, appToken)).toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    );
    expect(
      await t.client.error(
        LOCATED,
        { c: customer.agencyId, a: app.id },
        { ...appToken, authClass: 'Location' },
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await t.client.error(LOCATED, { c: customer.agencyId, a: app.id }, { ...appToken, via: 'pit' }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await t.client.error(LOCATED, { c: customer.agencyId, a: app.id, l: 101 }, appToken),
    ).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    const devView = await t.client.ok<{ marketplaceApps: { installs: unknown[] }[] }>(
      APPS,
      { o: dev.agencyId },
      dev.user.as,
    );
    expect(devView.marketplaceApps[0]!.installs).toEqual([
      { id: installId, active: true, userType: 'LOCATION', locationId: loc, companyId: customer.agencyId },
    ]);

    // a stranger can neither see nor uninstall it
    const stranger = await agency('stranger2');
    expect(await t.client.error(UNINSTALL, { i: installId }, stranger.user.as)).toMatchObject({
      code: 'NOT_FOUND',
    });

    const feed = await openRevocationFeed(t.service.url);
    try {
      const started = Date.now();
      const answer = await t.client.ok<{ uninstallApp: { active: boolean; uninstalledAt: string } }>(
        UNINSTALL,
        { i: installId },
        customer.user.as,
      );
      expect(answer.uninstallApp.active).toBe(false);
      expect(await isInstallActive(identity, installId)).toBe(false);
      const notice = await within(5_000, () => feed.notices.find((n) => n.installId === installId));
      expect(notice).toEqual({ userId: customer.user.id, reason: 'MarketplaceAppUninstalled', installId });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      feed.close();
    }

    const installed = await waitForEvent(
      'identity.marketplace_install',
      (e) =>
        e.type === 'MarketplaceAppInstalled' && (e.data as { installId?: string }).installId === installId,
    );
    expect(installed.data).toMatchObject({
      type: 'INSTALL',
      appId: app.id,
      locationId: loc,
      companyId: customer.agencyId,
      userId: customer.user.id,
      installType: 'Location',
      companyName: 'customer agency',
    });
    const uninstalled = await waitForEvent(
      'identity.marketplace_install',
      (e) =>
        e.type === 'MarketplaceAppUninstalled' && (e.data as { installId?: string }).installId === installId,
    );
    expect(uninstalled.key).toBe(`marketplace-install-${installId}`);
    expect(uninstalled.data).toMatchObject({
      type: 'UNINSTALL',
      appId: app.id,
      locationId: loc,
      companyId: customer.agencyId,
      installType: 'Location',
      reason: 'uninstalled',
    });

    // installing again reactivates the same install
    await recordInstall(identity, input);
    expect(await isInstallActive(identity, installId)).toBe(true);
    // deleting the app uninstalls it everywhere, its client is gone, and the gateways drop its tokens
    const deletion = await openRevocationFeed(t.service.url);
    await t.client.ok(
      `mutation($o: ID!, $a: ID!) { deleteMarketplaceApp(organizationId: $o, appId: $a) { id } }`,
      { o: dev.agencyId, a: app.id },
      dev.user.as,
    );
    expect(await isInstallActive(identity, installId)).toBe(false);
    expect(await findAppClient(identity, app.clientId)).toBeUndefined();
    try {
      expect(await within(5_000, () => deletion.notices.find((n) => n.appId === app.id))).toEqual({
        reason: 'MarketplaceAppDeleted',
        appId: app.id,
      });
      expect(deletion.notices.find((n) => n.installId === installId)).toMatchObject({
        reason: 'MarketplaceAppUninstalled',
      });
    } finally {
      deletion.close();
    }
  });

  it('PITs: shown once, authenticate as their location, rotate with a 7-day overlap, revoke at once', async () => {
    const owner = await agency('pit-owner');
    const loc = await location(owner.user, owner.agencyId, 'Downtown');
    const identity = t.service.identity;
    const created = (
      await t.client.ok<{
        createPrivateIntegration: {
          token: string;
          privateIntegration: { id: string; userType: string; scopes: string[] };
        };
      }>(PIT_CREATE, { o: loc, n: 'zapier', s: ['contacts.readonly', 'opportunities:write'] }, owner.user.as)
    ).createPrivateIntegration;
    expect(created.token).toMatch(/^pit-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.privateIntegration).toMatchObject({
      userType: 'LOCATION',
      scopes: ['contacts:read', 'opportunities:write'],
    });
    const pitId = created.privateIntegration.id;
    expect(await authenticatePit(identity, created.token)).toEqual({
      pitId,
      organizationId: loc,
      userType: 'Location',
      locationId: loc,
      companyId: owner.agencyId,
      scopes: ['contacts:read', 'opportunities:write'],
      createdBy: owner.user.id,
    });
    const listed = await t.client.graphql(PITS, { o: loc }, owner.user.as);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(4));
    expect(await eventsOf(`private-integration-${pitId}`)).not.toContain(created.token.slice(4));

    // an agency PIT is a Company token
    const agencyPit = (
      await t.client.ok<{ createPrivateIntegration: { token: string } }>(
        PIT_CREATE,
        { o: owner.agencyId, n: 'agency', s: ['locations:read'] },
        owner.user.as,
      )
    ).createPrivateIntegration;
    expect(await authenticatePit(identity, agencyPit.token)).toMatchObject({
      userType: 'Company',
      companyId: owner.agencyId,
      locationId: null,
    });
    // personal organizations have no PITs
    expect(
      await t.client.error(
        PIT_CREATE,
        { o: owner.user.personalOrganizationId, n: 'x', s: ['contacts:read'] },
        owner.user.as,
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR' });

    const rotated = (
      await t.client.ok<{
        rotatePrivateIntegration: { token: string; privateIntegration: { previousTokenExpiresAt: string } };
      }>(PIT_ROTATE, { o: loc, p: pitId }, owner.user.as)
    ).rotatePrivateIntegration;
    const overlap = Date.parse(rotated.privateIntegration.previousTokenExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(6.99 * 86_400_000);
    expect(overlap).toBeLessThanOrEqual(7 * 86_400_000);
    expect(await authenticatePit(identity, created.token)).toMatchObject({ pitId });
    expect(await authenticatePit(identity, rotated.token)).toMatchObject({ pitId });
    const realNow = identity.now;
    identity.now = () => new Date(Date.now() + 7 * 86_400_000 + 60_000);
    try {
      expect(await authenticatePit(identity, created.token)).toBeUndefined();
      expect(await authenticatePit(identity, rotated.token)).toMatchObject({ pitId });
    } finally {
      identity.now = realNow;
    }

    const feed = await openRevocationFeed(t.service.url);
    try {
      await t.client.ok(PIT_REVOKE, { o: loc, p: pitId }, owner.user.as);
      expect(await authenticatePit(identity, created.token)).toBeUndefined();
      expect(await authenticatePit(identity, rotated.token)).toBeUndefined();
      expect(await within(5_000, () => feed.notices.find((n) => n.pitId === pitId))).toEqual({
        userId: owner.user.id,
        reason: 'PrivateIntegrationTokenRevoked',
        pitId,
      });
    } finally {
      feed.close();
    }
    expect(await eventsOf(`private-integration-${pitId}`)).not.toContain(rotated.token.slice(4));
    const event = await waitForEvent(
      'identity.private_integration',
      (e) => e.type === 'PrivateIntegrationTokenRevoked' && (e.data as { pitId?: string }).pitId === pitId,
    );
    expect(JSON.stringify(event)).not.toMatch(/pit-[0-9a-f]{8}-/);
    // viewers of the location cannot manage PITs; a forged token is nobody
    expect(await authenticatePit(identity, 'pit-00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await authenticatePit(identity, 'not-a-pit')).toBeUndefined();
  });
});
