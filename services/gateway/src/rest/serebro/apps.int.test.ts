import { createHash, randomBytes } from 'node:crypto';
import { asCaller, graphql } from '@seren/testing';
import { restUser } from '../../test-support/rest-flows';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { STRONG_PASSWORD } from '../../test-support/suite';

// HighLevel's GET /oauth/installedLocations on Serebro v2, with a real agency (Company) token of
// identity's authorization server (authorization code + PKCE, scripted consent): the app reads
// where it is installed in its agency; another app's id, another agency, a PIT and a token
// without oauth:read are refused.

const PREFIX = '/internal/serebro-oauth';
const PUBLIC = 'http://localhost:4002';

describe('Serebro GET /v2/oauth/installedLocations', () => {
  let s: RestSuite;
  let owner: Awaited<ReturnType<typeof restUser>>;
  let agencyId: string;
  let locations: string[];

  const asOwner = async <T>(query: string, variables: Record<string, unknown>) => {
    const result = await graphql<T>(
      s.identity.url,
      query,
      variables,
      await asCaller({ subject: owner.id, via: 'session' }),
    );
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };

  const internal = (url: string) => {
    const parsed = new URL(url, PUBLIC);
    return `${s.identity.url}${PREFIX}${parsed.pathname}${parsed.search}`;
  };

  const browser = () => {
    const cookies = new Map<string, string>();
    return async (url: string, form?: Record<string, string>) => {
      const response = await fetch(internal(url), {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      for (const line of response.headers.getSetCookie()) {
        const [name, ...value] = line.split(';')[0]!.split('=');
        if (/expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name!.trim());
        else cookies.set(name!.trim(), value.join('='));
      }
      return {
        status: response.status,
        location: response.headers.get('location'),
        text: await response.text(),
      };
    };
  };

  async function registerAgencyApp(scopes: string[]) {
    const redirectUri = 'http://localhost:9877/callback';
    const data = await asOwner<{
      registerMarketplaceApp: { clientSecret: string; app: { id: string; clientId: string } };
    }>(
      `mutation($o: ID!, $s: [String!]!, $r: [String!]!) {
        registerMarketplaceApp(organizationId: $o, name: "Agency Sync", redirectUris: $r, scopes: $s, distribution: AGENCY) {
          clientSecret app { id clientId }
        }
      }`,
      { o: agencyId, s: scopes, r: [redirectUri] },
    );
    const { app, clientSecret } = data.registerMarketplaceApp;
    return { appId: app.id, clientId: app.clientId, clientSecret, redirectUri };
  }

  /** Authorization code + PKCE, the owner installing the app on the agency: a Company token. */
  async function companyToken(app: Awaited<ReturnType<typeof registerAgencyApp>>, scope: string) {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL('/v2/oauth/chooselocation', PUBLIC);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      scope,
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const go = browser();
    let step = await go(authorize.href);
    let callback: URL | undefined;
    for (let hops = 0; hops < 12 && !callback; hops++) {
      if (step.status !== 302 && step.status !== 303)
        throw new Error(`${step.status}: ${step.text.slice(0, 500)}`);
      const location = new URL(step.location!, PUBLIC);
      if (location.href.startsWith(app.redirectUri)) callback = location;
      else if (/\/v2\/oauth\/consent\/[\w-]+$/.test(location.pathname)) {
        const page = await go(location.href);
        step = page.text.includes('/login"')
          ? await go(`${location.href}/login`, { email: owner.email, password: STRONG_PASSWORD })
          : await go(`${location.href}/approve`, { organization_id: agencyId });
      } else step = await go(location.href);
    }
    if (!callback?.searchParams.get('code')) throw new Error(`no code: ${callback?.href}`);
    const response = await fetch(`${s.identity.url}${PREFIX}/v2/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: app.redirectUri,
        code_verifier: verifier,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        user_type: 'Company',
      }).toString(),
    });
    const body = (await response.json()) as Record<string, string>;
    if (response.status !== 200) throw new Error(`token: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  beforeAll(async () => {
    s = await startRestSuite();
    owner = await restUser(s, 'installed-locations');
    const as = { token: owner.token };
    agencyId = (
      await s.client.ok<{ createAgency: { id: string } }>(
        `mutation { createAgency(name: "Apps Agency") { id } }`,
        {},
        as,
      )
    ).createAgency.id;
    locations = [];
    for (const name of ['Beta Street', 'Alpha Road'])
      locations.push(
        (
          await s.client.ok<{ createLocation: { id: string } }>(
            `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
            { a: agencyId, n: name },
            as,
          )
        ).createLocation.id,
      );
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
