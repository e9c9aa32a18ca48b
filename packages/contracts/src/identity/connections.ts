import { z } from 'zod';
import { defineEvent } from '../define.js';

// Connected accounts (identity's src/connections/): organizations' OAuth providers (SerenAI's BYOC
// providers), users' connections to an outside OAuth provider (SerenAI's OAuth connections) and
// Serelo's social accounts (Facebook pages). No event carries a secret: client secrets, access and
// refresh tokens and page tokens are sealed in identity's vault and named here by nothing at all.
//
// Streams: `oauth-provider-<id>` (aggregate oauth_provider), `oauth-connection-<id>`
// (oauth_connection), `social-account-<id>` (social_account).

const id = z.string().min(1);
const at = z.iso.datetime();

const providerSettings = {
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  logoUrl: z.string().nullable(),
  issuer: z.string().nullable(),
  authorizationUrl: z.string().nullable(),
  tokenUrl: z.string().nullable(),
  revocationUrl: z.string().nullable(),
  userinfoUrl: z.string().nullable(),
  scopes: z.array(z.string()),
  pkceRequired: z.boolean(),
  customAuthParams: z.record(z.string(), z.string()),
  clientId: z.string(),
  isActive: z.boolean(),
};

export const OAuthProviderCreated = defineEvent({
  type: 'OAuthProviderCreated',
  version: 1,
  domain: 'identity',
  aggregate: 'oauth_provider',
  description:
    "An organization admin registered an OAuth provider (BYOC) its members may connect to. Its client secret is sealed in identity's vault, never here.",
  schema: z.object({ providerId: id, organizationId: id, ...providerSettings, createdBy: id, createdAt: at }),
});

export const OAuthProviderUpdated = defineEvent({
  type: 'OAuthProviderUpdated',
  version: 1,
  domain: 'identity',
  aggregate: 'oauth_provider',
  description:
    'An organization OAuth provider changed: the settings it now has; `clientSecretReplaced` when a new secret was sealed.',
  schema: z.object({
    providerId: id,
    organizationId: id,
    ...providerSettings,
    clientSecretReplaced: z.boolean(),
    updatedBy: id,
    updatedAt: at,
  }),
});

export const OAuthProviderDeleted = defineEvent({
  type: 'OAuthProviderDeleted',
  version: 1,
  domain: 'identity',
  aggregate: 'oauth_provider',
  description:
    'An organization OAuth provider was deleted; every connection of its users is revoked with it (OAuthConnectionRevoked, reason provider_deleted).',
  schema: z.object({ providerId: id, organizationId: id, slug: z.string(), deletedBy: id, deletedAt: at }),
});

export const OAuthAccountConnected = defineEvent({
  type: 'OAuthAccountConnected',
  version: 1,
  domain: 'identity',
  aggregate: 'oauth_connection',
  description:
    "A user connected (or reconnected) their account at an OAuth provider; the tokens are sealed in identity's vault. `organizationId` is the provider's organization (null for a global provider).",
  schema: z.object({
    connectionId: id,
    userId: id,
    providerId: id,
    providerSlug: z.string(),
    organizationId: id.nullable(),
    accountId: z.string().nullable(),
    accountName: z.string().nullable(),
    scopes: z.array(z.string()),
    expiresAt: at.nullable(),
    connectedAt: at,
  }),
});

export const OAuthConnectionRefreshed = defineEvent({
  type: 'OAuthConnectionRefreshed',
  version: 1,
  domain: 'identity',
  aggregate: 'oauth_connection',
  description:
    "A connection's access token was refreshed at the provider (new expiry; the tokens stay sealed).",
  schema: z.object({
    connectionId: id,
    userId: id,
    scopes: z.array(z.string()),
    expiresAt: at.nullable(),
    refreshedAt: at,
  }),
});

export const OAuthConnectionRevoked = defineEvent({
  type: 'OAuthConnectionRevoked',
  version: 1,
  domain: 'identity',
  aggregate: 'oauth_connection',
  description:
    'A connection ended: its sealed tokens are deleted and, where the provider has an RFC 7009 endpoint, revoked there (`revokedAtProvider`). Reason `user` (the user disconnected) or `provider_deleted` (the organization deleted its provider).',
  schema: z.object({
    connectionId: id,
    userId: id,
    providerId: id,
    reason: z.enum(['user', 'provider_deleted']),
    revokedAtProvider: z.boolean(),
    revokedAt: at,
  }),
});

export const SocialAccountConnected = defineEvent({
  type: 'SocialAccountConnected',
  version: 1,
  domain: 'identity',
  aggregate: 'social_account',
  description:
    "A Serelo user connected a social account (Facebook) and the pages they manage; the user and page tokens are sealed in identity's vault, and only their masked forms (`…wxyz`) travel.",
  schema: z.object({
    accountId: id,
    userId: id,
    platform: z.enum(['facebook']),
    platformUserId: z.string(),
    platformUsername: z.string().nullable(),
    maskedToken: z.string(),
    pages: z.array(z.object({ pageId: z.string(), pageName: z.string(), maskedToken: z.string() })),
    tokenExpiresAt: at.nullable(),
    connectedAt: at,
  }),
});

export const SocialAccountDisconnected = defineEvent({
  type: 'SocialAccountDisconnected',
  version: 1,
  domain: 'identity',
  aggregate: 'social_account',
  description:
    'A social account was disconnected; its sealed tokens are deleted (scheduled posts for it will fail to publish).',
  schema: z.object({ accountId: id, userId: id, platform: z.enum(['facebook']), disconnectedAt: at }),
});

export const connectionEvents = [
  OAuthProviderCreated,
  OAuthProviderUpdated,
  OAuthProviderDeleted,
  OAuthAccountConnected,
  OAuthConnectionRefreshed,
  OAuthConnectionRevoked,
  SocialAccountConnected,
  SocialAccountDisconnected,
] as const;
