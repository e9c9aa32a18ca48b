import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serebro's marketplace and private integrations (identity owns them). No event carries a secret:
// client secrets and private integration tokens are named by a secret id, their hashes live in
// identity's `credentials` table; vault credentials travel masked (`sk_…1234`) only.
//
// Streams: `marketplace-app-<id>` (aggregate marketplace_app), `marketplace-install-<id>`
// (marketplace_install), `private-integration-<id>` (private_integration), `vault-credential-<id>`
// (vault_credential). Install and uninstall events carry HighLevel's webhook payload fields
// (`type: "INSTALL" | "UNINSTALL"`, `appId`, `companyId`, `locationId`, `userId`, ...) so the
// crm webhook engine can deliver them to the app's webhook URL as HighLevel does.

const id = z.string().min(1);
const at = z.iso.datetime();
const distribution = z.enum(['agency', 'location']);
const userType = z.enum(['Location', 'Company']);

// ---- marketplace app -------------------------------------------------------------------------

export const MarketplaceAppRegistered = defineEvent({
  type: 'MarketplaceAppRegistered',
  version: 1,
  domain: 'identity',
  aggregate: 'marketplace_app',
  description:
    'A developer registered a marketplace app under their agency; the client secret (secretId) is shown once and never evented.',
  schema: z.object({
    appId: id,
    organizationId: id,
    clientId: id,
    name: z.string().min(1).max(100),
    redirectUris: z.array(z.string()).min(1),
    scopes: z.array(z.string()),
    distribution,
    webhookUrl: z.string().nullable(),
    secretId: id,
    registeredBy: id.nullable(),
    registeredAt: at,
  }),
});

export const MarketplaceAppUpdated = defineEvent({
  type: 'MarketplaceAppUpdated',
  version: 1,
  domain: 'identity',
  aggregate: 'marketplace_app',
  description:
    'An app changed its name, redirect URIs, scopes, distribution or webhook URL (absent: unchanged).',
  schema: z.object({
    appId: id,
    organizationId: id,
    name: z.string().min(1).max(100).optional(),
    redirectUris: z.array(z.string()).min(1).optional(),
    scopes: z.array(z.string()).optional(),
    distribution: distribution.optional(),
    webhookUrl: z.string().nullable().optional(),
    updatedBy: id.nullable(),
    updatedAt: at,
  }),
});

export const MarketplaceAppSecretRotated = defineEvent({
  type: 'MarketplaceAppSecretRotated',
  version: 1,
  domain: 'identity',
  aggregate: 'marketplace_app',
  description:
    'A new client secret replaced the current one; the previous one keeps working until previousSecretExpiresAt (the grace period).',
  schema: z.object({
    appId: id,
    organizationId: id,
    secretId: id,
    previousSecretId: id,
    previousSecretExpiresAt: at,
    rotatedBy: id.nullable(),
    rotatedAt: at,
  }),
});

export const MarketplaceAppDeleted = defineEvent({
  type: 'MarketplaceAppDeleted',
  version: 1,
  domain: 'identity',
  aggregate: 'marketplace_app',
  description: 'An app was deleted: its secrets stop working and every install of it is uninstalled.',
  schema: z.object({ appId: id, organizationId: id, deletedBy: id.nullable(), deletedAt: at }),
});

// ---- install ---------------------------------------------------------------------------------

export const MarketplaceAppInstalled = defineEvent({
  type: 'MarketplaceAppInstalled',
  version: 1,
  domain: 'identity',
  aggregate: 'marketplace_install',
  description:
    "An app was installed on a location or agency (or re-consented with new scopes): HighLevel's INSTALL webhook payload plus the install's id and scopes.",
  schema: z.object({
    type: z.literal('INSTALL'),
    installId: id,
    appId: id,
    clientId: id,
    /** the organization the install is on: the location (Location) or the agency (Company) */
    organizationId: id,
    companyId: id.nullable(),
    locationId: id.nullable(),
    userId: id,
    installType: userType,
    scopes: z.array(z.string()),
    companyName: z.string().optional(),
    /** the app's webhook URL when it was installed (null: it has none); the crm sends INSTALL there */
    webhookUrl: z.string().nullable().optional(),
    timestamp: at,
  }),
});

export const MarketplaceAppUninstalled = defineEvent({
  type: 'MarketplaceAppUninstalled',
  version: 1,
  domain: 'identity',
  aggregate: 'marketplace_install',
  description:
    "An app was uninstalled from a location or agency (by its admin, by the app, or because the app was deleted); its tokens stop working: HighLevel's UNINSTALL webhook payload plus the install's id.",
  schema: z.object({
    type: z.literal('UNINSTALL'),
    installId: id,
    appId: id,
    organizationId: id,
    companyId: id.nullable(),
    locationId: id.nullable(),
    installType: userType,
    reason: z.enum(['uninstalled', 'app_deleted']),
    uninstalledBy: id.nullable(),
    /** the app's webhook URL when it was uninstalled (null: it has none); the crm sends UNINSTALL there */
    webhookUrl: z.string().nullable().optional(),
    timestamp: at,
  }),
});

// ---- private integration token -----------------------------------------------------------------

export const PrivateIntegrationTokenCreated = defineEvent({
  type: 'PrivateIntegrationTokenCreated',
  version: 1,
  domain: 'identity',
  aggregate: 'private_integration',
  description:
    'A private integration token (PIT) was created for a location or agency; the token is shown once.',
  schema: z.object({
    pitId: id,
    organizationId: id,
    userType,
    name: z.string().min(1).max(100),
    scopes: z.array(z.string()).min(1),
    secretId: id,
    createdBy: id,
    createdAt: at,
  }),
});

export const PrivateIntegrationTokenRotated = defineEvent({
  type: 'PrivateIntegrationTokenRotated',
  version: 1,
  domain: 'identity',
  aggregate: 'private_integration',
  description:
    'A PIT got a new token; the previous one keeps working until previousSecretExpiresAt (7 days, or at once).',
  schema: z.object({
    pitId: id,
    organizationId: id,
    secretId: id,
    previousSecretId: id,
    previousSecretExpiresAt: at,
    rotatedBy: id.nullable(),
    rotatedAt: at,
  }),
});

export const PrivateIntegrationTokenRevoked = defineEvent({
  type: 'PrivateIntegrationTokenRevoked',
  version: 1,
  domain: 'identity',
  aggregate: 'private_integration',
  description: 'A PIT was revoked: every token of it stops working at once.',
  schema: z.object({ pitId: id, organizationId: id, revokedBy: id.nullable(), revokedAt: at }),
});

// ---- vault -----------------------------------------------------------------------------------

export const VaultCredentialSealed = defineEvent({
  type: 'VaultCredentialSealed',
  version: 1,
  domain: 'identity',
  aggregate: 'vault_credential',
  description:
    'A third-party credential was stored (or replaced) sealed in the vault; only its masked form travels.',
  schema: z.object({
    credentialId: id,
    organizationId: id,
    name: z.string().min(1).max(100),
    kind: z.enum(['api_key', 'oauth_token', 'password', 'other']),
    masked: z.string(),
    sealedBy: id.nullable(),
    sealedAt: at,
  }),
});

export const VaultCredentialDeleted = defineEvent({
  type: 'VaultCredentialDeleted',
  version: 1,
  domain: 'identity',
  aggregate: 'vault_credential',
  description: 'A vault credential was deleted; its sealed value is erased.',
  schema: z.object({ credentialId: id, organizationId: id, deletedBy: id.nullable(), deletedAt: at }),
});

export const serebroEvents = [
  MarketplaceAppRegistered,
  MarketplaceAppUpdated,
  MarketplaceAppSecretRotated,
  MarketplaceAppDeleted,
  MarketplaceAppInstalled,
  MarketplaceAppUninstalled,
  PrivateIntegrationTokenCreated,
  PrivateIntegrationTokenRotated,
  PrivateIntegrationTokenRevoked,
  VaultCredentialSealed,
  VaultCredentialDeleted,
] as const;
