import { defineProjection } from '@seren/event-store';
import { REVOCATION_CHANNEL } from '../authentication/revocations.js';
import type { AppEvent } from './app.js';
import type { InstallEvent } from './install.js';
import type { PitEvent } from './pit.js';

type MarketplaceEvent = AppEvent | InstallEvent | PitEvent;

/**
 * `marketplace_apps`, `marketplace_app_secrets`, `marketplace_installs`, `private_integration_tokens`
 * and `private_integration_token_secrets` (never a secret: the hashes live in `credentials`). A
 * rotation keeps the previous secret until its grace ends and ends any older one at once.
 */
export const marketplaceProjection = defineProjection<MarketplaceEvent>({
  name: 'marketplace',
  handles: [
    'MarketplaceAppRegistered',
    'MarketplaceAppUpdated',
    'MarketplaceAppSecretRotated',
    'MarketplaceAppDeleted',
    'MarketplaceAppInstalled',
    'MarketplaceAppUninstalled',
    'PrivateIntegrationTokenCreated',
    'PrivateIntegrationTokenRotated',
    'PrivateIntegrationTokenRevoked',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'MarketplaceAppRegistered': {
        const d = event.data;
        await manager.query(
          `insert into marketplace_apps (id, organization_id, client_id, name, redirect_uris, scopes, distribution,
             webhook_url, created_by, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
          [
            d.appId,
            d.organizationId,
            d.clientId,
            d.name,
            d.redirectUris,
            d.scopes,
            d.distribution,
            d.webhookUrl,
            d.registeredBy,
            d.registeredAt,
          ],
        );
        await manager.query(
          `insert into marketplace_app_secrets (secret_id, app_id, created_at) values ($1, $2, $3)`,
          [d.secretId, d.appId, d.registeredAt],
        );
        return;
      }
      case 'MarketplaceAppUpdated': {
        const d = event.data;
        await manager.query(
          `update marketplace_apps set name = coalesce($2, name), redirect_uris = coalesce($3, redirect_uris),
             scopes = coalesce($4, scopes), distribution = coalesce($5, distribution),
             webhook_url = case when $6 then $7 else webhook_url end, updated_at = $8 where id = $1`,
          [
            d.appId,
            d.name ?? null,
            d.redirectUris ?? null,
            d.scopes ?? null,
            d.distribution ?? null,
            d.webhookUrl !== undefined,
            d.webhookUrl ?? null,
            d.updatedAt,
          ],
        );
        return;
      }
      case 'MarketplaceAppSecretRotated':
        await rotate(manager, 'marketplace_app_secrets', 'app_id', event.data.appId, event.data);
        await manager.query(`update marketplace_apps set updated_at = $2 where id = $1`, [
          event.data.appId,
          event.data.rotatedAt,
        ]);
        return;
      case 'MarketplaceAppDeleted':
        await manager.query(`update marketplace_apps set deleted_at = $2, updated_at = $2 where id = $1`, [
          event.data.appId,
          event.data.deletedAt,
        ]);
        await manager.query(
          `update marketplace_app_secrets set expires_at = $2 where app_id = $1 and (expires_at is null or expires_at > $2)`,
          [event.data.appId, event.data.deletedAt],
        );
        return;
      case 'MarketplaceAppInstalled': {
        const d = event.data;
        await manager.query(
          `insert into marketplace_installs (id, app_id, client_id, organization_id, company_id, location_id, user_id,
             user_type, scopes, active, installed_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $10)
           on conflict (id) do update set user_id = excluded.user_id, scopes = excluded.scopes, active = true,
             updated_at = excluded.updated_at, uninstalled_at = null,
             installed_at = case when marketplace_installs.active then marketplace_installs.installed_at
                                 else excluded.installed_at end`,
          [
            d.installId,
            d.appId,
            d.clientId,
            d.organizationId,
            d.companyId,
            d.locationId,
            d.userId,
            d.installType,
            d.scopes,
            d.timestamp,
          ],
        );
        return;
      }
      case 'MarketplaceAppUninstalled':
        await manager.query(
          `update marketplace_installs set active = false, uninstalled_at = $2, updated_at = $2 where id = $1`,
          [event.data.installId, event.data.timestamp],
        );
        return;
      case 'PrivateIntegrationTokenCreated': {
        const d = event.data;
        await manager.query(
          `insert into private_integration_tokens (id, organization_id, user_type, name, scopes, created_by, created_at)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [d.pitId, d.organizationId, d.userType, d.name, d.scopes, d.createdBy, d.createdAt],
        );
        await manager.query(
          `insert into private_integration_token_secrets (secret_id, pit_id, created_at) values ($1, $2, $3)`,
          [d.secretId, d.pitId, d.createdAt],
        );
        return;
      }
      case 'PrivateIntegrationTokenRotated':
        await rotate(manager, 'private_integration_token_secrets', 'pit_id', event.data.pitId, event.data);
        await manager.query(`update private_integration_tokens set rotated_at = $2 where id = $1`, [
          event.data.pitId,
          event.data.rotatedAt,
        ]);
        return;
      case 'PrivateIntegrationTokenRevoked':
        await manager.query(`update private_integration_tokens set revoked_at = $2 where id = $1`, [
          event.data.pitId,
          event.data.revokedAt,
        ]);
        await manager.query(
          `update private_integration_token_secrets set expires_at = $2 where pit_id = $1 and (expires_at is null or expires_at > $2)`,
          [event.data.pitId, event.data.revokedAt],
        );
        return;
      default:
        return;
    }
  },
});

async function rotate(
  manager: { query(sql: string, parameters?: unknown[]): Promise<unknown> },
  table: 'marketplace_app_secrets' | 'private_integration_token_secrets',
  ownerColumn: 'app_id' | 'pit_id',
  ownerId: string,
  d: { secretId: string; previousSecretId: string; previousSecretExpiresAt: string; rotatedAt: string },
): Promise<void> {
  // any secret older than the previous one ends now; the previous one at the end of its grace
  await manager.query(
    `update ${table} set expires_at = $3 where ${ownerColumn} = $1 and secret_id <> $2
       and (expires_at is null or expires_at > $3)`,
    [ownerId, d.previousSecretId, d.rotatedAt],
  );
  await manager.query(`update ${table} set expires_at = $2 where secret_id = $1`, [
    d.previousSecretId,
    d.previousSecretExpiresAt,
  ]);
  await manager.query(`insert into ${table} (secret_id, ${ownerColumn}, created_at) values ($1, $2, $3)`, [
    d.secretId,
    ownerId,
    d.rotatedAt,
  ]);
}

/** What the gateways hear when an install or a PIT stops working (REVOCATION_CHANNEL, on commit). */
export interface MarketplaceRevocationNotice {
  /** the install's consenting user, or the PIT's creator (absent for a deleted app) */
  userId?: string;
  reason:
    | 'MarketplaceAppUninstalled'
    | 'MarketplaceAppDeleted'
    | 'PrivateIntegrationTokenRevoked'
    | 'PrivateIntegrationTokenRotated';
  /** every token of the app (a deleted app: its client-credentials tokens too) */
  appId?: string;
  installId?: string;
  pitId?: string;
}

/**
 * After the read tables: an uninstall revokes the install's OAuth grants (`oauth_grants.revoked_at`,
 * and deletes their codes and refresh tokens in `oauth_models`, src/oauth/), and every uninstall,
 * PIT revocation or at-once rotation notifies the gateways (see ../authentication/revocations.ts),
 * all in the revoking transaction.
 */
export const marketplaceRevocationsProjection = defineProjection<MarketplaceEvent>({
  name: 'marketplace_revocations',
  handles: [
    'MarketplaceAppUninstalled',
    'MarketplaceAppDeleted',
    'PrivateIntegrationTokenRevoked',
    'PrivateIntegrationTokenRotated',
  ],
  async apply(event, { manager }) {
    let notice: MarketplaceRevocationNotice | undefined;
    switch (event.type) {
      case 'MarketplaceAppUninstalled': {
        const grants: { grant_id: string }[] = await manager.query(
          `update oauth_grants set revoked_at = $2 where install_id = $1 and revoked_at is null returning grant_id`,
          [event.data.installId, event.data.timestamp],
        );
        if (grants.length > 0)
          await manager.query(`delete from oauth_models where grant_id = any($1)`, [
            grants.map((g) => g.grant_id),
          ]);
        const rows: { user_id: string }[] = await manager.query(
          `select user_id from marketplace_installs where id = $1`,
          [event.data.installId],
        );
        if (rows[0])
          notice = { userId: rows[0].user_id, reason: event.type, installId: event.data.installId };
        break;
      }
      case 'MarketplaceAppDeleted':
        notice = { reason: event.type, appId: event.data.appId };
        break;
      case 'PrivateIntegrationTokenRevoked':
      case 'PrivateIntegrationTokenRotated': {
        if (
          event.type === 'PrivateIntegrationTokenRotated' &&
          event.data.previousSecretExpiresAt > event.data.rotatedAt
        )
          return;
        const rows: { created_by: string }[] = await manager.query(
          `select created_by from private_integration_tokens where id = $1`,
          [event.data.pitId],
        );
        if (rows[0]) notice = { userId: rows[0].created_by, reason: event.type, pitId: event.data.pitId };
        break;
      }
      default:
        return;
    }
    if (notice) await manager.query(`select pg_notify($1, $2)`, [REVOCATION_CHANNEL, JSON.stringify(notice)]);
  },
});
