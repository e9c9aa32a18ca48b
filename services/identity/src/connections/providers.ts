import { createHash } from 'node:crypto';
import { notFound } from '@seren/service-kit/errors';
import type { EntityManager } from 'typeorm';
import type { IdentityConfig } from '../config.js';
import { iso, type Identity } from '../platform/app.js';
import type { RequestInfo } from '../platform/request.js';
import { accessTo, isBound } from '../organizations/access.js';
import { openCredential } from '../vault/service.js';
import { clientSecretOf, providerSettings } from './decide.js';
import type { ProviderClient } from './engine.js';
import type { ProviderSettings } from './provider.js';

/** An OAuth provider as shown: never its client secret. `organizationId` null for a global provider. */
export interface ProviderView extends ProviderSettings {
  id: string;
  organizationId: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

type Row = Record<string, unknown>;

/** The vault name of an organization provider's client secret (in the provider's organization). */
export const providerSecretName = (providerId: string) => `oauth-provider:${providerId}`;

/** A stable UUID for a name (a global provider's id from its slug, a connection's from its user and provider). */
export function uuidOf(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const rowToProvider = (r: Row): ProviderView => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  slug: r.slug as string,
  name: r.name as string,
  description: (r.description as string | null) ?? null,
  logoUrl: (r.logo_url as string | null) ?? null,
  issuer: (r.issuer as string | null) ?? null,
  authorizationUrl: (r.authorization_url as string | null) ?? null,
  tokenUrl: (r.token_url as string | null) ?? null,
  revocationUrl: (r.revocation_url as string | null) ?? null,
  userinfoUrl: (r.userinfo_url as string | null) ?? null,
  scopes: r.scopes as string[],
  pkceRequired: r.pkce_required as boolean,
  customAuthParams: r.custom_auth_params as Record<string, string>,
  clientId: r.client_id as string,
  isActive: r.is_active as boolean,
  createdAt: iso(r.created_at as Date),
  updatedAt: iso(r.updated_at as Date),
});

interface GlobalProviders {
  /** SerenAI's providers (GET /oauth/providers lists them) */
  byId: Map<string, ProviderClient & { view: ProviderView }>;
  /** Serelo's Facebook app, when configured */
  facebook: (ProviderClient & { view: ProviderView }) | null;
}

const globals = new WeakMap<IdentityConfig, GlobalProviders>();

/**
 * The global providers of the configuration (OAUTH_PROVIDERS, and Facebook from FACEBOOK_APP_ID and
 * _SECRET), validated like an organization's; a malformed entry stops identity at start.
 */
export function globalProviders(config: IdentityConfig): GlobalProviders {
  let found = globals.get(config);
  if (found) return found;
  let entries: unknown;
  try {
    entries = JSON.parse(config.OAUTH_PROVIDERS);
  } catch {
    throw new Error('OAUTH_PROVIDERS must be a JSON array');
  }
  if (!Array.isArray(entries)) throw new Error('OAUTH_PROVIDERS must be a JSON array');
  const byId = new Map<string, ProviderClient & { view: ProviderView }>();
  const make = (settings: ProviderSettings, clientSecret: string) => {
    const id = uuidOf(`oauth-provider:${settings.slug}`);
    const view: ProviderView = { id, organizationId: null, ...settings, createdAt: null, updatedAt: null };
    return { id, organizationId: null, settings, clientSecret, view };
  };
  for (const [index, entry] of (entries as Record<string, unknown>[]).entries()) {
    try {
      const settings = providerSettings({
        slug: entry.slug,
        name: entry.name,
        description: entry.description,
        logoUrl: entry.logo_url,
        issuer: entry.issuer,
        authorizationUrl: entry.authorization_url,
        tokenUrl: entry.token_url,
        revocationUrl: entry.revocation_url,
        userinfoUrl: entry.userinfo_url,
        scopes: entry.scopes ?? [],
        pkceRequired: entry.pkce_required ?? false,
        customAuthParams: entry.custom_auth_params,
        clientId: entry.client_id,
        isActive: true,
      });
      const provider = make(settings, clientSecretOf(entry.client_secret));
      if ([...byId.values()].some((p) => p.settings.slug === settings.slug)) throw new Error('slug twice');
      byId.set(provider.id, provider);
    } catch (error) {
      throw new Error(`OAUTH_PROVIDERS[${index}]: ${(error as Error).message}`);
    }
  }
  const facebook =
    config.FACEBOOK_APP_ID && config.FACEBOOK_APP_SECRET
      ? make(
          {
            slug: 'facebook',
            name: 'Facebook',
            description: null,
            logoUrl: null,
            issuer: null,
            authorizationUrl: config.FACEBOOK_DIALOG_URL,
            tokenUrl: `${config.FACEBOOK_GRAPH_BASE.replace(/\/$/, '')}/oauth/access_token`,
            revocationUrl: null,
            userinfoUrl: null,
            scopes: config.FACEBOOK_SCOPES.split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            pkceRequired: false,
            customAuthParams: {},
            clientId: config.FACEBOOK_APP_ID,
            isActive: true,
          },
          config.FACEBOOK_APP_SECRET,
        )
      : null;
  found = { byId, facebook };
  globals.set(config, found);
  return found;
}

export const globalSlugTaken = (config: IdentityConfig, slug: string) =>
  [...globalProviders(config).byId.values()].some((p) => p.settings.slug === slug);

/** An organization provider with its client secret opened from the vault. */
export async function organizationProviderClient(
  identity: Identity,
  view: ProviderView,
): Promise<ProviderClient> {
  const clientSecret = await openCredential(identity, {
    organizationId: view.organizationId!,
    name: providerSecretName(view.id),
  });
  const { id, organizationId, createdAt: _c, updatedAt: _u, ...settings } = view;
  return { id, organizationId, settings, clientSecret };
}

/** The organizations the user belongs to. */
async function organizationsOf(
  identity: Identity,
  userId: string,
  manager?: EntityManager,
): Promise<string[]> {
  const rows: { organization_id: string }[] = await (manager ?? identity.dataSource.manager).query(
    `select organization_id from members where user_id = $1`,
    [userId],
  );
  return rows.map((r) => r.organization_id);
}

/**
 * The active providers a user may connect to: the global ones and those of their organizations
 * (`GET /oauth/providers`). An organization credential (API key) sees its own organization's only.
 */
export async function availableProviders(
  identity: Identity,
  request: RequestInfo,
  userId: string,
): Promise<ProviderView[]> {
  const organizations = await callerOrganizations(identity, request, userId);
  const rows: Row[] = await identity.dataSource.query(
    `select * from oauth_providers where organization_id = any($1) and is_active order by lower(name), id`,
    [organizations],
  );
  return [
    ...[...globalProviders(identity.config).byId.values()].map((p) => p.view),
    ...rows.map(rowToProvider),
  ];
}

async function callerOrganizations(identity: Identity, request: RequestInfo, userId: string) {
  const all = await organizationsOf(identity, userId);
  return isBound(request.caller) ? all.filter((o) => o === request.caller.organizationId) : all;
}

/**
 * The provider a user names in a path (by id or by slug): a global one, or an active one of their
 * organizations; else 404 "Provider not found" — another organization's provider is as unknown as
 * one that never existed. A slug names a global provider first, then the user's organizations' oldest.
 */
export async function providerForUser(
  identity: Identity,
  request: RequestInfo,
  userId: string,
  ref: { id: string } | { slug: string },
): Promise<ProviderClient> {
  const global = globalProviders(identity.config);
  if ('id' in ref) {
    const found = global.byId.get(ref.id);
    if (found) return found;
  } else {
    const found = [...global.byId.values()].find((p) => p.settings.slug === ref.slug);
    if (found) return found;
  }
  const organizations = await callerOrganizations(identity, request, userId);
  const [column, value] = 'id' in ref ? ['id', ref.id] : ['lower(slug)', ref.slug.toLowerCase()];
  const rows: Row[] = await identity.dataSource.query(
    `select * from oauth_providers where ${column} = $1 and organization_id = any($2) and is_active
     order by created_at limit 1`,
    [value, organizations],
  );
  if (!rows[0]) throw notFound('Provider');
  return organizationProviderClient(identity, rowToProvider(rows[0]));
}

/** A provider by id whoever asks (a callback: the state names the user), or undefined. */
export async function providerById(
  identity: Identity,
  providerId: string,
): Promise<ProviderClient | undefined> {
  const found = globalProviders(identity.config).byId.get(providerId);
  if (found) return found;
  const rows: Row[] = await identity.dataSource.query(`select * from oauth_providers where id = $1`, [
    providerId,
  ]);
  return rows[0] ? organizationProviderClient(identity, rowToProvider(rows[0])) : undefined;
}

// ---- an organization's providers (the admin's routes) -------------------------------------------

export async function listOrganizationProviders(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<ProviderView[]> {
  const membership = await accessTo(identity, request, idOrDefault, 'forbidden');
  const rows: Row[] = await identity.dataSource.query(
    `select * from oauth_providers where organization_id = $1 order by lower(name), id`,
    [membership.organizationId],
  );
  return rows.map(rowToProvider);
}

export async function organizationProvider(
  identity: Identity,
  organizationId: string,
  providerId: string,
  manager?: EntityManager,
): Promise<ProviderView> {
  const rows: Row[] = await (manager ?? identity.dataSource.manager).query(
    `select * from oauth_providers where id = $1 and organization_id = $2`,
    [providerId, organizationId],
  );
  if (!rows[0]) throw notFound('Provider');
  return rowToProvider(rows[0]);
}

export async function getOrganizationProvider(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  providerId: string,
): Promise<ProviderView> {
  const membership = await accessTo(identity, request, idOrDefault, 'forbidden');
  return organizationProvider(identity, membership.organizationId, providerId);
}
