import { conflict, notFound, validationError } from '@seren/service-kit/errors';
import {
  evolveConnection,
  evolveSocialAccount,
  initialConnectionState,
  initialSocialAccountState,
  type ConnectionEvent,
  type ConnectionState,
  type SocialAccountEvent,
  type SocialAccountState,
} from './connection.js';
import {
  evolveProvider,
  initialProviderState,
  type ProviderEvent,
  type ProviderSettings,
  type ProviderState,
} from './provider.js';

// ---- input rules of a provider (pure; the outbound check of its URLs is the service's, it resolves DNS) ----

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function text(value: unknown, field: string, max: number, optional: true): string | null;
function text(value: unknown, field: string, max: number, optional?: false): string;
function text(value: unknown, field: string, max: number, optional = false): string | null {
  if (optional && (value === null || value === undefined)) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw validationError(`${field}: 1 to ${max} characters`, { field });
  return value.trim();
}

/** An absolute http(s) URL without credentials or fragment (whether it may be reached is the outbound check's). */
export function providerUrl(value: unknown, field: string): string {
  const raw = text(value, field, 2000);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationError(`${field} must be an absolute URL`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw validationError(`${field} must be an http(s) URL`, { field });
  if (url.username || url.password) throw validationError(`${field} must not carry credentials`, { field });
  if (url.hash) throw validationError(`${field} must not have a fragment`, { field });
  return url.toString();
}

const optionalUrl = (value: unknown, field: string) =>
  value === null || value === undefined ? null : providerUrl(value, field);

export function providerSlug(value: unknown): string {
  if (typeof value !== 'string' || !SLUG.test(value))
    throw validationError(
      'slug: 1 to 63 lowercase letters, digits, _ or -, starting with a letter or digit',
      {
        field: 'slug',
      },
    );
  return value;
}

/** The slug a name gives when none is named: `My CRM` → `my-crm`. */
export const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'provider';

function scopesOf(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length > 100 ||
    value.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/.test(s))
  )
    throw validationError('scopes: up to 100 scope tokens (RFC 6749 §3.3)', { field: 'scopes' });
  return [...new Set(value as string[])];
}

/** Extra authorization parameters; the protocol's own cannot be overridden. */
const RESERVED_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

function authParamsOf(value: unknown): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw validationError('custom_auth_params: an object of strings', { field: 'custom_auth_params' });
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 20)
    throw validationError('custom_auth_params: at most 20', { field: 'custom_auth_params' });
  for (const [key, v] of entries) {
    if (typeof v !== 'string' || v.length > 500 || !/^[A-Za-z0-9_.-]{1,100}$/.test(key))
      throw validationError('custom_auth_params: an object of strings', { field: 'custom_auth_params' });
    if (RESERVED_PARAMS.has(key))
      throw validationError(`custom_auth_params: ${key} is set by the flow`, { field: 'custom_auth_params' });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** A provider's input as given (REST or GraphQL, snake- or camel-cased by the adapter). */
export interface ProviderInput {
  slug?: unknown;
  name?: unknown;
  description?: unknown;
  logoUrl?: unknown;
  issuer?: unknown;
  authorizationUrl?: unknown;
  tokenUrl?: unknown;
  revocationUrl?: unknown;
  userinfoUrl?: unknown;
  scopes?: unknown;
  pkceRequired?: unknown;
  customAuthParams?: unknown;
  clientId?: unknown;
  isActive?: unknown;
}

const bool = (value: unknown, field: string, fallback: boolean): boolean => {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'boolean') throw validationError(`${field}: true or false`, { field });
  return value;
};

/** The settings a complete input gives (creation, or the merge of an update over the current ones). */
export function providerSettings(input: ProviderInput): ProviderSettings {
  const name = text(input.name, 'name', 100);
  const issuer = optionalUrl(input.issuer, 'issuer');
  const tokenUrl = optionalUrl(input.tokenUrl, 'token_url');
  if (!tokenUrl && !issuer)
    throw validationError('token_url (or an issuer to discover it) is required', { field: 'token_url' });
  const authorizationUrl = optionalUrl(input.authorizationUrl, 'authorization_url');
  if (!authorizationUrl && !issuer)
    throw validationError('authorization_url (or an issuer to discover it) is required', {
      field: 'authorization_url',
    });
  return {
    slug: providerSlug(input.slug ?? slugOf(name)),
    name,
    description: text(input.description, 'description', 1000, true),
    logoUrl: optionalUrl(input.logoUrl, 'logo_url'),
    issuer,
    authorizationUrl,
    tokenUrl,
    revocationUrl: optionalUrl(input.revocationUrl, 'revocation_url'),
    userinfoUrl: optionalUrl(input.userinfoUrl, 'userinfo_url'),
    scopes: scopesOf(input.scopes),
    pkceRequired: bool(input.pkceRequired, 'pkce_required', true),
    customAuthParams: authParamsOf(input.customAuthParams),
    clientId: text(input.clientId, 'client_id', 500),
    isActive: bool(input.isActive, 'is_active', true),
  };
}

/** A client secret as given: 1 to 4096 characters (it is sealed, never stored in clear). */
export function clientSecretOf(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096)
    throw validationError('client_secret: 1 to 4096 characters', { field: 'client_secret' });
  return value;
}

// ---- the provider ------------------------------------------------------------------------------

export type ProviderCommand =
  | {
      type: 'CreateProvider';
      providerId: string;
      organizationId: string;
      settings: ProviderSettings;
      /** slugs already taken in the organization or by a global provider */
      slugTaken: boolean;
      by: string;
      now: string;
    }
  | {
      type: 'UpdateProvider';
      settings: ProviderSettings;
      slugTaken: boolean;
      clientSecretReplaced: boolean;
      by: string;
      now: string;
    }
  | { type: 'DeleteProvider'; by: string; now: string };

const slugConflict = () =>
  conflict('a provider with this slug already exists', { reason: 'PROVIDER_EXISTS', field: 'slug' });

export function decideProvider(command: ProviderCommand, state: ProviderState): ProviderEvent[] {
  switch (command.type) {
    case 'CreateProvider':
      if (state.status !== 'none') throw slugConflict();
      if (command.slugTaken) throw slugConflict();
      return [
        {
          type: 'OAuthProviderCreated',
          data: {
            providerId: command.providerId,
            organizationId: command.organizationId,
            ...command.settings,
            createdBy: command.by,
            createdAt: command.now,
          },
        },
      ];
    case 'UpdateProvider':
      if (state.status !== 'active') throw notFound('Provider');
      if (command.slugTaken && command.settings.slug !== state.slug) throw slugConflict();
      return [
        {
          type: 'OAuthProviderUpdated',
          data: {
            providerId: state.providerId,
            organizationId: state.organizationId,
            ...command.settings,
            clientSecretReplaced: command.clientSecretReplaced,
            updatedBy: command.by,
            updatedAt: command.now,
          },
        },
      ];
    case 'DeleteProvider':
      if (state.status !== 'active') throw notFound('Provider');
      return [
        {
          type: 'OAuthProviderDeleted',
          data: {
            providerId: state.providerId,
            organizationId: state.organizationId,
            slug: state.slug,
            deletedBy: command.by,
            deletedAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const providerDecider = {
  streamType: 'oauth_provider',
  initialState: initialProviderState,
  evolve: evolveProvider,
  decide: decideProvider,
};

// ---- the connection ----------------------------------------------------------------------------

export type ConnectionCommand =
  | {
      type: 'ConnectAccount';
      connectionId: string;
      userId: string;
      providerId: string;
      providerSlug: string;
      organizationId: string | null;
      accountId: string | null;
      accountName: string | null;
      scopes: string[];
      expiresAt: string | null;
      now: string;
    }
  | { type: 'RecordRefresh'; scopes: string[]; expiresAt: string | null; now: string }
  | {
      type: 'RevokeConnection';
      reason: 'user' | 'provider_deleted';
      revokedAtProvider: boolean;
      now: string;
    };

export function decideConnection(command: ConnectionCommand, state: ConnectionState): ConnectionEvent[] {
  switch (command.type) {
    case 'ConnectAccount': {
      const { type: _type, now, ...data } = command;
      return [{ type: 'OAuthAccountConnected', data: { ...data, connectedAt: now } }];
    }
    case 'RecordRefresh':
      if (state.status !== 'connected') throw notFound('Connection');
      return [
        {
          type: 'OAuthConnectionRefreshed',
          data: {
            connectionId: state.connectionId,
            userId: state.userId,
            scopes: command.scopes,
            expiresAt: command.expiresAt,
            refreshedAt: command.now,
          },
        },
      ];
    case 'RevokeConnection':
      if (state.status !== 'connected') throw notFound('Connection');
      return [
        {
          type: 'OAuthConnectionRevoked',
          data: {
            connectionId: state.connectionId,
            userId: state.userId,
            providerId: state.providerId,
            reason: command.reason,
            revokedAtProvider: command.revokedAtProvider,
            revokedAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const connectionDecider = {
  streamType: 'oauth_connection',
  initialState: initialConnectionState,
  evolve: evolveConnection,
  decide: decideConnection,
};

// ---- the social account ------------------------------------------------------------------------

export type SocialAccountCommand =
  | {
      type: 'ConnectSocialAccount';
      accountId: string;
      userId: string;
      platformUserId: string;
      platformUsername: string | null;
      maskedToken: string;
      pages: { pageId: string; pageName: string; maskedToken: string }[];
      tokenExpiresAt: string | null;
      now: string;
    }
  | { type: 'DisconnectSocialAccount'; userId: string; now: string };

export function decideSocialAccount(
  command: SocialAccountCommand,
  state: SocialAccountState,
): SocialAccountEvent[] {
  switch (command.type) {
    case 'ConnectSocialAccount': {
      const { type: _type, now, ...data } = command;
      return [{ type: 'SocialAccountConnected', data: { ...data, platform: 'facebook', connectedAt: now } }];
    }
    case 'DisconnectSocialAccount':
      // another user's account is as unknown as one never connected
      if (state.status !== 'connected' || state.userId !== command.userId) throw notFound('Social account');
      return [
        {
          type: 'SocialAccountDisconnected',
          data: {
            accountId: state.accountId,
            userId: state.userId,
            platform: 'facebook',
            disconnectedAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const socialAccountDecider = {
  streamType: 'social_account',
  initialState: initialSocialAccountState,
  evolve: evolveSocialAccount,
  decide: decideSocialAccount,
};
