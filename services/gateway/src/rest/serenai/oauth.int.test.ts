import {
  OAuthBrowser,
  startFacebookGraphServer,
  startOutsideProvider,
  type FacebookGraphServer,
  type OutsideClient,
  type OutsideProvider,
} from '@seren/testing';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restUser } from '../../test-support/rest-flows';

// Connected accounts through the gateway, at the spec's paths: SerenAI's "OAuth" (8 operations) and
// "oauth-providers" (5), and Serelo's "Social Accounts" (3, with Facebook's callback beyond the spec).
// The outside provider is a REAL OAuth 2.0 / OpenID Connect server on loopback (oidc-provider, login
// and consent scripted); Facebook is a local server speaking the Graph API's documented shapes (a
// contract stand-in, labelled as such). The public URLs identity gives providers are
// http://serenai.test and http://serelo.test (a reverse proxy's names): the test's browser takes the
// provider's redirect there to the gateway's listener, path and query unchanged.

const SERENAI = 'http://serenai.test';
const SERELO = 'http://serelo.test';
const FRONTEND = 'http://console.test/integrations/oauth';
const FACEBOOK = { appId: '99887766554433', appSecret: 'fb-app-secret-through-the-gateway-77' };

describe('connected accounts through the gateway (SerenAI OAuth + oauth-providers, Serelo social)', () => {
  let s: RestSuite;
  let outside: OutsideProvider;
  let graph: FacebookGraphServer;
  const globalClient: OutsideClient = {
    client_id: 'gateway-global',
    client_secret: 'gateway-global-secret-5e4d3c2b1a',
    redirect_uris: [`${SERENAI}/oauth/outside/callback`],
  };
  const orgClient: OutsideClient = {
    client_id: 'gateway-byoc',
    client_secret: 'gateway-byoc-secret-0f9e8d7c6b',
    redirect_uris: [],
  };

  beforeAll(async () => {
    [outside, graph] = await Promise.all([
      startOutsideProvider({ clients: [globalClient], accountId: 'gw-user-7', accountName: 'Grace Hopper' }),
      startFacebookGraphServer({
        ...FACEBOOK,
        user: { id: '1015800000000777', name: 'Grace Hopper' },
        pages: [{ id: '1090000000000042', name: 'Hopper & Co' }],
      }),
    ]);
    s = await startRestSuite({
      identityEnv: {
        SERENAI_PUBLIC_URL: SERENAI,
        SERELO_PUBLIC_URL: SERELO,
        OAUTH_FRONTEND_URL: FRONTEND,
        SOCIAL_FRONTEND_URL: 'http://console.test/social',
        OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8,::1/128,localhost',
        OAUTH_PROVIDERS: JSON.stringify([
          {
            slug: 'outside',
            name: 'Outside',
            issuer: outside.issuer,
            scopes: ['openid', 'profile', 'offline_access'],
            client_id: globalClient.client_id,
            client_secret: globalClient.client_secret,
          },
        ]),
        FACEBOOK_APP_ID: FACEBOOK.appId,
        FACEBOOK_APP_SECRET: FACEBOOK.appSecret,
        FACEBOOK_GRAPH_BASE: graph.graphBase,
        FACEBOOK_DIALOG_URL: graph.dialogUrl,
      },
    });
  });
  afterAll(async () => {
    await s?.close();
    await Promise.all([outside?.close(), graph?.close()]);
  });

  /** A GET at a product's listener, redirects not followed. */
  async function open(base: string, path: string, token?: string) {
    const response = await fetch(`${base}${path}`, {
      redirect: 'manual',
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get('location'),
      text,
      body: text ? JSON.parse(text) : undefined,
    };
  }
  const serenaiUrl = () => s.gateway.listeners.serenai.url;
  const sereloUrl = () => s.gateway.listeners.serelo.url;

  /** the authorization codes and states the provider sent back (never to be logged) */
  const codes: string[] = [];
  /** The user's browser at the provider (scripted consent) until it is sent back to our public host. */
  async function consent(authorizationUrl: string): Promise<URL> {
    const browser = new OAuthBrowser(outside.issuer);
    let step = await browser.request(authorizationUrl);
    for (let hop = 0; hop < 10; hop++) {
      if (step.status !== 302 && step.status !== 303)
        throw new Error(`provider answered ${step.status}: ${step.text}`);
      const location = new URL(step.location!, outside.issuer);
      if (location.origin === SERENAI || location.origin === SERELO) {
        codes.push(location.searchParams.get('code')!, location.searchParams.get('state')!);
        return location;
      }
      step = await browser.request(location.toString());
    }
    throw new Error('too many redirects');
  }
  /** The browser arrives at the gateway (the public host's listener) with the provider's query. */
  const arrive = (returned: URL) =>
    open(returned.origin === SERELO ? sereloUrl() : serenaiUrl(), returned.pathname + returned.search);

  describe('oauth-providers (BYOC)', () => {
    it('POST → 201 without the secret; 409 taken slug; 400 bad or private URLs; 401; 403 for non-members', async () => {
      const admin = await restUser(s, 'byoc-admin');
      const body = {
        name: 'Acme SSO',
        slug: 'acme-sso',
        authorization_url: outside.endpoints.authorization,
        token_url: outside.endpoints.token,
        revocation_url: outside.endpoints.revocation,
        userinfo_url: outside.endpoints.userinfo,
        scopes: ['openid', 'profile'],
        client_id: orgClient.client_id,
        client_secret: orgClient.client_secret,
        custom_auth_params: { prompt: 'consent' },
      };
      const created = await s.serenai('POST', '/organizations/default/oauth/providers', {
        token: admin.token,
        body,
      });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        id: expect.any(String),
        organization_id: admin.organizationId,
        slug: 'acme-sso',
        name: 'Acme SSO',
        authorization_url: outside.endpoints.authorization,
        scopes: ['openid', 'profile'],
        pkce_required: true,
        custom_auth_params: { prompt: 'consent' },
        client_id: orgClient.client_id,
        is_active: true,
      });
      expect(created.text).not.toContain(orgClient.client_secret);

      const again = await s.serenai('POST', '/organizations/default/oauth/providers', {
        token: admin.token,
        body,
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: 'PROVIDER_EXISTS' });
      for (const bad of [
        { ...body, slug: 'x1', authorization_url: 'http://169.254.169.254/latest' },
        { ...body, slug: 'x2', token_url: 'http://10.1.2.3/token' },
        { ...body, slug: 'x3', authorization_url: 'not a url' },
        { ...body, name: undefined },
      ]) {
        const refused = await s.serenai('POST', '/organizations/default/oauth/providers', {
          token: admin.token,
          body: bad,
        });
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
      expect((await s.serenai('POST', '/organizations/default/oauth/providers', { body })).status).toBe(401);
      const stranger = await restUser(s, 'byoc-stranger');
      const path = `/organizations/${admin.organizationId}/oauth/providers`;
      expect(
        (await s.serenai('POST', path, { token: stranger.token, body: { ...body, slug: 'y' } })).status,
      ).toBe(403);
      expect((await s.serenai('GET', path, { token: stranger.token })).status).toBe(403);
      expect(
        (await s.serenai('GET', `${path}/${created.body.data.id}`, { token: stranger.token })).status,
      ).toBe(403);
      expect(
        (
          await s.serenai('PATCH', `${path}/${created.body.data.id}`, {
            token: stranger.token,
            body: { name: 'z' },
          })
        ).status,
      ).toBe(403);
      expect(
        (await s.serenai('DELETE', `${path}/${created.body.data.id}`, { token: stranger.token })).status,
      ).toBe(403);
    });

    it('GET list and one → 200; PATCH → 200 (null clears, omitted keeps); 404 unknown; 409 slug of another', async () => {
      const admin = await restUser(s, 'byoc-editor');
      const create = (slug: string) =>
        s.serenai('POST', '/organizations/default/oauth/providers', {
          token: admin.token,
          body: {
            name: `P ${slug}`,
            slug,
            description: 'first',
            authorization_url: outside.endpoints.authorization,
            token_url: outside.endpoints.token,
            scopes: [],
            client_id: 'c',
            client_secret: 'first-secret-abc',
          },
        });
      const a = (await create('alpha')).body.data;
      await create('beta');
      const list = await s.serenai('GET', '/organizations/default/oauth/providers', { token: admin.token });
      expect(list.status).toBe(200);
      expect(list.body.data.map((p: { slug: string }) => p.slug)).toEqual(['alpha', 'beta']);
      const one = await s.serenai('GET', `/organizations/default/oauth/providers/${a.id}`, {
        token: admin.token,
      });
      expect(one.status).toBe(200);
      expect(one.body.data).toEqual(a);

      const patched = await s.serenai('PATCH', `/organizations/default/oauth/providers/${a.id}`, {
        token: admin.token,
        body: { name: 'Alpha 2', description: null, client_secret: 'second-secret-def', is_active: false },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({
        name: 'Alpha 2',
        description: null,
        slug: 'alpha',
        is_active: false,
        client_id: 'c',
      });
      expect(patched.text).not.toContain('second-secret-def');
      expect(
        (
          await s.serenai('PATCH', `/organizations/default/oauth/providers/${a.id}`, {
            token: admin.token,
            body: { slug: 'beta' },
          })
        ).status,
      ).toBe(409);
      expect(
        (
          await s.serenai('PATCH', `/organizations/default/oauth/providers/${a.id}`, {
            token: admin.token,
            body: { organization_id: 'elsewhere' },
          })
        ).status,
      ).toBe(400);
      const missing = '00000000-0000-4000-8000-000000000000';
      expect(
        (await s.serenai('GET', `/organizations/default/oauth/providers/${missing}`, { token: admin.token }))
          .status,
      ).toBe(404);
      expect(
        (
          await s.serenai('PATCH', `/organizations/default/oauth/providers/${missing}`, {
            token: admin.token,
            body: { name: 'x' },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await s.serenai('DELETE', `/organizations/default/oauth/providers/${missing}`, {
            token: admin.token,
          })
        ).status,
      ).toBe(404);
      // an inactive provider is not offered
      const available = await s.serenai('GET', '/oauth/providers', { token: admin.token });
      expect(available.body.providers.map((p: { slug: string }) => p.slug)).toEqual(['outside', 'beta']);
    });
  });

  describe('OAuth connections', () => {
    it('GET /oauth/providers → 200 global and own organizations’ providers, no secrets; 401 without a token', async () => {
      const user = await restUser(s, 'lister');
      const r = await s.serenai('GET', '/oauth/providers', { token: user.token });
      expect(r.status).toBe(200);
      expect(r.body.providers).toEqual([
        expect.objectContaining({
          slug: 'outside',
          name: 'Outside',
          organization_id: null,
          scopes: ['openid', 'profile', 'offline_access'],
        }),
      ]);
      expect(r.text).not.toContain(globalClient.client_secret);
      expect(r.text).not.toContain('client_secret');
      expect((await s.serenai('GET', '/oauth/providers')).status).toBe(401);
    });

    it('/oauth/{provider}/authorize → 302 → consent → /oauth/{provider}/callback → 302 to the frontend; listed; replay 400; revoke 200 then 404', async () => {
      const user = await restUser(s, 'connector');
      const start = await open(serenaiUrl(), '/oauth/outside/authorize', user.token);
      expect(start.status).toBe(302);
      const authorization = new URL(start.location!);
      expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorization.searchParams.get('redirect_uri')).toBe(`${SERENAI}/oauth/outside/callback`);
      const returned = await consent(start.location!);
      const back = await arrive(returned);
      expect(back.status).toBe(302);
      expect(back.location).toBe(`${FRONTEND}?status=success&provider=outside`);

      const connections = await s.serenai('GET', '/oauth/connections', { token: user.token });
      expect(connections.status).toBe(200);
      expect(connections.body.connections).toEqual([
        expect.objectContaining({
          provider: 'outside',
          provider_name: 'Outside',
          account_id: 'gw-user-7',
          account_name: 'Grace Hopper',
          expires_at: expect.any(String),
        }),
      ]);
      expect(connections.text).not.toMatch(/access_token|refresh_token/);

      const replay = await arrive(returned);
      expect(replay.status).toBe(400);
      expect(replay.body).toMatchObject({ error: 'INVALID_STATE', message: expect.any(String) });
      const bad = await open(serenaiUrl(), '/oauth/outside/callback?code=x&state=forged');
      expect(bad.status).toBe(400);

      const revoked = await s.serenai('DELETE', '/oauth/connections/outside', { token: user.token });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ success: true, message: expect.any(String) });
      expect((await s.serenai('DELETE', '/oauth/connections/outside', { token: user.token })).status).toBe(
        404,
      );
      expect((await s.serenai('GET', '/oauth/connections', { token: user.token })).body.connections).toEqual(
        [],
      );
      expect((await open(serenaiUrl(), '/oauth/outside/authorize')).status).toBe(401);
      expect((await open(serenaiUrl(), '/oauth/nothing-here/authorize', user.token)).status).toBe(404);
      const offList = await open(
        serenaiUrl(),
        `/oauth/outside/authorize?redirect_uri=${encodeURIComponent('https://evil.example/')}`,
        user.token,
      );
      expect(offList.status).toBe(400);
      expect(offList.body).toMatchObject({ error: 'INVALID_REDIRECT_URI' });
    });

    it("by provider id for an organization's provider: 302s, listed, revoke by id 200/404; another organization's provider 404; deleting it disconnects", async () => {
      const admin = await restUser(s, 'by-id');
      const created = await s.serenai('POST', '/organizations/default/oauth/providers', {
        token: admin.token,
        body: {
          name: 'Team IdP',
          slug: 'team-idp',
          authorization_url: outside.endpoints.authorization,
          token_url: outside.endpoints.token,
          revocation_url: outside.endpoints.revocation,
          userinfo_url: outside.endpoints.userinfo,
          scopes: ['openid', 'profile'],
          client_id: orgClient.client_id,
          client_secret: orgClient.client_secret,
        },
      });
      const id = created.body.data.id as string;
      outside.addClient({ ...orgClient, redirect_uris: [`${SERENAI}/oauth/providers/${id}/callback`] });

      const stranger = await restUser(s, 'by-id-stranger');
      expect((await open(serenaiUrl(), `/oauth/providers/${id}/authorize`, stranger.token)).status).toBe(404);

      const connect = async () => {
        const start = await open(serenaiUrl(), `/oauth/providers/${id}/authorize`, admin.token);
        expect(start.status).toBe(302);
        const back = await arrive(await consent(start.location!));
        expect(back.status).toBe(302);
        expect(back.location).toBe(`${FRONTEND}?status=success&provider=team-idp`);
      };
      await connect();
      const listed = await s.serenai('GET', '/oauth/connections', { token: admin.token });
      expect(listed.body.connections).toEqual([
        expect.objectContaining({
          provider_id: id,
          provider: 'team-idp',
          organization_id: admin.organizationId,
          account_id: 'gw-user-7',
        }),
      ]);
      expect(
        (await s.serenai('DELETE', `/oauth/connections/providers/${id}`, { token: admin.token })).status,
      ).toBe(200);
      expect(
        (await s.serenai('DELETE', `/oauth/connections/providers/${id}`, { token: admin.token })).status,
      ).toBe(404);
      expect(
        (
          await open(
            serenaiUrl(),
            `/oauth/providers/00000000-0000-4000-8000-000000000001/callback?code=a&state=b`,
          )
        ).status,
      ).toBe(404);

      await connect();
      const deleted = await s.serenai('DELETE', `/organizations/default/oauth/providers/${id}`, {
        token: admin.token,
      });
      expect(deleted.status).toBe(204);
      expect((await s.serenai('GET', '/oauth/connections', { token: admin.token })).body.connections).toEqual(
        [],
      );
      expect(
        (await s.serenai('GET', `/organizations/default/oauth/providers/${id}`, { token: admin.token }))
          .status,
      ).toBe(404);
    });
  });

  describe('Serelo Social Accounts (Facebook through a Graph API stand-in)', () => {
    it('connect 302 → Facebook → callback 302; GET accounts 200 with masked tokens; DELETE 204 then 404; 401 without a token', async () => {
      const user = await restUser(s, 'social');
      const start = await open(sereloUrl(), '/api/v1/social/facebook/connect', user.token);
      expect(start.status).toBe(302);
      expect(start.location!.startsWith(graph.dialogUrl)).toBe(true);
      const dialog = await fetch(start.location!, { redirect: 'manual' });
      const back = await arrive(new URL(dialog.headers.get('location')!));
      expect(back.status).toBe(302);
      expect(back.location).toMatch(/^http:\/\/console\.test\/social\?status=success&platform=facebook/);

      const accounts = await s.serelo('GET', '/api/v1/social/accounts', { token: user.token });
      expect(accounts.status).toBe(200);
      expect(accounts.body).toEqual({
        accounts: [
          {
            id: expect.any(String),
            user_id: user.id,
            platform: 'facebook',
            platform_user_id: '1015800000000777',
            platform_username: 'Grace Hopper',
            access_token: expect.stringMatching(/^…\w{4}$/),
            token_expires_at: expect.any(String),
            pages: [
              {
                page_id: '1090000000000042',
                page_name: 'Hopper & Co',
                access_token: `…${graph.pageTokens.get('1090000000000042')!.slice(-4)}`,
              },
            ],
            created_at: expect.any(String),
          },
        ],
        total: 1,
      });
      for (const token of [...graph.userTokens, ...graph.pageTokens.values()])
        expect(accounts.text).not.toContain(token);

      const id = accounts.body.accounts[0].id as string;
      expect((await s.serelo('DELETE', `/api/v1/social/accounts/${id}`, { token: user.token })).status).toBe(
        204,
      );
      const gone = await s.serelo('DELETE', `/api/v1/social/accounts/${id}`, { token: user.token });
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ detail: { code: expect.any(String), message: expect.any(String) } });
      expect((await s.serelo('GET', '/api/v1/social/accounts', { token: user.token })).body).toEqual({
        accounts: [],
        total: 0,
      });
      expect((await s.serelo('GET', '/api/v1/social/accounts')).status).toBe(401);
      expect((await open(sereloUrl(), '/api/v1/social/facebook/connect')).status).toBe(401);
      expect((await open(sereloUrl(), '/api/v1/social/facebook/callback?code=x&state=forged')).status).toBe(
        400,
      );
    });
  });

  it('no client secret, token, code or state in identity’s log lines', () => {
    const secrets = [
      globalClient.client_secret,
      orgClient.client_secret,
      FACEBOOK.appSecret,
      'first-secret-abc',
      'second-secret-def',
      ...graph.userTokens,
      ...graph.pageTokens.values(),
      ...codes,
    ];
    expect(codes.length).toBeGreaterThan(4);
    for (const secret of secrets) expect(s.logs.text).not.toContain(secret);
    expect(s.logs.text.length).toBeGreaterThan(0);
  });
});
