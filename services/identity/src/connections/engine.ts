import * as client from 'openid-client';
import type { ProviderSettings } from './provider.js';
import type { Outbound } from './outbound.js';

// The OAuth-client engine: every exchange with an outside provider goes through openid-client 6
// (authorization URL, code exchange with PKCE and state checks, refresh, RFC 7009 revocation), its
// HTTP through the outbound guard.

/** A provider able to take part in a flow: its settings and its client secret (from configuration or the vault). */
export interface ProviderClient {
  id: string;
  organizationId: string | null;
  settings: ProviderSettings;
  clientSecret: string;
}

/** What is sealed for a connection: never logged, never evented. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  tokenType: string;
  scopes: string[];
  /** ISO time, or null when the provider named no expiry */
  expiresAt: string | null;
}

export interface AccountInfo {
  accountId: string | null;
  accountName: string | null;
}

const insecure = (s: ProviderSettings) =>
  [s.issuer, s.authorizationUrl, s.tokenUrl, s.revocationUrl, s.userinfoUrl].some((u) =>
    u?.startsWith('http:'),
  );

/** Discovered metadata is reused this long (a failed discovery is not remembered). */
const DISCOVERY_TTL_MS = 5 * 60_000;
const discoveries = new Map<string, { metadata: client.ServerMetadata; at: number }>();

/**
 * openid-client's Configuration of a provider: discovered from its issuer when it names one (the
 * endpoints it names override what discovery found), else built from its endpoints. Plain http is
 * accepted only where the outbound policy let the URL through (a loopback provider in tests).
 */
export async function configurationOf(
  provider: ProviderClient,
  outbound: Outbound,
): Promise<client.Configuration> {
  const s = provider.settings;
  const fetch: client.CustomFetch = (url, options) =>
    outbound.fetch(url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
  const explicit: Partial<client.ServerMetadata> = {
    ...(s.authorizationUrl && { authorization_endpoint: s.authorizationUrl }),
    ...(s.tokenUrl && { token_endpoint: s.tokenUrl }),
    ...(s.revocationUrl && { revocation_endpoint: s.revocationUrl }),
    ...(s.userinfoUrl && { userinfo_endpoint: s.userinfoUrl }),
  };
  let metadata: client.ServerMetadata;
  if (s.issuer) {
    const cached = discoveries.get(s.issuer);
    let discovered = cached && Date.now() - cached.at < DISCOVERY_TTL_MS ? cached.metadata : undefined;
    if (!discovered) {
      const configuration = await client.discovery(
        new URL(s.issuer),
        s.clientId,
        provider.clientSecret,
        undefined,
        {
          [client.customFetch]: fetch,
          execute: insecure(s) ? [client.allowInsecureRequests] : [],
        },
      );
      discovered = configuration.serverMetadata();
      discoveries.set(s.issuer, { metadata: discovered, at: Date.now() });
    }
    metadata = { ...discovered, ...explicit };
  } else {
    metadata = { issuer: new URL(s.authorizationUrl!).origin, ...explicit };
  }
  const config = new client.Configuration(metadata, s.clientId, provider.clientSecret);
  config[client.customFetch] = fetch;
  if (insecure(s)) client.allowInsecureRequests(config);
  return config;
}

/** PKCE S256 when the provider requires it or says it supports it. */
export const usesPkce = (provider: ProviderClient, config: client.Configuration) =>
  provider.settings.pkceRequired || config.serverMetadata().supportsPKCE('S256');

export interface AuthorizationRequest {
  url: URL;
  codeVerifier: string | null;
}

/** The provider's authorization URL for `state`, with PKCE S256 where used and the provider's scopes. */
export async function authorizationUrl(
  provider: ProviderClient,
  config: client.Configuration,
  input: { state: string; redirectUri: string; scopeSeparator?: string },
): Promise<AuthorizationRequest> {
  const codeVerifier = usesPkce(provider, config) ? client.randomPKCECodeVerifier() : null;
  const parameters: Record<string, string> = {
    ...provider.settings.customAuthParams,
    redirect_uri: input.redirectUri,
    state: input.state,
  };
  if (provider.settings.scopes.length > 0)
    parameters.scope = provider.settings.scopes.join(input.scopeSeparator ?? ' ');
  if (codeVerifier) {
    parameters.code_challenge = await client.calculatePKCECodeChallenge(codeVerifier);
    parameters.code_challenge_method = 'S256';
  }
  return { url: client.buildAuthorizationUrl(config, parameters), codeVerifier };
}

const tokenSetOf = (
  response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  now: Date,
  previous?: TokenSet,
  requested: string[] = [],
): TokenSet => {
  const expiresIn = response.expiresIn();
  return {
    accessToken: response.access_token,
    // a refresh that names no new refresh token keeps the old one (RFC 6749 §6)
    refreshToken: response.refresh_token ?? previous?.refreshToken ?? null,
    tokenType: response.token_type,
    scopes: response.scope ? response.scope.split(/[\s,]+/).filter(Boolean) : (previous?.scopes ?? requested),
    expiresAt: expiresIn === undefined ? null : new Date(now.getTime() + expiresIn * 1000).toISOString(),
  };
};

/**
 * Exchanges the code of a callback: `callbackUrl` is the URL the provider redirected to (the
 * redirect_uri of the authorization, with the provider's query); openid-client checks state (and
 * `iss` where the provider sends it) and sends the PKCE verifier.
 */
export async function exchangeCode(
  provider: ProviderClient,
  config: client.Configuration,
  input: { callbackUrl: URL; state: string; codeVerifier: string | null; now: Date },
): Promise<{ tokens: TokenSet; account: AccountInfo }> {
  const response = await client.authorizationCodeGrant(config, input.callbackUrl, {
    expectedState: input.state,
    ...(input.codeVerifier && { pkceCodeVerifier: input.codeVerifier }),
  });
  const tokens = tokenSetOf(response, input.now, undefined, provider.settings.scopes);
  const claims = response.claims();
  let account: AccountInfo = {
    accountId: claims?.sub ?? null,
    accountName: nameOf((claims ?? {}) as Record<string, unknown>),
  };
  const userinfo = config.serverMetadata().userinfo_endpoint;
  if (userinfo && (!account.accountId || !account.accountName)) {
    const fetched = await userinfoOf(config, tokens.accessToken, userinfo).catch(() => undefined);
    if (fetched)
      account = {
        accountId: account.accountId ?? fetched.accountId,
        accountName: account.accountName ?? fetched.accountName,
      };
  }
  return { tokens, account };
}

const nameOf = (info: Record<string, unknown>): string | null => {
  for (const key of ['name', 'preferred_username', 'login', 'email'])
    if (typeof info[key] === 'string' && info[key]) return info[key] as string;
  return null;
};

/** The account behind a token from the userinfo endpoint (OpenID's `sub`, or `id` as GitHub's /user has it). */
async function userinfoOf(
  config: client.Configuration,
  accessToken: string,
  url: string,
): Promise<AccountInfo> {
  const response = await client.fetchProtectedResource(config, accessToken, new URL(url), 'GET');
  if (!response.ok) throw new Error(`userinfo answered ${response.status}`);
  const info = (await response.json()) as Record<string, unknown>;
  const id = info.sub ?? info.id;
  return {
    accountId: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
    accountName: nameOf(info),
  };
}

/** A refresh with the sealed refresh token; the answer replaces the access token (and the refresh token when rotated). */
export async function refreshTokens(
  config: client.Configuration,
  tokens: TokenSet,
  now: Date,
): Promise<TokenSet> {
  if (!tokens.refreshToken) throw new Error('no refresh token');
  const response = await client.refreshTokenGrant(config, tokens.refreshToken);
  return tokenSetOf(response, now, tokens);
}

/**
 * RFC 7009 revocation of a connection's tokens where the provider has the endpoint (the refresh token
 * first: revoking it ends the grant at most servers). True when the provider confirmed.
 */
export async function revokeAtProvider(config: client.Configuration, tokens: TokenSet): Promise<boolean> {
  if (!config.serverMetadata().revocation_endpoint) return false;
  if (tokens.refreshToken)
    await client.tokenRevocation(config, tokens.refreshToken, { token_type_hint: 'refresh_token' });
  await client.tokenRevocation(config, tokens.accessToken, { token_type_hint: 'access_token' });
  return true;
}
