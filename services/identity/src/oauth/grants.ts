import type { Identity } from '../platform/app.js';
import { isInstallActive } from '../marketplace/apps.js';
import type { OAuthAuthClass } from './claims.js';

/** What an authorization grant was given for, recorded at consent (table `oauth_grants`). */
export interface GrantRecord {
  grantId: string;
  clientId: string;
  appId: string;
  installId: string | null;
  userId: string;
  authClass: Exclude<OAuthAuthClass, 'App'>;
  /** the location (Location) or agency (Company) */
  organizationId: string;
  companyId: string | null;
  locationId: string | null;
  scopes: string[];
  revokedAt: Date | null;
}

interface GrantRow {
  grant_id: string;
  client_id: string;
  app_id: string;
  install_id: string | null;
  user_id: string;
  auth_class: 'Location' | 'Company';
  organization_id: string;
  company_id: string | null;
  location_id: string | null;
  scopes: string[];
  revoked_at: Date | null;
}

export async function recordGrant(identity: Identity, grant: Omit<GrantRecord, 'revokedAt'>): Promise<void> {
  await identity.dataSource.query(
    `insert into oauth_grants (grant_id, client_id, app_id, install_id, user_id, auth_class, organization_id,
       company_id, location_id, scopes, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      grant.grantId,
      grant.clientId,
      grant.appId,
      grant.installId,
      grant.userId,
      grant.authClass,
      grant.organizationId,
      grant.companyId,
      grant.locationId,
      grant.scopes,
      identity.now(),
    ],
  );
}

export async function grantOf(identity: Identity, grantId: string): Promise<GrantRecord | undefined> {
  const rows: GrantRow[] = await identity.dataSource.query(`select * from oauth_grants where grant_id = $1`, [
    grantId,
  ]);
  const row = rows[0];
  return (
    row && {
      grantId: row.grant_id,
      clientId: row.client_id,
      appId: row.app_id,
      installId: row.install_id,
      userId: row.user_id,
      authClass: row.auth_class,
      organizationId: row.organization_id,
      companyId: row.company_id,
      locationId: row.location_id,
      scopes: row.scopes,
      revokedAt: row.revoked_at,
    }
  );
}

/**
 * Whether the grant still stands: recorded, not revoked (a replayed refresh token or a revocation
 * destroys it), oidc-provider's Grant row alive, and its install not uninstalled.
 */
export async function isGrantActive(identity: Identity, grantId: string): Promise<GrantRecord | undefined> {
  const rows: (GrantRow & { alive: boolean })[] = await identity.dataSource.query(
    `select g.*, exists (select 1 from oauth_models m where m.model = 'Grant' and m.id = g.grant_id
                          and (m.expires_at is null or m.expires_at > now())) as alive
     from oauth_grants g where g.grant_id = $1`,
    [grantId],
  );
  const row = rows[0];
  if (!row || row.revoked_at || !row.alive) return undefined;
  return grantOf(identity, grantId);
}

/** Called when oidc-provider destroys a grant (replayed refresh token, revocation). */
export async function markGrantRevoked(identity: Identity, grantId: string): Promise<void> {
  await identity.dataSource.query(
    `update oauth_grants set revoked_at = $2 where grant_id = $1 and revoked_at is null`,
    [grantId, identity.now()],
  );
}

/**
 * For a presented code or refresh token (adapter row `model`/`id`): false when its grant's install
 * is no longer active, after revoking everything of that grant. True when the row is unknown (the
 * provider answers that itself) or the grant has no install.
 */
export async function grantStillInstalled(identity: Identity, model: string, id: string): Promise<boolean> {
  const rows: { grant_id: string | null; install_id: string | null }[] = await identity.dataSource.query(
    `select m.grant_id, g.install_id from oauth_models m left join oauth_grants g on g.grant_id = m.grant_id
     where m.model = $1 and m.id = $2`,
    [model, id],
  );
  const row = rows[0];
  if (!row?.grant_id || !row.install_id) return true;
  if (await isInstallActive(identity, row.install_id)) return true;
  await revokeGrant(identity, row.grant_id);
  return false;
}

/** Ends a grant: its codes, refresh tokens and the grant itself go; its access tokens fail (verify.ts). */
export async function revokeGrant(identity: Identity, grantId: string): Promise<void> {
  await identity.dataSource.query(
    `delete from oauth_models where grant_id = $1 or (model = 'Grant' and id = $1)`,
    [grantId],
  );
  await markGrantRevoked(identity, grantId);
}
