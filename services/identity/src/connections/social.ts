import { eventMetadataOf, forbidden, handle, transaction, validationError } from '@seren/service-kit';
import { mask } from '@seren/service-kit/sealing';
import { iso, type Identity } from '../platform/app.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { deleteSealedCredential, sealCredential } from '../vault/service.js';
import { socialAccountDecider } from './decide.js';
import { socialAccountStream } from './connection.js';
import { configurationOf, exchangeCode } from './engine.js';
import { facebookGraph, type FacebookGraph } from './facebook-graph.js';
import { outboundOf } from './outbound.js';
import { globalProviders, uuidOf } from './providers.js';
import { outcome, returnToOf, socialFrontendUrlOf } from './redirects.js';
import {
  authorizationRedirect,
  spendCallbackState,
  invalidCallback,
  vaultOrganizationOf,
} from './service.js';

// Serelo's social accounts: connecting Facebook runs the same engine (openid-client) against
// Facebook's login dialog and token endpoint, then reads the user's pages from the Graph API and
// seals the user token and every page token in the vault (the user's personal organization).

function facebookOf(identity: Identity) {
  const facebook = globalProviders(identity.config).facebook;
  // as content's payments without Paystack: the feature says it is not configured here
  if (!facebook)
    throw forbidden('Facebook is not configured on this deployment (FACEBOOK_APP_ID, FACEBOOK_APP_SECRET)', {
      reason: 'FEATURE_NOT_AVAILABLE',
    });
  return facebook;
}

const graphs = new WeakMap<Identity['config'], FacebookGraph>();
export function graphOf(identity: Identity): FacebookGraph {
  let graph = graphs.get(identity.config);
  if (!graph) {
    graph = facebookGraph({
      base: identity.config.FACEBOOK_GRAPH_BASE,
      appSecret: facebookOf(identity).clientSecret,
      outbound: outboundOf(identity.config),
    });
    graphs.set(identity.config, graph);
  }
  return graph;
}

const callbackUrlOf = (identity: Identity) =>
  `${identity.config.SERELO_PUBLIC_URL.replace(/\/$/, '')}/api/v1/social/facebook/callback`;

/** `GET /api/v1/social/facebook/connect`: Facebook's login dialog URL (the 302's Location). */
export async function startFacebookConnect(
  identity: Identity,
  request: RequestInfo,
  redirectUri: string | undefined,
): Promise<string> {
  const userId = callerUserId(request);
  const facebook = facebookOf(identity);
  const returnTo = returnToOf(identity.config, redirectUri, socialFrontendUrlOf(identity.config));
  // Facebook separates scopes with commas
  return authorizationRedirect(
    identity,
    facebook,
    { userId, flow: 'social', callbackUrl: callbackUrlOf(identity), returnTo },
    { scopeSeparator: ',' },
  );
}

const socialTokensName = (accountId: string) => `social-account:${accountId}`;

/**
 * Facebook's callback (`GET /api/v1/social/facebook/callback`, beyond the spec's table: its OAuth
 * flow's step 4): the state checked like SerenAI's, the code exchanged, the pages read, the tokens
 * sealed, the account recorded; answers the frontend URL with the outcome.
 */
export async function completeFacebookConnect(identity: Identity, query: URLSearchParams): Promise<string> {
  const facebook = facebookOf(identity);
  const { state, pending } = await spendCallbackState(identity, query, 'social');
  if (pending.providerId !== facebook.id)
    throw invalidCallback('the state was issued for another provider', 'STATE_MISMATCH');
  const error = query.get('error');
  if (error)
    return outcome(pending.returnTo, {
      status: 'error',
      platform: 'facebook',
      error: /^[\w.-]{1,64}$/.test(error) ? error : 'access_denied',
    });
  if (!query.get('code')) throw invalidCallback('code is required', 'MISSING_CODE');
  const callbackUrl = new URL(pending.callbackUrl);
  callbackUrl.search = query.toString();
  let connected: { accountId: string };
  try {
    const config = await configurationOf(facebook, outboundOf(identity.config));
    const { tokens } = await exchangeCode(facebook, config, {
      callbackUrl,
      state,
      codeVerifier: pending.codeVerifier,
      now: identity.now(),
    });
    const graph = graphOf(identity);
    const [me, pages] = await Promise.all([graph.me(tokens.accessToken), graph.pages(tokens.accessToken)]);
    const accountId = uuidOf(`social-account:${pending.userId}:facebook:${me.id}`);
    const organizationId = await vaultOrganizationOf(identity, { organizationId: null }, pending.userId);
    await transaction(identity, async (manager) => {
      await handle(
        identity,
        manager,
        socialAccountStream(accountId),
        socialAccountDecider,
        {
          type: 'ConnectSocialAccount',
          accountId,
          userId: pending.userId,
          platformUserId: me.id,
          platformUsername: me.name,
          maskedToken: mask(tokens.accessToken),
          pages: pages.map((p) => ({ pageId: p.id, pageName: p.name, maskedToken: mask(p.accessToken) })),
          tokenExpiresAt: tokens.expiresAt,
          now: identity.now().toISOString(),
        },
        eventMetadataOf(
          { caller: { kind: 'user', subject: pending.userId, scopes: [], permissions: [] } },
          { organizationId },
        ),
      );
      await sealCredential(
        identity,
        {
          organizationId,
          name: socialTokensName(accountId),
          kind: 'oauth_token',
          value: JSON.stringify({
            accessToken: tokens.accessToken,
            expiresAt: tokens.expiresAt,
            pages: Object.fromEntries(pages.map((p) => [p.id, p.accessToken])),
          }),
        },
        { manager },
      );
    });
    connected = { accountId };
  } catch (failure) {
    const e = failure as { error?: unknown; code?: unknown; name?: unknown };
    identity.logger.warn(
      { platform: 'facebook', error: String(e.error ?? e.code ?? e.name) },
      'facebook: connect failed',
    );
    return outcome(pending.returnTo, { status: 'error', platform: 'facebook', error: 'connect_failed' });
  }
  return outcome(pending.returnTo, {
    status: 'success',
    platform: 'facebook',
    account_id: connected.accountId,
  });
}

export interface SocialAccountView {
  id: string;
  userId: string;
  platform: 'facebook';
  platformUserId: string;
  platformUsername: string | null;
  /** the masked user token (`…wxyz`): the token itself is sealed */
  accessToken: string;
  tokenExpiresAt: string | null;
  pages: { pageId: string; pageName: string; accessToken: string }[];
  createdAt: string;
}

/** `GET /api/v1/social/accounts`: the caller's connected accounts, tokens masked. */
export async function listSocialAccounts(
  identity: Identity,
  request: RequestInfo,
): Promise<SocialAccountView[]> {
  const userId = callerUserId(request);
  const rows: Record<string, unknown>[] = await identity.dataSource.query(
    `select * from social_accounts where user_id = $1 order by created_at, id`,
    [userId],
  );
  return rows.map((r) => ({
    id: r.id as string,
    userId: r.user_id as string,
    platform: 'facebook',
    platformUserId: r.platform_user_id as string,
    platformUsername: (r.platform_username as string | null) ?? null,
    accessToken: r.masked_token as string,
    tokenExpiresAt: iso(r.token_expires_at as Date | null),
    pages: (r.pages as { pageId: string; pageName: string; maskedToken: string }[]).map((p) => ({
      pageId: p.pageId,
      pageName: p.pageName,
      accessToken: p.maskedToken,
    })),
    createdAt: iso(r.created_at as Date)!,
  }));
}

/** `DELETE /api/v1/social/accounts/{account_id}`: 404 for an account that is not the caller's. */
export async function disconnectSocialAccount(
  identity: Identity,
  request: RequestInfo,
  accountId: string,
): Promise<boolean> {
  const userId = callerUserId(request);
  if (accountId.length > 100)
    throw validationError('account_id: at most 100 characters', { field: 'account_id' });
  const organizationId = await vaultOrganizationOf(identity, { organizationId: null }, userId);
  await transaction(identity, async (manager) => {
    await handle(
      identity,
      manager,
      socialAccountStream(accountId),
      socialAccountDecider,
      { type: 'DisconnectSocialAccount', userId, now: identity.now().toISOString() },
      eventMetadataOf(request, { organizationId }),
    );
    await deleteSealedCredential(
      identity,
      { organizationId, name: socialTokensName(accountId) },
      { manager, request },
    );
  });
  return true;
}
