import { randomBytes } from 'node:crypto';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';

// HighLevel's GET /oauth/installedLocations on Serebro v2, with a real agency (Company) token of
// identity's authorization server (authorization code + PKCE, scripted consent): the app reads
// where it is installed in its agency; another app's id, another agency, a PIT and a token
// without oauth:read are refused.

describe('Serebro GET /v2/oauth/installedLocations', () => {
  let s: RestSuite;
  let owner: SerebroOAuth['owner'];
  let agencyId: string;
  let locations: string[];
  let oauth: SerebroOAuth;

  const asOwner = <T>(query: string, variables: Record<string, unknown>) =>
    oauth.asOwner<T>(query, variables);
  const registerAgencyApp = (scopes: string[]) =>
    oauth.registerApp(scopes, { distribution: 'AGENCY', name: 'Agency Sync' });
  /** Authorization code + PKCE, the owner installing the app on the agency: a Company token. */
  const companyToken = (app: Awaited<ReturnType<typeof registerAgencyApp>>, scope: string) =>
    oauth.authorizationCodeToken(app, agencyId, scope, 'Company');

  beforeAll(async () => {
    oauth = await startSerebroOAuth({
      user: 'installed-locations',
      agency: 'Apps Agency',
      locations: ['Beta Street', 'Alpha Road'],
    });
    ({ s, owner, agencyId, locations } = oauth);
  }, 60_000);
  afterAll(() => s?.close());

  it("answers HighLevel's body to the app's agency token; refuses another app, another agency, a PIT and a missing scope", async () => {
    const [beta, alpha] = locations;
    const app = await registerAgencyApp(['oauth:read', 'locations:read']);
    const tokens = await companyToken(app, 'oauth.readonly locations.readonly');
    expect(tokens).toMatchObject({ userType: 'Company', companyId: agencyId });
    const token = tokens.access_token!;

    const path = (query: Record<string, string>) =>
      `/v2/oauth/installedLocations?${new URLSearchParams(query)}`;
    const all = await s.serebro('GET', path({ companyId: agencyId, appId: app.appId }), { token });
    expect({ status: all.status, body: all.body }).toEqual({
      status: 200,
      body: {
        locations: [
          { _id: alpha, name: 'Alpha Road', address: null, isInstalled: false },
          { _id: beta, name: 'Beta Street', address: null, isInstalled: false },
        ],
        count: 2,
        // installed on the agency itself
        installToFutureLocations: true,
      },
    });
    const filtered = await s.serebro(
      'GET',
      path({ companyId: agencyId, appId: app.appId, isInstalled: 'true', limit: '10', skip: '0' }),
      { token },
    );
    expect(filtered.body).toEqual({ locations: [], count: 0, installToFutureLocations: true });
    const searched = await s.serebro('GET', path({ companyId: agencyId, appId: app.appId, query: 'beta' }), {
      token,
    });
    expect(searched.body).toMatchObject({ count: 1, locations: [{ _id: beta }] });

    // another app's id: 403; no companyId: 400; limit over 100: 400
    const other = await registerAgencyApp(['oauth:read']);
    expect(
      (await s.serebro('GET', path({ companyId: agencyId, appId: other.appId }), { token })).status,
    ).toBe(403);
    expect((await s.serebro('GET', path({ appId: app.appId }), { token })).status).toBe(400);
    expect(
      (await s.serebro('GET', path({ companyId: agencyId, appId: app.appId, limit: '101' }), { token }))
        .status,
    ).toBe(400);
    // another agency
    const elsewhere = (
      await s.client.ok<{ createAgency: { id: string } }>(
        `mutation { createAgency(name: "Elsewhere") { id } }`,
        {},
        { token: owner.token },
      )
    ).createAgency.id;
    expect([403, 404]).toContain(
      (await s.serebro('GET', path({ companyId: elsewhere, appId: app.appId }), { token })).status,
    );

    // PITs are not accepted here (as HighLevel), even with oauth:read
    const pit = await asOwner<{ createPrivateIntegration: { token: string } }>(
      `mutation($o: ID!) { createPrivateIntegration(organizationId: $o, name: "pit", scopes: ["oauth:read"]) { token } }`,
      { o: agencyId },
    );
    expect(
      (
        await s.serebro('GET', path({ companyId: agencyId, appId: app.appId }), {
          token: pit.createPrivateIntegration.token,
        })
      ).status,
    ).toBe(403);

    // a token without oauth:read: 401 with HighLevel's scope message
    const narrow = await registerAgencyApp(['locations:read']);
    const narrowToken = (await companyToken(narrow, 'locations.readonly')).access_token!;
    const refused = await s.serebro('GET', path({ companyId: agencyId, appId: narrow.appId }), {
      token: narrowToken,
    });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({
      status: 401,
      code: 'UNAUTHORIZED_SCOPE',
    });
  });
  it('client secrets, PITs, tokens and vault values managed through the gateway never reach a log line (debug level)', async () => {
    const as = { token: owner.token };
    const registered = await s.client.ok<{
      registerMarketplaceApp: { clientSecret: string; app: { id: string } };
    }>(
      `mutation($o: ID!) { registerMarketplaceApp(organizationId: $o, name: "Logged", redirectUris: ["https://l.example.com/cb"],
        scopes: ["contacts:read"], distribution: LOCATION) { clientSecret app { id } } }`,
      { o: agencyId },
      as,
    );
    const rotated = await s.client.ok<{ rotateMarketplaceAppSecret: { clientSecret: string } }>(
      `mutation($o: ID!, $a: ID!) { rotateMarketplaceAppSecret(organizationId: $o, appId: $a) { clientSecret } }`,
      { o: agencyId, a: registered.registerMarketplaceApp.app.id },
      as,
    );
    const pit = await s.client.ok<{ createPrivateIntegration: { token: string } }>(
      `mutation($o: ID!) { createPrivateIntegration(organizationId: $o, name: "logged", scopes: ["locations:read"]) { token } }`,
      { o: locations[0] },
      as,
    );
    const used = await s.serebro('GET', `/v2/locations/${locations[0]}`, {
      token: pit.createPrivateIntegration.token,
    });
    expect(used.status).toBe(200);
    const value = `sk_live_${randomBytes(16).toString('hex')}`;
    const stored = await s.client.ok<{ storeVaultCredential: { masked: string } }>(
      `mutation($o: ID!, $v: String!) { storeVaultCredential(organizationId: $o, name: "stripe", kind: API_KEY, value: $v) { masked } }`,
      { o: agencyId, v: value },
      as,
    );
    expect(stored.storeVaultCredential.masked).toBe(`sk_…${value.slice(-4)}`);
    const listed = await s.client.graphql(
      `query($o: ID!) { vaultCredentials(organizationId: $o) { name masked } }`,
      {
        o: agencyId,
      },
      as,
    );
    expect(JSON.stringify(listed)).not.toContain(value.slice(8));

    const logs = s.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      registered.registerMarketplaceApp.clientSecret,
      rotated.rotateMarketplaceAppSecret.clientSecret,
      pit.createPrivateIntegration.token.slice(4),
      value.slice(8),
    ])
      expect(logs).not.toContain(secret);
  });
});
