import { randomUUID } from 'node:crypto';
import {
  conflict,
  eventMetadataOf,
  handle,
  notFound,
  transaction,
  uniquely,
  validationError,
  anonymous,
  type RequestOrigin,
} from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { iso, type Identity } from '../platform/app.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { authorize } from '../organizations/access.js';
import { MANAGE_INTEGRATIONS } from '../marketplace/permission.js';
import { deleteSealedCredential, openCredential, sealCredential } from '../vault/service.js';
import {
  clientSecretOf,
  connectionDecider,
  providerDecider,
  providerSettings,
  type ConnectionCommand,
  type ProviderCommand,
  type ProviderInput,
} from './decide.js';
import { connectionStream } from './connection.js';
import { providerStream } from './provider.js';
import {
  authorizationUrl,
  configurationOf,
  exchangeCode,
  refreshTokens,
  revokeAtProvider,
  type ProviderClient,
  type TokenSet,
} from './engine.js';
import { outboundOf } from './outbound.js';
import {
  globalProviders,
  globalSlugTaken,
  organizationProvider,
  organizationProviderClient,
  providerById,
  providerForUser,
  providerSecretName,
  uuidOf,
  type ProviderView,
} from './providers.js';
import { issueState, spendState } from './states.js';
import { frontendUrlOf, outcome, returnToOf } from './redirects.js';

const SYSTEM: RequestOrigin = { caller: anonymous };

// ---- an organization's providers ---------------------------------------------------------------

/** Every URL of a provider passes the outbound check (private and loopback addresses refused unless allowed). */
async function checkUrls(identity: Identity, s: ProviderView | ReturnType<typeof providerSettings>) {
  const outbound = outboundOf(identity.config);
  const fields: [string | null, string][] = [
    [s.issuer, 'issuer'],
    [s.authorizationUrl, 'authorization_url'],
    [s.tokenUrl, 'token_url'],
    [s.revocationUrl, 'revocation_url'],
    [s.userinfoUrl, 'userinfo_url'],
  ];
  for (const [url, field] of fields) if (url) await outbound.check(url, field);
}

function handleProvider(
  identity: Identity,
  manager: EntityManager,
  providerId: string,
  organizationId: string,
  command: ProviderCommand,
  request: RequestOrigin,
) {
  return handle(
    identity,
    manager,
    providerStream(providerId),
    providerDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

const slugConflict = () =>
  conflict('a provider with this slug already exists', { reason: 'PROVIDER_EXISTS' });

async function slugTaken(
  manager: EntityManager,
  identity: Identity,
  organizationId: string,
  slug: string,
  except?: string,
) {
  if (globalSlugTaken(identity.config, slug)) return true;
  const rows: unknown[] = await manager.query(
    `select 1 from oauth_providers where organization_id = $1 and lower(slug) = lower($2) and id <> $3`,
    [organizationId, slug, except ?? ''],
  );
  return rows.length > 0;
}

export async function createOrganizationProvider(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  input: ProviderInput & { clientSecret?: unknown },
): Promise<ProviderView> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'forbidden');
  const settings = providerSettings(input);
  const clientSecret = clientSecretOf(input.clientSecret);
  await checkUrls(identity, settings);
  const providerId = randomUUID();
  const { organizationId } = membership;
  return uniquely(
    () =>
      transaction(identity, async (manager) => {
        await handleProvider(
          identity,
          manager,
          providerId,
          organizationId,
          {
            type: 'CreateProvider',
            providerId,
            organizationId,
            settings,
            slugTaken: await slugTaken(manager, identity, organizationId, settings.slug),
            by: membership.userId,
            now: identity.now().toISOString(),
          },
          request,
        );
        await sealCredential(
          identity,
          { organizationId, name: providerSecretName(providerId), kind: 'api_key', value: clientSecret },
          { request, manager },
        );
        return organizationProvider(identity, organizationId, providerId, manager);
      }),
    () => slugConflict(),
  );
}

/**
 * PATCH semantics: a field left out keeps its value; `null` clears an optional one. `organization_id`
 * may only name the provider's own organization (moving it, or making it global, is not an admin's).
 */
export async function updateOrganizationProvider(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  providerId: string,
  input: ProviderInput & { clientSecret?: unknown; organizationId?: unknown },
): Promise<ProviderView> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'forbidden');
  const { organizationId } = membership;
  const current = await organizationProvider(identity, organizationId, providerId);
  if (input.organizationId !== undefined && input.organizationId !== organizationId)
    throw validationError('organization_id: a provider stays in its organization', {
      field: 'organization_id',
    });
  const merged: ProviderInput = { ...current };
  for (const [key, value] of Object.entries(input) as [keyof ProviderInput, unknown][])
    if (value !== undefined && key in current) merged[key] = value;
  const settings = providerSettings(merged);
  const clientSecret =
    input.clientSecret === undefined || input.clientSecret === null
      ? undefined
      : clientSecretOf(input.clientSecret);
  await checkUrls(identity, settings);
  return uniquely(
    () =>
      transaction(identity, async (manager) => {
        await handleProvider(
          identity,
          manager,
          providerId,
          organizationId,
          {
            type: 'UpdateProvider',
            settings,
            slugTaken: await slugTaken(manager, identity, organizationId, settings.slug, providerId),
            clientSecretReplaced: clientSecret !== undefined,
            by: membership.userId,
            now: identity.now().toISOString(),
          },
          request,
        );
        if (clientSecret !== undefined)
          await sealCredential(
            identity,
            { organizationId, name: providerSecretName(providerId), kind: 'api_key', value: clientSecret },
            { request, manager },
          );
        return organizationProvider(identity, organizationId, providerId, manager);
      }),
    () => slugConflict(),
  );
}

/** Deletes an organization's provider and disconnects every user of it (tokens revoked at the provider where it can). */
export async function deleteOrganizationProvider(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  providerId: string,
): Promise<ProviderView> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'forbidden');
  const { organizationId } = membership;
  const view = await organizationProvider(identity, organizationId, providerId);
  const provider = await organizationProviderClient(identity, view);
  const connections: { id: string; user_id: string }[] = await identity.dataSource.query(
    `select id, user_id from oauth_connections where provider_id = $1`,
    [providerId],
  );
  for (const connection of connections)
    await endConnection(identity, provider, connection.id, connection.user_id, 'provider_deleted', request);
  await transaction(identity, async (manager) => {
    await handleProvider(
      identity,
      manager,
      providerId,
      organizationId,
      { type: 'DeleteProvider', by: membership.userId, now: identity.now().toISOString() },
      request,
    );
    await deleteSealedCredential(
      identity,
      { organizationId, name: providerSecretName(providerId) },
      { request, manager },
    );
  });
  return view;
}

// ---- the authorization flow ---------------------------------------------------------------------

/** Which of SerenAI's two path families a flow runs on: the callback is on the same one. */
export type ProviderRef = { id: string } | { slug: string };

const callbackUrlOf = (identity: Identity, provider: ProviderClient, ref: ProviderRef) => {
  const base = identity.config.SERENAI_PUBLIC_URL.replace(/\/$/, '');
  return 'id' in ref
    ? `${base}/oauth/providers/${encodeURIComponent(provider.id)}/callback`
    : `${base}/oauth/${encodeURIComponent(provider.settings.slug)}/callback`;
};

/**
 * `GET /oauth/{provider}/authorize` and `/oauth/providers/{provider_id}/authorize`: the provider's
 * authorization URL (the 302's Location), with a state bound to the caller and the provider.
 * 404 for a provider the caller cannot use, 400 INVALID_REDIRECT_URI off the allowlist.
 */
export async function startAuthorization(
  identity: Identity,
  request: RequestInfo,
  ref: ProviderRef,
  redirectUri: string | undefined,
): Promise<string> {
  const userId = callerUserId(request);
  const provider = await providerForUser(identity, request, userId, ref);
  const returnTo = returnToOf(identity.config, redirectUri, frontendUrlOf(identity.config));
  const callbackUrl = callbackUrlOf(identity, provider, ref);
  return authorizationRedirect(identity, provider, { userId, flow: 'connection', callbackUrl, returnTo });
}

/** Issues the state and builds the provider's authorization URL (both flows). */
export async function authorizationRedirect(
  identity: Identity,
  provider: ProviderClient,
  pending: { userId: string; flow: 'connection' | 'social'; callbackUrl: string; returnTo: string },
  options: { scopeSeparator?: string } = {},
): Promise<string> {
  const config = await configurationOf(provider, outboundOf(identity.config));
  // the URL is built first (its PKCE verifier is stored with the state), then given the state
  const built = await authorizationUrl(provider, config, {
    state: 'pending',
    redirectUri: pending.callbackUrl,
    scopeSeparator: options.scopeSeparator,
  });
  const state = await issueState(identity, {
    ...pending,
    providerId: provider.id,
    codeVerifier: built.codeVerifier,
  });
  built.url.searchParams.set('state', state);
  return built.url.toString();
}

/** A 400 of a callback (bad, spent, expired or foreign state; no code): the browser is not sent anywhere. */
export const invalidCallback = (message: string, reason = 'INVALID_STATE') =>
  validationError(message, { reason, field: 'state' });

/** The verified part of a callback: the pending authorization and its provider. */
export async function spendCallbackState(
  identity: Identity,
  query: URLSearchParams,
  flow: 'connection' | 'social',
) {
  const state = query.get('state');
  if (!state) throw invalidCallback('state is required');
  const pending = await spendState(identity, state);
  if (!pending || pending.flow !== flow) throw invalidCallback('unknown, used or expired state');
  return { state, pending };
}

/**
 * `GET /oauth/{provider}/callback` and `/oauth/providers/{provider_id}/callback`: checks the state
 * (single use, this provider's, unexpired: else 400), exchanges the code with openid-client, seals the
 * tokens and records the connection; answers the frontend URL to redirect to, with the outcome.
 */
export async function completeAuthorization(
  identity: Identity,
  ref: ProviderRef,
  query: URLSearchParams,
): Promise<string> {
  if ('id' in ref && !(await providerById(identity, ref.id))) throw notFound('Provider');
  const { state, pending } = await spendCallbackState(identity, query, 'connection');
  const provider = await providerById(identity, pending.providerId);
  const matches =
    provider && ('id' in ref ? provider.id === ref.id : provider.settings.slug === ref.slug.toLowerCase());
  if (!provider || !matches)
    throw invalidCallback('the state was issued for another provider', 'STATE_MISMATCH');
  const slug = provider.settings.slug;
  const error = query.get('error');
  if (error)
    return outcome(pending.returnTo, {
      status: 'error',
      provider: slug,
      error: /^[\w.-]{1,64}$/.test(error) ? error : 'access_denied',
    });
  if (!query.get('code')) throw invalidCallback('code is required', 'MISSING_CODE');

  const callbackUrl = new URL(pending.callbackUrl);
  callbackUrl.search = query.toString();
  let exchanged: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    const config = await configurationOf(provider, outboundOf(identity.config));
    exchanged = await exchangeCode(provider, config, {
      callbackUrl,
      state,
      codeVerifier: pending.codeVerifier,
      now: identity.now(),
    });
  } catch (failure) {
    // the provider's error code only: its answer may echo what we sent
    identity.logger.warn(
      { provider: slug, providerId: provider.id, error: errorCodeOf(failure) },
      'oauth: code exchange failed',
    );
    return outcome(pending.returnTo, { status: 'error', provider: slug, error: 'token_exchange_failed' });
  }
  await connect(identity, provider, pending.userId, exchanged.tokens, exchanged.account);
  return outcome(pending.returnTo, { status: 'success', provider: slug });
}

const errorCodeOf = (failure: unknown) => {
  const e = failure as { error?: unknown; code?: unknown; name?: unknown };
  return String(e.error ?? e.code ?? e.name ?? 'error');
};

export const connectionIdOf = (userId: string, providerId: string) =>
  uuidOf(`oauth-connection:${userId}:${providerId}`);
const tokensName = (connectionId: string) => `oauth-connection:${connectionId}`;

/** Where a user's tokens are sealed: the provider's organization, or the user's personal one for a global provider. */
export async function vaultOrganizationOf(
  identity: Identity,
  provider: { organizationId: string | null },
  userId: string,
) {
  if (provider.organizationId) return provider.organizationId;
  const rows: { personal_organization_id: string }[] = await identity.dataSource.query(
    `select personal_organization_id from users where id = $1`,
    [userId],
  );
  if (!rows[0]) throw notFound('User');
  return rows[0].personal_organization_id;
}

function handleConnection(
  identity: Identity,
  manager: EntityManager,
  connectionId: string,
  userId: string,
  organizationId: string | null,
  command: ConnectionCommand,
  request: RequestOrigin,
) {
  return handle(
    identity,
    manager,
    connectionStream(connectionId),
    connectionDecider,
    command,
    // a callback has no caller: the user the state was issued to acts
    eventMetadataOf(request, {
      ...(!request.caller.subject && { actor: `user:${userId}` }),
      ...(organizationId && { organizationId }),
    }),
  );
}

async function connect(
  identity: Identity,
  provider: ProviderClient,
  userId: string,
  tokens: TokenSet,
  account: { accountId: string | null; accountName: string | null },
) {
  const connectionId = connectionIdOf(userId, provider.id);
  const vaultOrganization = await vaultOrganizationOf(identity, provider, userId);
  await transaction(identity, async (manager) => {
    await handleConnection(
      identity,
      manager,
      connectionId,
      userId,
      provider.organizationId,
      {
        type: 'ConnectAccount',
        connectionId,
        userId,
        providerId: provider.id,
        providerSlug: provider.settings.slug,
        organizationId: provider.organizationId,
        accountId: account.accountId,
        accountName: account.accountName,
        scopes: tokens.scopes,
        expiresAt: tokens.expiresAt,
        now: identity.now().toISOString(),
      },
      SYSTEM,
    );
    await sealCredential(
      identity,
      {
        organizationId: vaultOrganization,
        name: tokensName(connectionId),
        kind: 'oauth_token',
        value: JSON.stringify(tokens),
      },
      { manager },
    );
  });
}

async function openTokens(
  identity: Identity,
  provider: ProviderClient,
  userId: string,
  connectionId: string,
) {
  const organizationId = await vaultOrganizationOf(identity, provider, userId);
  return JSON.parse(
    await openCredential(identity, { organizationId, name: tokensName(connectionId) }),
  ) as TokenSet;
}

/**
 * Ends a connection: RFC 7009 revocation at the provider where it has the endpoint (a failure there
 * is logged and does not keep the connection), then the event and the sealed tokens' deletion.
 */
async function endConnection(
  identity: Identity,
  provider: ProviderClient,
  connectionId: string,
  userId: string,
  reason: 'user' | 'provider_deleted',
  request: RequestOrigin,
) {
  let revokedAtProvider = false;
  const vaultOrganization = await vaultOrganizationOf(identity, provider, userId);
  try {
    const tokens = await openTokens(identity, provider, userId, connectionId);
    revokedAtProvider = await revokeAtProvider(
      await configurationOf(provider, outboundOf(identity.config)),
      tokens,
    );
  } catch (failure) {
    identity.logger.warn(
      { providerId: provider.id, connectionId, error: errorCodeOf(failure) },
      'oauth: revocation at the provider failed',
    );
  }
  await transaction(identity, async (manager) => {
    await handleConnection(
      identity,
      manager,
      connectionId,
      userId,
      provider.organizationId,
      { type: 'RevokeConnection', reason, revokedAtProvider, now: identity.now().toISOString() },
      request,
    );
    await deleteSealedCredential(
      identity,
      { organizationId: vaultOrganization, name: tokensName(connectionId) },
      { manager, request },
    );
  });
}

/** A user's connection as listed (no token). */
export interface ConnectionView {
  id: string;
  providerId: string;
  providerSlug: string;
  providerName: string | null;
  organizationId: string | null;
  accountId: string | null;
  accountName: string | null;
  scopes: string[];
  expiresAt: string | null;
  connectedAt: string;
  updatedAt: string;
}

type Row = Record<string, unknown>;

const toConnection = (identity: Identity, r: Row): ConnectionView => ({
  id: r.id as string,
  providerId: r.provider_id as string,
  providerSlug: r.provider_slug as string,
  providerName:
    (r.provider_name as string | null) ??
    globalProviders(identity.config).byId.get(r.provider_id as string)?.settings.name ??
    null,
  organizationId: (r.organization_id as string | null) ?? null,
  accountId: (r.account_id as string | null) ?? null,
  accountName: (r.account_name as string | null) ?? null,
  scopes: r.scopes as string[],
  expiresAt: iso(r.expires_at as Date | null),
  connectedAt: iso(r.connected_at as Date)!,
  updatedAt: iso(r.updated_at as Date)!,
});

/** `GET /oauth/connections`: the caller's connected accounts. */
export async function listConnections(identity: Identity, request: RequestInfo): Promise<ConnectionView[]> {
  const userId = callerUserId(request);
  const rows: Row[] = await identity.dataSource.query(
    `select c.*, p.name as provider_name from oauth_connections c left join oauth_providers p on p.id = c.provider_id
     where c.user_id = $1 order by c.connected_at, c.id`,
    [userId],
  );
  return rows.map((r) => toConnection(identity, r));
}

/**
 * `DELETE /oauth/connections/{provider}` (slug) and `/oauth/connections/providers/{provider_id}`:
 * disconnects the caller's account; 404 "Connection not found" when there is none.
 */
export async function revokeConnection(
  identity: Identity,
  request: RequestInfo,
  ref: ProviderRef,
): Promise<{ success: true; message: string }> {
  const userId = callerUserId(request);
  const [column, value] =
    'id' in ref ? ['provider_id', ref.id] : ['lower(provider_slug)', ref.slug.toLowerCase()];
  const rows: Row[] = await identity.dataSource.query(
    `select * from oauth_connections where user_id = $1 and ${column} = $2 order by connected_at limit 1`,
    [userId, value],
  );
  const row = rows[0];
  if (!row) throw notFound('Connection');
  const provider = await providerById(identity, row.provider_id as string);
  if (!provider) throw notFound('Connection');
  await endConnection(identity, provider, row.id as string, userId, 'user', request);
  return { success: true, message: `Disconnected from ${provider.settings.name}` };
}

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

const isDue = (identity: Identity, tokens: TokenSet) =>
  tokens.expiresAt !== null &&
  new Date(tokens.expiresAt).getTime() - REFRESH_MARGIN_MS <= identity.now().getTime();

/**
 * The access token of a user's connection for a call to the provider's API, refreshed first when it
 * expires within a minute (the new tokens sealed, OAuthConnectionRefreshed recorded). Refreshes of one
 * connection run one at a time (an advisory lock held over the provider's answer), so a provider that
 * rotates refresh tokens never sees the spent one twice. For identity's code and services calling
 * providers on a user's behalf; never log the answer. 404 without a connection; 409
 * CONNECTION_EXPIRED when the provider refuses the refresh (the user must connect again).
 */
export async function accessTokenFor(
  identity: Identity,
  input: { userId: string; providerId: string },
): Promise<{ accessToken: string; tokenType: string; expiresAt: string | null; scopes: string[] }> {
  const connectionId = connectionIdOf(input.userId, input.providerId);
  const rows: unknown[] = await identity.dataSource.query(`select 1 from oauth_connections where id = $1`, [
    connectionId,
  ]);
  const provider = rows.length > 0 ? await providerById(identity, input.providerId) : undefined;
  if (!provider) throw notFound('Connection');
  let tokens = await openTokens(identity, provider, input.userId, connectionId);
  if (isDue(identity, tokens) && tokens.refreshToken) {
    const vaultOrganization = await vaultOrganizationOf(identity, provider, input.userId);
    tokens = await transaction(identity, async (manager) => {
      await manager.query(`select pg_advisory_xact_lock(hashtext($1))`, [`oauth-refresh:${connectionId}`]);
      // another refresh may have finished while this one waited
      const current = await openTokens(identity, provider, input.userId, connectionId);
      if (!isDue(identity, current) || !current.refreshToken) return current;
      let next: TokenSet;
      try {
        next = await refreshTokens(
          await configurationOf(provider, outboundOf(identity.config)),
          current,
          identity.now(),
        );
      } catch (failure) {
        identity.logger.warn(
          { providerId: provider.id, connectionId, error: errorCodeOf(failure) },
          'oauth: refresh refused by the provider',
        );
        throw conflict('the provider refused to refresh this connection: connect again', {
          reason: 'CONNECTION_EXPIRED',
        });
      }
      await handleConnection(
        identity,
        manager,
        connectionId,
        input.userId,
        provider.organizationId,
        {
          type: 'RecordRefresh',
          scopes: next.scopes,
          expiresAt: next.expiresAt,
          now: identity.now().toISOString(),
        },
        SYSTEM,
      );
      await sealCredential(
        identity,
        {
          organizationId: vaultOrganization,
          name: tokensName(connectionId),
          kind: 'oauth_token',
          value: JSON.stringify(next),
        },
        { manager },
      );
      return next;
    });
  }
  return {
    accessToken: tokens.accessToken,
    tokenType: tokens.tokenType,
    expiresAt: tokens.expiresAt,
    scopes: tokens.scopes,
  };
}
