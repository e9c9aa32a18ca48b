import { randomUUID } from 'node:crypto';
import {
  checkOutboundUrl,
  outboundPolicy,
  outboundPolicyFromEnv,
  OutboundRefused,
  type OutboundPolicy,
} from '@seren/outbound';
import { eventMetadataOf, handle, notFound, transaction, validationError } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { iso, storeCredential, type Identity } from '../platform/app.js';
import { sha256 } from '../platform/crypto.js';
import type { RequestInfo } from '../platform/request.js';
import { authorize } from '../organizations/access.js';
import { appStream, type Distribution } from './app.js';
import { appDecider, type AppCommand, type AppInput } from './decide.js';
import { liveSecretHashes, matchesAny, newClientId, newClientSecret } from './secrets.js';
import { uninstallAllOfApp } from './installs.js';
import { MANAGE_INTEGRATIONS } from './permission.js';
import { webhookUrl } from './urls.js';

export { MANAGE_INTEGRATIONS } from './permission.js';

const webhookPolicies = new WeakMap<Identity['config'], OutboundPolicy>();

/**
 * What a webhook URL may point at: public addresses, and the private ones OUTBOUND_ALLOW_PRIVATE
 * allows; every private one with MARKETPLACE_ALLOW_PRIVATE_WEBHOOKS (development).
 */
function webhookPolicyOf(config: Identity['config']): OutboundPolicy {
  let policy = webhookPolicies.get(config);
  if (!policy) {
    policy = config.MARKETPLACE_ALLOW_PRIVATE_WEBHOOKS
      ? outboundPolicy(['all'])
      : outboundPolicyFromEnv({ OUTBOUND_ALLOW_PRIVATE: config.OUTBOUND_ALLOW_PRIVATE });
    webhookPolicies.set(config, policy);
  }
  return policy;
}

/**
 * Where a webhook URL given at registration or update points: its form first (the decider's rule,
 * so a malformed URL gets the same answer), then every address its host resolves to now
 * (@seren/outbound): a private, loopback, link-local or metadata address is a 400 VALIDATION_ERROR
 * with reason PRIVATE_ADDRESS, a host that does not resolve one with reason UNRESOLVABLE. The
 * delivery checks the address it connects to again (DNS rebinding).
 */
async function checkWebhookTarget(identity: Identity, value: unknown): Promise<void> {
  if (typeof value !== 'string') return; // absent, null (removed) or not a string: the decider answers
  const field = 'webhookUrl';
  webhookUrl(value, identity.config.MARKETPLACE_ALLOW_PRIVATE_WEBHOOKS, field);
  try {
    await checkOutboundUrl(value, webhookPolicyOf(identity.config), { field });
  } catch (error) {
    if (!(error instanceof OutboundRefused)) throw error;
    const message =
      error.reason === 'PRIVATE_ADDRESS'
        ? `${field} must not point at a private, loopback, link-local or metadata address`
        : error.reason === 'UNRESOLVABLE'
          ? `${field}: its host does not resolve`
          : error.message;
    throw validationError(message, { field, reason: error.reason });
  }
}

/** What the authorization server (src/oauth/) needs of a registered app. */
export interface AppClient {
  clientId: string;
  appId: string;
  name: string;
  /** exact redirect URIs (https, or http on a loopback host) */
  redirectUris: string[];
  /** canonical scope names (packages/contracts/src/serebro/scopes.ts) the app may request */
  scopes: string[];
  distribution: Distribution;
  webhookUrl?: string;
  /** the developer's organization (agency) that owns the app */
  organizationId: string;
}

export interface AppView extends Omit<AppClient, 'webhookUrl'> {
  id: string;
  webhookUrl: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** when the previous client secret stops working (during a rotation's grace), else null */
  previousSecretExpiresAt: string | null;
}

/** An app as registered (or its secret as rotated): the client secret travels in this one answer. */
export interface AppWithSecret {
  app: AppView;
  clientSecret: string;
}

type Row = Record<string, unknown>;

const toView = (r: Row): AppView => ({
  id: r.id as string,
  appId: r.id as string,
  organizationId: r.organization_id as string,
  clientId: r.client_id as string,
  name: r.name as string,
  redirectUris: r.redirect_uris as string[],
  scopes: r.scopes as string[],
  distribution: r.distribution as Distribution,
  webhookUrl: (r.webhook_url as string | null) ?? null,
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: iso(r.created_at as Date)!,
  updatedAt: iso(r.updated_at as Date)!,
  previousSecretExpiresAt: iso(r.previous_secret_expires_at as Date | null),
});

const SELECT_APP = `select a.*, (select max(s.expires_at) from marketplace_app_secrets s
  where s.app_id = a.id and s.expires_at > now()) as previous_secret_expires_at from marketplace_apps a`;

async function findApp(
  identity: Identity,
  where: { id: string } | { clientId: string },
  manager?: EntityManager,
): Promise<AppView | undefined> {
  const [column, value] = 'id' in where ? ['id', where.id] : ['client_id', where.clientId];
  const rows: Row[] = await (manager ?? identity.dataSource.manager).query(
    `${SELECT_APP} where a.${column} = $1 and a.deleted_at is null`,
    [value],
  );
  return rows[0] && toView(rows[0]);
}

// ---- for the authorization server ------------------------------------------------------------

/** The live (not deleted) app with this client id, as the authorization server sees it. */
export async function findAppClient(identity: Identity, clientId: string): Promise<AppClient | undefined> {
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 100) return undefined;
  const app = await findApp(identity, { clientId });
  if (!app) return undefined;
  return {
    clientId: app.clientId,
    appId: app.id,
    name: app.name,
    redirectUris: app.redirectUris,
    scopes: app.scopes,
    distribution: app.distribution,
    organizationId: app.organizationId,
    ...(app.webhookUrl !== null && { webhookUrl: app.webhookUrl }),
  };
}

/**
 * Whether `secret` is a working client secret of the app: the current one, or the previous one
 * during a rotation's grace period. Hashes compared in constant time; false for a deleted app.
 */
export async function verifyAppSecret(
  identity: Identity,
  clientId: string,
  secret: string,
): Promise<boolean> {
  if (typeof secret !== 'string' || secret.length === 0 || secret.length > 200) return false;
  const app = await findApp(identity, { clientId });
  if (!app) return false;
  const live = await liveSecretHashes(
    identity.dataSource.manager,
    'marketplace_app_secrets',
    'app_id',
    'app_secret',
    app.id,
    identity.now(),
  );
  return matchesAny(
    secret,
    live.map((s) => s.hash),
  );
}

export { recordInstall, isInstallActive } from './installs.js';

// ---- management (GraphQL) --------------------------------------------------------------------

function handleApp(
  identity: Identity,
  manager: EntityManager | undefined,
  appId: string,
  organizationId: string,
  command: AppCommand,
  request: RequestInfo,
) {
  return handle(
    identity,
    manager,
    appStream(appId),
    appDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

const by = (request: RequestInfo) => request.caller.subject ?? null;

/**
 * A new client secret in one transaction: `command` (naming the secret's id) on the app's stream,
 * the secret's hash stored under that id; answers the app with the secret, shown this once.
 */
function withNewSecret(
  identity: Identity,
  request: RequestInfo,
  appId: string,
  organizationId: string,
  command: (secretId: string) => AppCommand,
): Promise<AppWithSecret> {
  const secretId = randomUUID();
  const clientSecret = newClientSecret();
  return transaction(identity, async (manager) => {
    await handleApp(identity, manager, appId, organizationId, command(secretId), request);
    await storeCredential(manager, {
      kind: 'app_secret',
      id: secretId,
      subjectId: appId,
      hash: sha256(clientSecret),
    });
    return { app: (await findApp(identity, { id: appId }, manager))!, clientSecret };
  });
}

/** The apps of the caller's organization (agency), newest first. */
export async function listApps(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<AppView[]> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const rows: Row[] = await identity.dataSource.query(
    `${SELECT_APP} where a.organization_id = $1 and a.deleted_at is null order by a.created_at desc, a.id`,
    [membership.organizationId],
  );
  return rows.map(toView);
}

/** An app of the caller's organization; 404 for another organization's. */
export async function getApp(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  appId: string,
): Promise<AppView> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const app = await findApp(identity, { id: appId });
  if (!app || app.organizationId !== membership.organizationId) throw notFound('app');
  return app;
}

export async function registerApp(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  input: AppInput,
): Promise<AppWithSecret> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const kinds: { kind: string }[] = await identity.dataSource.query(
    `select kind from organizations where id = $1`,
    [membership.organizationId],
  );
  if (kinds[0]?.kind !== 'agency')
    throw validationError("marketplace apps belong to an agency (the developer's)", {
      field: 'organizationId',
    });
  await checkWebhookTarget(identity, input.webhookUrl);
  const appId = randomUUID();
  return withNewSecret(identity, request, appId, membership.organizationId, (secretId) => ({
    type: 'RegisterApp',
    appId,
    organizationId: membership.organizationId,
    clientId: newClientId(),
    secretId,
    input,
    allowHttpWebhooks: identity.config.MARKETPLACE_ALLOW_PRIVATE_WEBHOOKS,
    by: by(request),
    now: identity.now().toISOString(),
  }));
}

export async function updateApp(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  appId: string,
  input: AppInput,
): Promise<AppView> {
  const app = await getApp(identity, request, idOrDefault, appId);
  await checkWebhookTarget(identity, input.webhookUrl);
  await handleApp(
    identity,
    undefined,
    appId,
    app.organizationId,
    {
      type: 'UpdateApp',
      input,
      allowHttpWebhooks: identity.config.MARKETPLACE_ALLOW_PRIVATE_WEBHOOKS,
      by: by(request),
      now: identity.now().toISOString(),
    },
    request,
  );
  return (await findApp(identity, { id: appId }))!;
}

/**
 * A new client secret, shown once; the previous one keeps working for `graceSeconds` (default
 * 24 h, at most 7 days, 0 = at once). A secret older than the previous one stops at once.
 */
export async function rotateAppSecret(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  appId: string,
  graceSeconds?: number | null,
): Promise<AppWithSecret> {
  const app = await getApp(identity, request, idOrDefault, appId);
  return withNewSecret(identity, request, appId, app.organizationId, (secretId) => ({
    type: 'RotateAppSecret',
    secretId,
    graceSeconds: graceSeconds ?? undefined,
    by: by(request),
    now: identity.now().toISOString(),
  }));
}

/** Deletes the app: its secrets stop working and every active install is uninstalled (UNINSTALL events). */
export async function deleteApp(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  appId: string,
): Promise<AppView> {
  const app = await getApp(identity, request, idOrDefault, appId);
  await transaction(identity, async (manager) => {
    await uninstallAllOfApp(identity, manager, appId, request);
    await handleApp(
      identity,
      manager,
      appId,
      app.organizationId,
      { type: 'DeleteApp', by: by(request), now: identity.now().toISOString() },
      request,
    );
    await manager.query(
      `delete from credentials where kind = 'app_secret' and id in (select secret_id from marketplace_app_secrets where app_id = $1)`,
      [appId],
    );
  });
  return app;
}
