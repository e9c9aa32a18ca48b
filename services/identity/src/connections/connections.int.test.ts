import { Writable } from 'node:stream';
import { signInternalToken, type Caller } from '@seren/service-kit';
import {
  OAuthBrowser,
  startFacebookGraphServer,
  startOutsideProvider,
  TEST_INTERNAL_TOKEN_SECRET,
  type FacebookGraphServer,
  type OutsideClient,
  type OutsideProvider,
} from '@seren/testing';
import { startTestIdentity, type TestIdentity } from '../test/harness';
import { openCredential } from '../vault/service';
import { uuidOf } from './providers';
import { accessTokenFor, connectionIdOf } from './service';
import type { TokenSet } from './engine';

// Connected accounts against a REAL OAuth 2.0 / OpenID Connect server: an oidc-provider instance on
// loopback (@seren/testing's startOutsideProvider) stands in for the outside provider, with its
// login and consent scripted. The browser is OAuthBrowser; identity's internal routes are called as
// the gateway's forwards call them (the public callback path under /internal). Facebook runs against
// a local server speaking the Graph API's documented shapes (a contract stand-in, labelled as such).

class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.lines.push(chunk.toString());
    callback();
  }
  get text() {
    return this.lines.join('');
  }
}

const SERENAI = 'http://serenai.test';
const SERELO = 'http://serelo.test';
const FRONTEND = 'http://console.test/integrations/oauth';
const globalId = uuidOf('oauth-provider:outside');
const globalClient: OutsideClient = {
  client_id: 'seren-global',
  client_secret: 'global-client-secret-9f8e7d6c5b4a',
  redirect_uris: [`${SERENAI}/oauth/outside/callback`, `${SERENAI}/oauth/providers/${globalId}/callback`],
};
const FACEBOOK = { appId: '1234567890', appSecret: 'facebook-app-secret-0a1b2c3d4e5f' };

const CONNECTIONS = `{ oauthConnections { id providerId providerSlug providerName organizationId accountId accountName scopes expiresAt connectedAt } }`;
const CREATE = `mutation($o: ID!, $i: CreateOAuthProviderInput!) { createOrganizationOAuthProvider(organizationId: $o, input: $i) { id slug organizationId authorizationUrl tokenUrl clientId pkceRequired scopes isActive customAuthParams { name value } } }`;
const REVOKE = `mutation($id: ID, $slug: String) { revokeOAuthConnection(providerId: $id, providerSlug: $slug) { success message } }`;

describe('connected accounts against a real OAuth provider on loopback', () => {
  let outside: OutsideProvider;
  let graph: FacebookGraphServer;
  let t: TestIdentity;
  const logs = new LogCapture();

  beforeAll(async () => {
    [outside, graph] = await Promise.all([
      startOutsideProvider({
        clients: [globalClient],
        accountId: 'outside-user-1',
        accountName: 'Ada Lovelace',
      }),
      startFacebookGraphServer({
        ...FACEBOOK,
        user: { id: '10158000000000001', name: 'Ada Lovelace' },
        pages: Array.from({ length: 3 }, (_, i) => ({ id: `10900000000000${i}`, name: `Page ${i + 1}` })),
        pageSize: 2,
      }),
    ]);
    t = await startTestIdentity({
      logDestination: logs,
      env: {
        LOG_LEVEL: 'debug',
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
            scopes: ['openid', 'profile', 'offline_access', 'api:read'],
            client_id: globalClient.client_id,
            client_secret: globalClient.client_secret,
          },
          // a provider whose discovery cannot be read (nothing listens there)
          {
            slug: 'down',
            name: 'Down',
            issuer: 'http://127.0.0.1:9',
            scopes: [],
            client_id: 'x',
            client_secret: 'y',
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
    await t?.close();
    await Promise.all([outside?.close(), graph?.close()]);
  });

  const internal = async (caller?: Caller) =>
    caller ? { 'x-internal-token': await signInternalToken(caller, TEST_INTERNAL_TOKEN_SECRET) } : {};

  /** GET an internal redirect route, as the gateway's forward does; redirects are not followed. */
  async function get(path: string, caller?: Caller) {
    const response = await fetch(`${t.service.url}${path}`, {
      redirect: 'manual',
      headers: await internal(caller),
    });
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: text ? JSON.parse(text) : undefined,
    };
  }

  /** The browser at the outside provider: scripted login and consent, until it is sent back to one of our hosts. */
  async function consent(authorizationUrl: string): Promise<URL> {
    const browser = new OAuthBrowser(outside.issuer);
    let step = await browser.request(authorizationUrl);
    for (let hop = 0; hop < 10; hop++) {
      if (step.status !== 302 && step.status !== 303)
        throw new Error(`provider answered ${step.status}: ${step.text}`);
      const location = new URL(step.location!, outside.issuer);
      if (location.origin === SERENAI || location.origin === SERELO) {
        seenCodes.push(
          ...[location.searchParams.get('code'), location.searchParams.get('state')].filter(
            (c) => c !== null,
          ),
        );
        return location;
      }
      step = await browser.request(location.toString());
    }
    throw new Error('too many redirects');
  }

  /** The provider's redirect delivered to identity as the gateway forwards it (its path under /internal). */
  const callback = (returned: URL, path = returned.pathname.replace('/api/v1', '')) =>
    get(`/internal${path}${returned.search}`);

  async function user(label: string) {
    const u = await t.client.user(label);
    return { ...u, caller: await t.client.callerFor(u.accessToken) };
  }

  /** every token the tests saw, to look for in logs and events at the end */
  const seenTokens: string[] = [];
  /** every authorization code and state the provider sent back */
  const seenCodes: string[] = [];
  async function sealedTokens(organizationId: string, connectionId: string): Promise<TokenSet> {
    const tokens = JSON.parse(
      await openCredential(t.service.identity, { organizationId, name: `oauth-connection:${connectionId}` }),
    ) as TokenSet;
    seenTokens.push(tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : []));
    return tokens;
  }

  async function connectGlobal(u: Awaited<ReturnType<typeof user>>, path = '/internal/oauth/outside') {
    const start = await get(`${path}/authorize`, u.caller);
    expect(start.status).toBe(302);
    const back = await callback(await consent(start.location!));
    expect(back.status).toBe(302);
    return { start, back };
  }

  it('authorize → consent → callback: a 302 to the provider with state, PKCE S256 and the scopes; tokens sealed; the account recorded', async () => {
    const ada = await user('ada');
    const start = await get('/internal/oauth/outside/authorize', ada.caller);
    expect(start.status).toBe(302);
    const authorization = new URL(start.location!);
    expect(authorization.origin + authorization.pathname).toBe(`${outside.issuer}/auth`);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: globalClient.client_id,
      response_type: 'code',
      redirect_uri: `${SERENAI}/oauth/outside/callback`,
      scope: 'openid profile offline_access api:read',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{20,}$/),
    });

    const returned = await consent(start.location!);
    expect(returned.pathname).toBe('/oauth/outside/callback');
    expect(returned.searchParams.get('state')).toBe(authorization.searchParams.get('state'));
    const back = await callback(returned);
    expect(back.status).toBe(302);
    expect(back.location).toBe(`${FRONTEND}?status=success&provider=outside`);
    // the code went with its PKCE verifier (the provider requires one and checked it)
    expect(outside.tokenRequests.at(-1)).toEqual({
      grantType: 'authorization_code',
      clientId: globalClient.client_id,
      codeVerifier: true,
    });

    const { oauthConnections } = await t.client.ok<{ oauthConnections: Record<string, unknown>[] }>(
      CONNECTIONS,
      {},
      ada.as,
    );
    expect(oauthConnections).toEqual([
      expect.objectContaining({
        providerId: globalId,
        providerSlug: 'outside',
        providerName: 'Outside',
        organizationId: null,
        accountId: 'outside-user-1',
        accountName: 'Ada Lovelace',
        scopes: expect.arrayContaining(['openid', 'api:read']),
        expiresAt: expect.any(String),
      }),
    ]);
    const tokens = await sealedTokens(ada.personalOrganizationId, connectionIdOf(ada.id, globalId));
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(await outside.isActive(tokens.accessToken, globalClient)).toBe(true);

    // the same callback again: the state was spent
    const replay = await callback(returned);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'INVALID_STATE' });
  });

  it('refreshes the access token on use once it is about to expire, and revokes at the provider (RFC 7009) on disconnect', async () => {
    const bob = await user('bob');
    await connectGlobal(bob, `/internal/oauth/providers/${globalId}`);
    const connectionId = connectionIdOf(bob.id, globalId);
    const before = await sealedTokens(bob.personalOrganizationId, connectionId);

    // not yet due: the sealed token as it is
    expect(
      (await accessTokenFor(t.service.identity, { userId: bob.id, providerId: globalId })).accessToken,
    ).toBe(before.accessToken);
    // an hour and more later (identity's clock), the token is due: refreshed at the provider
    const realNow = t.service.identity.now;
    t.service.identity.now = () => new Date(Date.now() + 2 * 3_600_000);
    let refreshed: Awaited<ReturnType<typeof accessTokenFor>>;
    try {
      refreshed = await accessTokenFor(t.service.identity, { userId: bob.id, providerId: globalId });
    } finally {
      t.service.identity.now = realNow;
    }
    expect(refreshed.accessToken).not.toBe(before.accessToken);
    expect(outside.tokenRequests.at(-1)).toMatchObject({ grantType: 'refresh_token' });
    expect(await outside.isActive(refreshed.accessToken, globalClient)).toBe(true);
    const after = await sealedTokens(bob.personalOrganizationId, connectionId);
    expect(after.accessToken).toBe(refreshed.accessToken);
    const events: { type: string }[] = await t.service.dataSource.query(
      `select type from events where stream_id = $1 order by position`,
      [`oauth-connection-${connectionId}`],
    );
    expect(events.map((e) => e.type)).toEqual(['OAuthAccountConnected', 'OAuthConnectionRefreshed']);

    const revoked = await t.client.ok<{ revokeOAuthConnection: unknown }>(
      REVOKE,
      { slug: 'outside' },
      bob.as,
    );
    expect(revoked.revokeOAuthConnection).toEqual({ success: true, message: expect.any(String) });
    expect(await outside.isActive(after.accessToken, globalClient)).toBe(false);
    expect(await outside.isActive(after.refreshToken!, globalClient)).toBe(false);
    await expect(sealedTokens(bob.personalOrganizationId, connectionId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      (await t.client.ok<{ oauthConnections: unknown[] }>(CONNECTIONS, {}, bob.as)).oauthConnections,
    ).toEqual([]);
    expect(await t.client.error(REVOKE, { id: globalId }, bob.as)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refreshes a connection once when two calls find it due together; a refresh the provider refuses is 409 CONNECTION_EXPIRED', async () => {
    const fay = await user('fay');
    await connectGlobal(fay);
    const connectionId = connectionIdOf(fay.id, globalId);
    const realNow = t.service.identity.now;
    t.service.identity.now = () => new Date(Date.now() + 2 * 3_600_000);
    try {
      const before = outside.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
      const [a, b] = await Promise.all([
        accessTokenFor(t.service.identity, { userId: fay.id, providerId: globalId }),
        accessTokenFor(t.service.identity, { userId: fay.id, providerId: globalId }),
      ]);
      expect(a.accessToken).toBe(b.accessToken);
      expect(outside.tokenRequests.filter((r) => r.grantType === 'refresh_token').length).toBe(before + 1);

      // the grant ends at the provider (the user revoked the app there): the next refresh is refused
      const tokens = await sealedTokens(fay.personalOrganizationId, connectionId);
      const revoked = await fetch(outside.endpoints.revocation, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: tokens.refreshToken!,
          client_id: globalClient.client_id,
          client_secret: globalClient.client_secret,
        }),
      });
      expect(revoked.status).toBe(200);
      t.service.identity.now = () => new Date(Date.now() + 4 * 3_600_000);
      await expect(
        accessTokenFor(t.service.identity, { userId: fay.id, providerId: globalId }),
      ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'CONNECTION_EXPIRED' });
    } finally {
      t.service.identity.now = realNow;
    }
  });

  it('refuses a wrong, missing, replayed or expired state with 400, and a redirect_uri off the allowlist', async () => {
    const cy = await user('cy');
    expect(await get('/internal/oauth/outside/callback?code=abc&state=not-a-state')).toMatchObject({
      status: 400,
      body: { reason: 'INVALID_STATE' },
    });
    expect(await get('/internal/oauth/outside/callback?code=abc')).toMatchObject({ status: 400 });

    const start = await get('/internal/oauth/outside/authorize', cy.caller);
    const returned = await consent(start.location!);
    const realNow = t.service.identity.now;
    t.service.identity.now = () => new Date(Date.now() + 11 * 60_000);
    try {
      expect(await callback(returned)).toMatchObject({ status: 400, body: { reason: 'INVALID_STATE' } });
    } finally {
      t.service.identity.now = realNow;
    }

    for (const off of [
      'https://evil.example/integrations/oauth',
      'http://console.test.evil.example/x',
      'http://user@console.test/x',
      'javascript:alert(1)',
    ])
      expect(
        await get(`/internal/oauth/outside/authorize?redirect_uri=${encodeURIComponent(off)}`, cy.caller),
      ).toMatchObject({
        status: 400,
        body: { reason: 'INVALID_REDIRECT_URI' },
      });
    const allowed = `${FRONTEND}/done?tab=github`;
    const kept = await get(
      `/internal/oauth/outside/authorize?redirect_uri=${encodeURIComponent(allowed)}`,
      cy.caller,
    );
    const back = await callback(await consent(kept.location!));
    expect(back.location).toBe(`${allowed}&status=success&provider=outside`);

    // a provider that cannot be reached: 502 before any redirect
    expect(await get('/internal/oauth/down/authorize', cy.caller)).toMatchObject({
      status: 502,
      body: { reason: 'PROVIDER_UNAVAILABLE' },
    });
    // no caller: 401; an unknown provider: 404
    expect((await get('/internal/oauth/outside/authorize')).status).toBe(401);
    expect((await get('/internal/oauth/nope/authorize', cy.caller)).status).toBe(404);
    expect((await get(`/internal/oauth/providers/${uuidOf('x')}/authorize`, cy.caller)).status).toBe(404);
    expect((await get(`/internal/oauth/providers/${uuidOf('x')}/callback?code=a&state=b`)).status).toBe(404);
  });

  it('checks PKCE: a code redeemed with another verifier is refused by the provider, and the browser is told', async () => {
    const di = await user('di');
    const start = await get('/internal/oauth/outside/authorize', di.caller);
    await t.service.dataSource.query(`update oauth_states set code_verifier = $1 where user_id = $2`, [
      'x'.repeat(64),
      di.id,
    ]);
    const back = await callback(await consent(start.location!));
    expect(back.status).toBe(302);
    expect(back.location).toBe(`${FRONTEND}?status=error&provider=outside&error=token_exchange_failed`);
    expect(
      (await t.client.ok<{ oauthConnections: unknown[] }>(CONNECTIONS, {}, di.as)).oauthConnections,
    ).toEqual([]);
  });

  describe("an organization's own provider (BYOC)", () => {
    let admin: Awaited<ReturnType<typeof user>>;
    let organizationId: string;
    let providerId: string;
    const orgClient: OutsideClient = {
      client_id: 'acme-client',
      client_secret: 'acme-client-secret-1a2b3c4d5e6f',
      redirect_uris: [],
    };

    beforeAll(async () => {
      admin = await user('acme-admin');
      organizationId = await t.client.team(admin, 'Acme');
      const created = await t.client.ok<{ createOrganizationOAuthProvider: { id: string } }>(
        CREATE,
        {
          o: organizationId,
          i: {
            name: 'Acme SSO',
            slug: 'acme',
            authorizationUrl: outside.endpoints.authorization,
            tokenUrl: outside.endpoints.token,
            revocationUrl: outside.endpoints.revocation,
            userinfoUrl: outside.endpoints.userinfo,
            scopes: ['openid', 'profile', 'api:write'],
            clientId: orgClient.client_id,
            clientSecret: orgClient.client_secret,
            customAuthParams: [{ name: 'prompt', value: 'consent' }],
          },
        },
        admin.as,
      );
      providerId = created.createOrganizationOAuthProvider.id;
      outside.addClient({
        ...orgClient,
        redirect_uris: [
          `${SERENAI}/oauth/providers/${providerId}/callback`,
          `${SERENAI}/oauth/acme/callback`,
        ],
      });
    });

    it('is created without showing its secret, listed for members only, and connected through by id', async () => {
      const listed = await t.client.ok<{
        oauthProviders: { id: string; slug: string; organizationId: string | null }[];
      }>(`{ oauthProviders { id slug organizationId } }`, {}, admin.as);
      expect(listed.oauthProviders).toEqual(
        expect.arrayContaining([
          { id: globalId, slug: 'outside', organizationId: null },
          { id: providerId, slug: 'acme', organizationId },
        ]),
      );
      const outsider = await user('outsider');
      const theirs = await t.client.ok<{ oauthProviders: { id: string }[] }>(
        `{ oauthProviders { id } }`,
        {},
        outsider.as,
      );
      expect(theirs.oauthProviders.map((p) => p.id)).toEqual([globalId, uuidOf('oauth-provider:down')]);
      // another organization's provider is not found, by id or by slug
      expect((await get(`/internal/oauth/providers/${providerId}/authorize`, outsider.caller)).status).toBe(
        404,
      );
      expect((await get(`/internal/oauth/acme/authorize`, outsider.caller)).status).toBe(404);
      expect(
        await t.client.error(
          `query($o: ID!, $p: ID!) { organizationOAuthProvider(organizationId: $o, providerId: $p) { id } }`,
          { o: organizationId, p: providerId },
          outsider.as,
        ),
      ).toMatchObject({ code: 'FORBIDDEN' });

      const start = await get(`/internal/oauth/providers/${providerId}/authorize`, admin.caller);
      const authorization = new URL(start.location!);
      expect(authorization.searchParams.get('prompt')).toBe('consent');
      expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
      const back = await callback(await consent(start.location!));
      expect(back.location).toBe(`${FRONTEND}?status=success&provider=acme`);
      const { oauthConnections } = await t.client.ok<{ oauthConnections: Record<string, unknown>[] }>(
        CONNECTIONS,
        {},
        admin.as,
      );
      expect(oauthConnections).toEqual([
        expect.objectContaining({
          providerId,
          providerSlug: 'acme',
          providerName: 'Acme SSO',
          organizationId,
          accountId: 'outside-user-1',
        }),
      ]);
      // sealed in the provider's organization
      const tokens = await sealedTokens(organizationId, connectionIdOf(admin.id, providerId));
      expect(await outside.isActive(tokens.accessToken, orgClient)).toBe(true);
    });

    it('refuses a code for another provider: the state names the provider it was issued for', async () => {
      const start = await get('/internal/oauth/outside/authorize', admin.caller);
      const returned = await consent(start.location!);
      const crossed = await get(`/internal/oauth/providers/${providerId}/callback${returned.search}`);
      expect(crossed).toMatchObject({ status: 400, body: { reason: 'STATE_MISMATCH' } });
    });

    it('refuses private addresses, a taken slug and bad input; the admin permission is required', async () => {
      const base = {
        name: 'Internal',
        tokenUrl: outside.endpoints.token,
        scopes: [],
        clientId: 'c',
        clientSecret: 's',
      };
      for (const url of [
        'http://10.0.0.7/auth',
        'http://169.254.169.254/latest/meta-data',
        'http://[fd00::1]/auth',
      ])
        expect(
          await t.client.error(
            CREATE,
            { o: organizationId, i: { ...base, authorizationUrl: url } },
            admin.as,
          ),
        ).toMatchObject({
          code: 'VALIDATION_ERROR',
          reason: 'PRIVATE_ADDRESS',
        });
      for (const slug of ['acme', 'outside'])
        expect(
          await t.client.error(
            CREATE,
            { o: organizationId, i: { ...base, slug, authorizationUrl: outside.endpoints.authorization } },
            admin.as,
          ),
        ).toMatchObject({ code: 'CONFLICT', reason: 'PROVIDER_EXISTS' });
      expect(
        await t.client.error(
          CREATE,
          { o: organizationId, i: { ...base, authorizationUrl: 'ftp://x.example/a' } },
          admin.as,
        ),
      ).toMatchObject({ code: 'VALIDATION_ERROR' });
      const member = await user('not-admin');
      expect(
        await t.client.error(
          CREATE,
          { o: organizationId, i: { ...base, authorizationUrl: outside.endpoints.authorization } },
          member.as,
        ),
      ).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('deleting the provider disconnects every user of it and revokes their tokens at the provider', async () => {
      const tokens = await sealedTokens(organizationId, connectionIdOf(admin.id, providerId));
      const deleted = await t.client.ok(
        `mutation($o: ID!, $p: ID!) { deleteOrganizationOAuthProvider(organizationId: $o, providerId: $p) { id } }`,
        { o: organizationId, p: providerId },
        admin.as,
      );
      expect(deleted).toEqual({ deleteOrganizationOAuthProvider: { id: providerId } });
      expect(await outside.isActive(tokens.refreshToken!, orgClient)).toBe(false);
      const { oauthConnections } = await t.client.ok<{ oauthConnections: { providerId: string }[] }>(
        CONNECTIONS,
        {},
        admin.as,
      );
      expect(oauthConnections.map((c) => c.providerId)).not.toContain(providerId);
      const events: { data: { reason: string } }[] = await t.service.dataSource.query(
        `select data from events where type = 'OAuthConnectionRevoked' and stream_id = $1`,
        [`oauth-connection-${connectionIdOf(admin.id, providerId)}`],
      );
      expect(events.map((e) => e.data.reason)).toEqual(['provider_deleted']);
      await expect(
        openCredential(t.service.identity, { organizationId, name: `oauth-provider:${providerId}` }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('Serelo: Facebook pages (against a local Graph API stand-in speaking its documented shapes)', () => {
    it('connects Facebook, lists the pages with masked tokens, seals every page token, and disconnects', async () => {
      const eve = await user('eve');
      const start = await get('/internal/social/facebook/connect', eve.caller);
      expect(start.status).toBe(302);
      const dialog = new URL(start.location!);
      expect(dialog.origin + dialog.pathname).toBe(graph.dialogUrl);
      expect(dialog.searchParams.get('scope')).toBe(
        'pages_show_list,pages_manage_posts,pages_read_engagement',
      );
      expect(dialog.searchParams.get('redirect_uri')).toBe(`${SERELO}/api/v1/social/facebook/callback`);
      // the dialog sends the browser back with a code
      const redirect = await fetch(start.location!, { redirect: 'manual' });
      const back = await callback(new URL(redirect.headers.get('location')!));
      expect(back.status).toBe(302);
      expect(back.location).toMatch(
        /^http:\/\/console\.test\/social\?status=success&platform=facebook&account_id=/,
      );
      expect(graph.refused).toEqual([]);

      const { socialAccounts } = await t.client.ok<{ socialAccounts: Record<string, unknown>[] }>(
        `{ socialAccounts { id userId platform platformUserId platformUsername accessToken tokenExpiresAt pages { pageId pageName accessToken } createdAt } }`,
        {},
        eve.as,
      );
      expect(socialAccounts).toEqual([
        expect.objectContaining({
          userId: eve.id,
          platform: 'facebook',
          platformUserId: '10158000000000001',
          platformUsername: 'Ada Lovelace',
          accessToken: expect.stringMatching(/^…\w{4}$/),
          tokenExpiresAt: expect.any(String),
          pages: [0, 1, 2].map((i) => ({
            pageId: `10900000000000${i}`,
            pageName: `Page ${i + 1}`,
            accessToken: `…${graph.pageTokens.get(`10900000000000${i}`)!.slice(-4)}`,
          })),
        }),
      ]);
      const accountId = socialAccounts[0]!.id as string;
      const sealed = JSON.parse(
        await openCredential(t.service.identity, {
          organizationId: eve.personalOrganizationId,
          name: `social-account:${accountId}`,
        }),
      ) as { accessToken: string; pages: Record<string, string> };
      expect(sealed.accessToken).toBe(graph.userTokens.at(-1));
      expect(sealed.pages).toEqual(Object.fromEntries(graph.pageTokens));

      const other = await user('mallory');
      expect(
        await t.client.error(
          `mutation($a: ID!) { disconnectSocialAccount(accountId: $a) }`,
          { a: accountId },
          other.as,
        ),
      ).toMatchObject({ code: 'NOT_FOUND' });
      expect(
        await t.client.ok(
          `mutation($a: ID!) { disconnectSocialAccount(accountId: $a) }`,
          { a: accountId },
          eve.as,
        ),
      ).toEqual({ disconnectSocialAccount: true });
      expect(
        (await t.client.ok<{ socialAccounts: unknown[] }>(`{ socialAccounts { id } }`, {}, eve.as))
          .socialAccounts,
      ).toEqual([]);
      expect(
        await t.client.error(
          `mutation($a: ID!) { disconnectSocialAccount(accountId: $a) }`,
          { a: accountId },
          eve.as,
        ),
      ).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it('never writes a secret to a log line or an event: client secrets, tokens, codes and states, page tokens', async () => {
    const events: { data: unknown }[] = await t.service.dataSource.query(`select data from events`);
    const evented = JSON.stringify(events);
    const secrets = [
      globalClient.client_secret,
      'acme-client-secret-1a2b3c4d5e6f',
      FACEBOOK.appSecret,
      ...graph.userTokens,
      ...graph.pageTokens.values(),
      ...seenTokens,
      ...seenCodes,
    ];
    expect(seenCodes.length).toBeGreaterThan(4);
    expect(seenTokens.length).toBeGreaterThan(4);
    for (const secret of secrets) {
      expect(logs.text).not.toContain(secret);
      expect(evented).not.toContain(secret);
    }
    expect(logs.lines.length).toBeGreaterThan(0);
  });
});
