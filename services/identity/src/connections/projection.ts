import { defineProjection } from '@seren/event-store';
import type { ConnectionEvent, SocialAccountEvent } from './connection.js';
import type { ProviderEvent } from './provider.js';

/** `oauth_providers`: organizations' BYOC providers (never their secrets: those are in the vault). */
export const oauthProvidersProjection = defineProjection<ProviderEvent>({
  name: 'oauth_providers',
  handles: ['OAuthProviderCreated', 'OAuthProviderUpdated', 'OAuthProviderDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'OAuthProviderCreated':
      case 'OAuthProviderUpdated': {
        const d = event.data;
        const at = event.type === 'OAuthProviderCreated' ? event.data.createdAt : event.data.updatedAt;
        const by = event.type === 'OAuthProviderCreated' ? event.data.createdBy : null;
        await manager.query(
          `insert into oauth_providers (id, organization_id, slug, name, description, logo_url, issuer,
             authorization_url, token_url, revocation_url, userinfo_url, scopes, pkce_required,
             custom_auth_params, client_id, is_active, created_by, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
           on conflict (id) do update set slug = excluded.slug, name = excluded.name,
             description = excluded.description, logo_url = excluded.logo_url, issuer = excluded.issuer,
             authorization_url = excluded.authorization_url, token_url = excluded.token_url,
             revocation_url = excluded.revocation_url, userinfo_url = excluded.userinfo_url,
             scopes = excluded.scopes, pkce_required = excluded.pkce_required,
             custom_auth_params = excluded.custom_auth_params, client_id = excluded.client_id,
             is_active = excluded.is_active, updated_at = excluded.updated_at`,
          [
            d.providerId,
            d.organizationId,
            d.slug,
            d.name,
            d.description,
            d.logoUrl,
            d.issuer,
            d.authorizationUrl,
            d.tokenUrl,
            d.revocationUrl,
            d.userinfoUrl,
            d.scopes,
            d.pkceRequired,
            JSON.stringify(d.customAuthParams),
            d.clientId,
            d.isActive,
            by,
            at,
          ],
        );
        return;
      }
      case 'OAuthProviderDeleted':
        await manager.query(`delete from oauth_providers where id = $1`, [event.data.providerId]);
        return;
      default:
        return;
    }
  },
});

/** `oauth_connections`: a user's connected account at a provider (a revoked one is gone). */
export const oauthConnectionsProjection = defineProjection<ConnectionEvent>({
  name: 'oauth_connections',
  handles: ['OAuthAccountConnected', 'OAuthConnectionRefreshed', 'OAuthConnectionRevoked'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'OAuthAccountConnected': {
        const d = event.data;
        await manager.query(
          `insert into oauth_connections (id, user_id, provider_id, provider_slug, organization_id, account_id,
             account_name, scopes, expires_at, connected_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
           on conflict (id) do update set account_id = excluded.account_id, account_name = excluded.account_name,
             scopes = excluded.scopes, expires_at = excluded.expires_at, provider_slug = excluded.provider_slug,
             updated_at = excluded.updated_at`,
          [
            d.connectionId,
            d.userId,
            d.providerId,
            d.providerSlug,
            d.organizationId,
            d.accountId,
            d.accountName,
            d.scopes,
            d.expiresAt,
            d.connectedAt,
          ],
        );
        return;
      }
      case 'OAuthConnectionRefreshed':
        await manager.query(
          `update oauth_connections set scopes = $2, expires_at = $3, updated_at = $4 where id = $1`,
          [event.data.connectionId, event.data.scopes, event.data.expiresAt, event.data.refreshedAt],
        );
        return;
      case 'OAuthConnectionRevoked':
        await manager.query(`delete from oauth_connections where id = $1`, [event.data.connectionId]);
        return;
      default:
        return;
    }
  },
});

/** `social_accounts`: Serelo's connected Facebook accounts with their pages (masked tokens only). */
export const socialAccountsProjection = defineProjection<SocialAccountEvent>({
  name: 'social_accounts',
  handles: ['SocialAccountConnected', 'SocialAccountDisconnected'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'SocialAccountConnected': {
        const d = event.data;
        await manager.query(
          `insert into social_accounts (id, user_id, platform, platform_user_id, platform_username, masked_token,
             pages, token_expires_at, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
           on conflict (id) do update set platform_username = excluded.platform_username,
             masked_token = excluded.masked_token, pages = excluded.pages,
             token_expires_at = excluded.token_expires_at, updated_at = excluded.updated_at`,
          [
            d.accountId,
            d.userId,
            d.platform,
            d.platformUserId,
            d.platformUsername,
            d.maskedToken,
            JSON.stringify(d.pages),
            d.tokenExpiresAt,
            d.connectedAt,
          ],
        );
        return;
      }
      case 'SocialAccountDisconnected':
        await manager.query(`delete from social_accounts where id = $1`, [event.data.accountId]);
        return;
      default:
        return;
    }
  },
});
