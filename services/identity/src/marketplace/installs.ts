import {
  anonymous,
  eventMetadataOf,
  forbidden,
  handle,
  notFound,
  validationError,
  type RequestOrigin,
} from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { iso, type Identity } from '../platform/app.js';
import type { RequestInfo } from '../platform/request.js';
import { accessTo, authorize, requireOrgPermission } from '../organizations/access.js';
import { installDecider, type InstallCommand } from './decide.js';
import { installIdOf, installStream, type UserType } from './install.js';
import { MANAGE_INTEGRATIONS } from './permission.js';

export interface InstallInput {
  appId: string;
  clientId: string;
  /** the location (userType Location) or agency (userType Company) the app is installed on */
  organizationId: string;
  /** the consenting user */
  userId: string;
  /** canonical scope names, within the app's */
  scopes: string[];
  userType: UserType;
}

export interface InstallView {
  id: string;
  appId: string;
  clientId: string;
  organizationId: string;
  companyId: string | null;
  locationId: string | null;
  userId: string;
  userType: UserType;
  scopes: string[];
  active: boolean;
  installedAt: string;
  updatedAt: string;
  uninstalledAt: string | null;
  /** the app's name (joined) */
  appName: string;
}

type Row = Record<string, unknown>;

const toView = (r: Row): InstallView => ({
  id: r.id as string,
  appId: r.app_id as string,
  clientId: r.client_id as string,
  organizationId: r.organization_id as string,
  companyId: (r.company_id as string | null) ?? null,
  locationId: (r.location_id as string | null) ?? null,
  userId: r.user_id as string,
  userType: r.user_type as UserType,
  scopes: r.scopes as string[],
  active: r.active as boolean,
  installedAt: iso(r.installed_at as Date)!,
  updatedAt: iso(r.updated_at as Date)!,
  uninstalledAt: iso(r.uninstalled_at as Date | null),
  appName: r.app_name as string,
});

const SELECT_INSTALL = `select i.*, a.name as app_name from marketplace_installs i join marketplace_apps a on a.id = i.app_id`;

async function findInstall(identity: Identity, installId: string, manager?: EntityManager) {
  const rows: Row[] = await (manager ?? identity.dataSource.manager).query(
    `${SELECT_INSTALL} where i.id = $1`,
    [installId],
  );
  return rows[0] && toView(rows[0]);
}

function handleInstall(
  identity: Identity,
  manager: EntityManager | undefined,
  installId: string,
  organizationId: string,
  command: InstallCommand,
  request: RequestOrigin,
) {
  return handle(
    identity,
    manager,
    installStream(installId),
    installDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

/**
 * Records that `userId` installed the app on a location or agency (the authorization server's
 * consent calls it). One install per app and organization: a second consent updates its scopes
 * (a new INSTALL event only when they changed, or when the install had been uninstalled). The
 * organization must be a location (userType Location) or an agency (Company, agency apps only);
 * scopes must be within the app's.
 */
export async function recordInstall(
  identity: Identity,
  input: InstallInput,
  request: RequestOrigin = { caller: { ...anonymous, kind: 'user', subject: input.userId } },
  manager?: EntityManager,
): Promise<{ installId: string }> {
  const db = manager ?? identity.dataSource.manager;
  const apps: Row[] = await db.query(
    `select id, client_id, scopes, distribution, webhook_url from marketplace_apps where id = $1 and deleted_at is null`,
    [input.appId],
  );
  const app = apps[0];
  if (!app || app.client_id !== input.clientId) throw notFound('app');
  const orgs: {
    id: string;
    kind: string;
    name: string;
    parent_id: string | null;
    parent_name: string | null;
  }[] = await db.query(
    `select o.id, o.kind, o.name, o.parent_id, p.name as parent_name
       from organizations o left join organizations p on p.id = o.parent_id where o.id = $1`,
    [input.organizationId],
  );
  const org = orgs[0];
  if (!org) throw notFound('organization');
  const wanted: 'location' | 'agency' = input.userType === 'Location' ? 'location' : 'agency';
  if (org.kind !== wanted)
    throw validationError(
      `userType ${input.userType} needs ${wanted === 'location' ? 'a location' : 'an agency'}`,
      {
        field: 'userType',
      },
    );
  const installId = installIdOf(input.appId, input.organizationId);
  await handleInstall(
    identity,
    manager,
    installId,
    input.organizationId,
    {
      type: 'Install',
      installId,
      appId: input.appId,
      clientId: input.clientId,
      appScopes: app.scopes as string[],
      appDistribution: app.distribution as 'agency' | 'location',
      appWebhookUrl: (app.webhook_url as string | null) ?? null,
      organizationId: input.organizationId,
      companyId: wanted === 'location' ? org.parent_id : org.id,
      locationId: wanted === 'location' ? org.id : null,
      companyName: (wanted === 'location' ? org.parent_name : org.name) ?? undefined,
      userId: input.userId,
      userType: input.userType,
      scopes: input.scopes,
      now: identity.now().toISOString(),
    },
    request,
  );
  return { installId };
}

/** Whether the install exists and is not uninstalled (the authorization server's token check). */
export async function isInstallActive(identity: Identity, installId: string): Promise<boolean> {
  const rows: { active: boolean }[] = await identity.dataSource.query(
    `select i.active from marketplace_installs i join marketplace_apps a on a.id = i.app_id
     where i.id = $1 and a.deleted_at is null`,
    [installId],
  );
  return rows[0]?.active === true;
}

/** Uninstalls every active install of an app (the app is being deleted), in the caller's transaction. */
export async function uninstallAllOfApp(
  identity: Identity,
  manager: EntityManager,
  appId: string,
  request: RequestInfo,
): Promise<void> {
  const rows: { id: string; organization_id: string }[] = await manager.query(
    `select id, organization_id from marketplace_installs where app_id = $1 and active`,
    [appId],
  );
  const appWebhookUrl = await webhookUrlOfApp(manager, appId);
  for (const row of rows)
    await handleInstall(
      identity,
      manager,
      row.id,
      row.organization_id,
      {
        type: 'Uninstall',
        reason: 'app_deleted',
        by: request.caller.subject ?? null,
        appWebhookUrl,
        now: identity.now().toISOString(),
      },
      request,
    );
}

/**
 * Whether the caller may manage the install: an admin (org.manage_integrations) of the organization
 * it is on (a location's agency admins too), or of the app's developer organization.
 */
async function canManage(identity: Identity, request: RequestInfo, install: InstallView): Promise<boolean> {
  for (const organizationId of [install.organizationId, await appOrganization(identity, install.appId)]) {
    if (!organizationId) continue;
    try {
      requireOrgPermission(await accessTo(identity, request, organizationId), MANAGE_INTEGRATIONS);
      return true;
    } catch {
      // not this one
    }
  }
  return false;
}

/** The app's webhook URL (deleted apps' too: their UNINSTALLs still go there); null when it has none. */
async function webhookUrlOfApp(manager: EntityManager, appId: string): Promise<string | null> {
  const rows: { webhook_url: string | null }[] = await manager.query(
    `select webhook_url from marketplace_apps where id = $1`,
    [appId],
  );
  return rows[0]?.webhook_url ?? null;
}

async function appOrganization(identity: Identity, appId: string): Promise<string | undefined> {
  const rows: { organization_id: string }[] = await identity.dataSource.query(
    `select organization_id from marketplace_apps where id = $1`,
    [appId],
  );
  return rows[0]?.organization_id;
}

export async function getInstall(
  identity: Identity,
  request: RequestInfo,
  installId: string,
): Promise<InstallView> {
  const install = await findInstall(identity, installId);
  if (!install || !(await canManage(identity, request, install))) throw notFound('install');
  return install;
}

/**
 * Uninstalls: the install turns inactive, its OAuth grants are revoked and their tokens deleted,
 * the gateways drop cached answers (all in the same transaction, see projection.ts), and an
 * UNINSTALL event goes out. By the location's (or agency's) admin or the app's developer.
 */
export async function uninstallApp(
  identity: Identity,
  request: RequestInfo,
  installId: string,
): Promise<InstallView> {
  const install = await getInstall(identity, request, installId);
  await handleInstall(
    identity,
    undefined,
    installId,
    install.organizationId,
    {
      type: 'Uninstall',
      reason: 'uninstalled',
      by: request.caller.subject ?? null,
      appWebhookUrl: await webhookUrlOfApp(identity.dataSource.manager, install.appId),
      now: identity.now().toISOString(),
    },
    request,
  );
  return (await findInstall(identity, installId))!;
}

/** The installs of an app of the caller's organization (developer view), active first. */
export async function listInstallsOfApp(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  appId: string,
  filter: { active?: boolean | null; companyId?: string | null } = {},
): Promise<InstallView[]> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const owner = await appOrganization(identity, appId);
  if (owner !== membership.organizationId) throw notFound('app');
  const rows: Row[] = await identity.dataSource.query(
    `${SELECT_INSTALL} where i.app_id = $1 and ($2::boolean is null or i.active = $2)
       and ($3::text is null or i.company_id = $3)
     order by i.active desc, i.installed_at desc, i.id`,
    [appId, filter.active ?? null, filter.companyId ?? null],
  );
  return rows.map(toView);
}

/** The apps installed on an organization (location or agency), for its admins; active first. */
export async function listInstallsOfOrganization(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<InstallView[]> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const rows: Row[] = await identity.dataSource.query(
    `${SELECT_INSTALL} where i.organization_id = $1 order by i.active desc, i.installed_at desc, i.id`,
    [membership.organizationId],
  );
  return rows.map(toView);
}

export interface InstalledLocation {
  _id: string;
  name: string;
  address: string | null;
  isInstalled: boolean;
}

/** The arguments of HighLevel's GET /oauth/installedLocations (and of the GraphQL field). */
export interface InstalledLocationsQuery {
  companyId: string;
  appId: string;
  isInstalled?: boolean | null;
  query?: string | null;
  skip?: number | null;
  limit?: number | null;
}

/**
 * HighLevel's `GET /oauth/installedLocations`: the locations of an agency (companyId) with whether
 * the app is installed on each, by name; `isInstalled` filters, `query` searches names, `skip` and
 * `limit` (1–100, default 20) page; `count` is the total matching. `installToFutureLocations` is
 * whether the app is installed on the agency itself (an agency install covers new locations).
 *
 * Who may ask: as HighLevel, the app itself with an agency OAuth token of that agency (`appId` must
 * be the token's app; PITs are refused), or a user who manages the agency's integrations.
 */
export async function installedLocations(
  identity: Identity,
  request: RequestInfo,
  input: InstalledLocationsQuery,
): Promise<{ locations: InstalledLocation[]; count: number; installToFutureLocations: boolean }> {
  const { caller } = request;
  let companyId: string;
  if (caller.via === 'oauth' || caller.via === 'pit') {
    if (caller.via === 'pit') throw forbidden('private integration tokens cannot list installed locations');
    if (caller.authClass !== 'Company' || caller.resourceId !== input.companyId)
      throw forbidden('an agency token of this company is required');
    if (caller.appId !== input.appId) throw forbidden('the token is not for this app');
    companyId = input.companyId;
  } else {
    companyId = (await authorize(identity, request, input.companyId, MANAGE_INTEGRATIONS, 'not_found'))
      .organizationId;
  }
  const skip = input.skip ?? 0;
  const limit = input.limit ?? 20;
  if (!Number.isInteger(skip) || skip < 0) throw validationError('skip: 0 or more', { field: 'skip' });
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw validationError('limit: 1 to 100', { field: 'limit' });
  const search = input.query?.trim() ? `%${input.query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows: { id: string; name: string; installed: boolean; total: string }[] =
    await identity.dataSource.query(
      `select * from (
       select o.id, o.name, exists (select 1 from marketplace_installs i
           where i.organization_id = o.id and i.app_id = $2 and i.active) as installed
       from organizations o where o.parent_id = $1 and o.kind = 'location'
         and ($3::text is null or o.name ilike $3)
     ) l where ($4::boolean is null or l.installed = $4)
     order by lower(l.name), l.id`,
      [companyId, input.appId, search, input.isInstalled ?? null],
    );
  const agency: unknown[] = await identity.dataSource.query(
    `select 1 from marketplace_installs where organization_id = $1 and app_id = $2 and active`,
    [companyId, input.appId],
  );
  const locations = rows
    .slice(skip, skip + limit)
    .map((r) => ({ _id: r.id, name: r.name, address: null, isInstalled: r.installed }));
  return { locations, count: rows.length, installToFutureLocations: agency.length > 0 };
}
