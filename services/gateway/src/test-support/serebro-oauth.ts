import { createHash, randomBytes } from 'node:crypto';
import { asCaller, graphql, OAuthBrowser, scriptedConsent } from '@seren/testing';
import { restUser } from './rest-flows';
import { startRestSuite, type RestSuite } from './rest-suite';
import { STRONG_PASSWORD } from './suite';

// A Serebro OAuth fixture for the gateway's tests: the rest suite, an owner with an agency and
// its locations, marketplace apps registered by the owner, and real access tokens of identity's
// authorization server (authorization code + PKCE with @seren/testing's scripted consent). Tokens are obtained
// from identity's OAuth routes directly (the path under its internal prefix is the public one:
// `/v2/oauth/...`), so a test using them does not depend on the gateway's OAuth forward rows.

const PREFIX = '/internal/serebro-oauth';
const PUBLIC = 'http://localhost:4002'; // identity's default SEREBRO_PUBLIC_URL, the issuer

export interface SerebroApp {
  appId: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface SerebroOAuth {
  s: RestSuite;
  owner: Awaited<ReturnType<typeof restUser>>;
  agencyId: string;
  /** the agency's locations, in the order of the names given */
  locations: string[];
  /** identity's token endpoint (under its internal prefix) */
  tokenUrl: string;
  /** identity's GraphQL as the owner (a session caller); throws on errors */
  asOwner<T>(query: string, variables: Record<string, unknown>): Promise<T>;
  registerApp(
    scopes: string[],
    options?: { distribution?: 'AGENCY' | 'LOCATION'; name?: string; webhookUrl?: string },
  ): Promise<SerebroApp>;
  /** Authorization code + PKCE, consented by the owner for `organizationId`: the token response. */
  authorizationCodeToken(
    app: SerebroApp,
    organizationId: string,
    scope: string,
    userType: 'Location' | 'Company',
  ): Promise<Record<string, string>>;
}

/** Starts the rest suite and signs up an owner with an agency named `agency` and `locations`. */
export async function startSerebroOAuth(options: {
  suite?: Parameters<typeof startRestSuite>[0];
  user: string;
  agency: string;
  locations: string[];
}): Promise<SerebroOAuth> {
  const s = await startRestSuite(options.suite);
  const owner = await restUser(s, options.user);
  const as = { token: owner.token };
  const agencyId = (
    await s.client.ok<{ createAgency: { id: string } }>(
      `mutation($n: String!) { createAgency(name: $n) { id } }`,
      { n: options.agency },
      as,
    )
  ).createAgency.id;
  const locations: string[] = [];
  for (const name of options.locations)
    locations.push(
      (
        await s.client.ok<{ createLocation: { id: string } }>(
          `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
          { a: agencyId, n: name },
          as,
        )
      ).createLocation.id,
    );

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

  /** The consent pages' browser, sent to identity's OAuth routes (the public URL's path under its prefix). */
  class IdentityBrowser extends OAuthBrowser {
    override request(url: string, init?: Parameters<OAuthBrowser['request']>[1]) {
      const parsed = new URL(url, PUBLIC);
      return super.request(`${s.identity.url}${PREFIX}${parsed.pathname}${parsed.search}`, init);
    }
  }

  const tokenUrl = `${s.identity.url}${PREFIX}/v2/oauth/token`;

  const registerApp: SerebroOAuth['registerApp'] = async (
    scopes,
    { distribution = 'LOCATION', name = 'Edge Sync', webhookUrl } = {},
  ) => {
    const redirectUri = 'http://localhost:9876/callback';
    const data = await asOwner<{
      registerMarketplaceApp: { clientSecret: string; app: { id: string; clientId: string } };
    }>(
      `mutation($o: ID!, $n: String!, $s: [String!]!, $r: [String!]!, $d: MarketplaceDistribution!, $w: String) {
        registerMarketplaceApp(organizationId: $o, name: $n, redirectUris: $r, scopes: $s, distribution: $d, webhookUrl: $w) {
          clientSecret app { id clientId }
        }
      }`,
      { o: agencyId, n: name, s: scopes, r: [redirectUri], d: distribution, w: webhookUrl ?? null },
    );
    const { app, clientSecret } = data.registerMarketplaceApp;
    return { appId: app.id, clientId: app.clientId, clientSecret, redirectUri };
  };

  const authorizationCodeToken: SerebroOAuth['authorizationCodeToken'] = async (
    app,
    organizationId,
    scope,
    userType,
  ) => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(8).toString('hex');
    const authorize = new URL('/v2/oauth/chooselocation', PUBLIC);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const callback = await scriptedConsent(
      new IdentityBrowser(PUBLIC),
      authorize.href,
      { email: owner.email, password: STRONG_PASSWORD },
      organizationId,
    );
    if (!callback.searchParams.get('code')) throw new Error(`no code: ${callback.href}`);
    if (callback.searchParams.get('state') !== state)
      throw new Error(`state: ${callback.searchParams.get('state')} for ${state}`);
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: app.redirectUri,
        code_verifier: verifier,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        user_type: userType,
      }).toString(),
    });
    const body = (await response.json()) as Record<string, string>;
    if (response.status !== 200) throw new Error(`token: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  return { s, owner, agencyId, locations, tokenUrl, asOwner, registerApp, authorizationCodeToken };
}
