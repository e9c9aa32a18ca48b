import { parseSerebroScopes, safeName } from '@seren/contracts';
import { conflict, notFound, validationError } from '@seren/service-kit/errors';
import { valid } from '../inputs.js';
import { evolveApp, initialAppState, type AppEvent, type AppState, type Distribution } from './app.js';
import {
  evolveInstall,
  initialInstallState,
  type InstallEvent,
  type InstallState,
  type UserType,
} from './install.js';
import { evolvePit, initialPitState, type PitEvent, type PitState } from './pit.js';
import { redirectUri, webhookUrl } from './urls.js';

// ---- input rules (pure) ----------------------------------------------------------------------

const MAX_REDIRECT_URIS = 10;
/** The longest grace a rotated client secret may keep working: 7 days. */
export const MAX_SECRET_GRACE_SECONDS = 7 * 86_400;
/** HighLevel-like: the previous client secret keeps working for 24 hours after a rotation. */
export const DEFAULT_SECRET_GRACE_SECONDS = 86_400;
/** A rotated PIT keeps working for 7 days (the overlap). */
export const PIT_ROTATION_OVERLAP_SECONDS = 7 * 86_400;

const nameInput = safeName();

/** An app's or a PIT's name: 1–100 characters, trimmed, one line, no control or bidi characters. */
export function appName(value: unknown, field = 'name'): string {
  return valid(nameInput, value, field);
}

/** Scope names (canonical or HighLevel's) → canonical, in catalog order; unknown names refused. */
export function scopesOf(value: unknown, field = 'scopes', required = true): string[] {
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string'))
    throw validationError(`${field}: a list of scope names`, { field });
  const { scopes, unknown } = parseSerebroScopes((value as string[]).join(' '));
  if (unknown.length > 0)
    throw validationError(`unknown scope: ${unknown.join(', ')}`, { field, reason: 'INVALID_SCOPE' });
  if (required && scopes.length === 0) throw validationError(`${field}: at least one scope`, { field });
  return scopes;
}

function redirectUrisOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_REDIRECT_URIS)
    throw validationError(`redirectUris: 1 to ${MAX_REDIRECT_URIS} URLs`, { field: 'redirectUris' });
  return [...new Set(value.map((v) => redirectUri(v)))];
}

function distributionOf(value: unknown): Distribution {
  if (value !== 'agency' && value !== 'location')
    throw validationError('distribution: agency or location', { field: 'distribution' });
  return value;
}

function graceOf(value: number | undefined, fallback: number, max: number): number {
  const grace = value ?? fallback;
  if (!Number.isInteger(grace) || grace < 0 || grace > max)
    throw validationError(`grace: 0 to ${max} seconds`, { field: 'graceSeconds' });
  return grace;
}

const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

// ---- marketplace app -------------------------------------------------------------------------

export interface AppInput {
  name?: unknown;
  redirectUris?: unknown;
  scopes?: unknown;
  distribution?: unknown;
  webhookUrl?: unknown;
}

export type AppCommand =
  | {
      type: 'RegisterApp';
      appId: string;
      organizationId: string;
      clientId: string;
      secretId: string;
      input: AppInput;
      allowHttpWebhooks: boolean;
      by: string | null;
      now: string;
    }
  | { type: 'UpdateApp'; input: AppInput; allowHttpWebhooks: boolean; by: string | null; now: string }
  | { type: 'RotateAppSecret'; secretId: string; graceSeconds?: number; by: string | null; now: string }
  | { type: 'DeleteApp'; by: string | null; now: string };

function liveApp(state: AppState) {
  if (state.status !== 'active') throw notFound('app');
  return state;
}

export function decideApp(command: AppCommand, state: AppState): AppEvent[] {
  switch (command.type) {
    case 'RegisterApp': {
      if (state.status !== 'none') throw conflict('app already exists');
      const { input } = command;
      const hook = input.webhookUrl ?? null;
      return [
        {
          type: 'MarketplaceAppRegistered',
          data: {
            appId: command.appId,
            organizationId: command.organizationId,
            clientId: command.clientId,
            name: appName(input.name),
            redirectUris: redirectUrisOf(input.redirectUris),
            scopes: scopesOf(input.scopes),
            distribution: distributionOf(input.distribution),
            webhookUrl: hook === null ? null : webhookUrl(hook, command.allowHttpWebhooks),
            secretId: command.secretId,
            registeredBy: command.by,
            registeredAt: command.now,
          },
        },
      ];
    }
    case 'UpdateApp': {
      const app = liveApp(state);
      const { input } = command;
      const data: Extract<AppEvent, { type: 'MarketplaceAppUpdated' }>['data'] = {
        appId: app.appId,
        organizationId: app.organizationId,
        updatedBy: command.by,
        updatedAt: command.now,
      };
      if (input.name !== undefined) data.name = appName(input.name);
      if (input.redirectUris !== undefined) data.redirectUris = redirectUrisOf(input.redirectUris);
      if (input.scopes !== undefined) data.scopes = scopesOf(input.scopes);
      if (input.distribution !== undefined) data.distribution = distributionOf(input.distribution);
      if (input.webhookUrl !== undefined)
        data.webhookUrl =
          input.webhookUrl === null ? null : webhookUrl(input.webhookUrl, command.allowHttpWebhooks);
      const same =
        (data.name === undefined || data.name === app.name) &&
        (data.redirectUris === undefined || data.redirectUris.join(' ') === app.redirectUris.join(' ')) &&
        (data.scopes === undefined || data.scopes.join(' ') === app.scopes.join(' ')) &&
        (data.distribution === undefined || data.distribution === app.distribution) &&
        (data.webhookUrl === undefined || data.webhookUrl === app.webhookUrl);
      return same ? [] : [{ type: 'MarketplaceAppUpdated', data }];
    }
    case 'RotateAppSecret': {
      const app = liveApp(state);
      const grace = graceOf(command.graceSeconds, DEFAULT_SECRET_GRACE_SECONDS, MAX_SECRET_GRACE_SECONDS);
      return [
        {
          type: 'MarketplaceAppSecretRotated',
          data: {
            appId: app.appId,
            organizationId: app.organizationId,
            secretId: command.secretId,
            previousSecretId: app.secretId,
            previousSecretExpiresAt: plus(command.now, grace),
            rotatedBy: command.by,
            rotatedAt: command.now,
          },
        },
      ];
    }
    case 'DeleteApp': {
      if (state.status === 'none') throw notFound('app');
      if (state.status === 'deleted') return [];
      return [
        {
          type: 'MarketplaceAppDeleted',
          data: {
            appId: state.appId,
            organizationId: state.organizationId,
            deletedBy: command.by,
            deletedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const appDecider = {
  streamType: 'marketplace_app',
  initialState: initialAppState,
  evolve: evolveApp,
  decide: decideApp,
};

// ---- install ---------------------------------------------------------------------------------

export type InstallCommand =
  | {
      type: 'Install';
      installId: string;
      appId: string;
      clientId: string;
      /** the app's own scopes: an install never holds more */
      appScopes: string[];
      appDistribution: Distribution;
      /** the app's webhook URL now: INSTALL is delivered there */
      appWebhookUrl: string | null;
      organizationId: string;
      companyId: string | null;
      locationId: string | null;
      companyName?: string;
      userId: string;
      userType: UserType;
      scopes: string[];
      now: string;
    }
  | {
      type: 'Uninstall';
      reason: 'uninstalled' | 'app_deleted';
      by: string | null;
      /** the app's webhook URL now: UNINSTALL is delivered there */
      appWebhookUrl: string | null;
      now: string;
    };

export function decideInstall(command: InstallCommand, state: InstallState): InstallEvent[] {
  switch (command.type) {
    case 'Install': {
      const scopes = scopesOf(command.scopes);
      const beyond = scopes.filter((s) => !command.appScopes.includes(s));
      if (beyond.length > 0)
        throw validationError(`the app did not request ${beyond.join(', ')}`, {
          field: 'scopes',
          reason: 'INVALID_SCOPE',
        });
      if (command.userType === 'Company' && command.appDistribution !== 'agency')
        throw validationError('a location app cannot be installed on an agency', {
          field: 'userType',
          reason: 'DISTRIBUTION',
        });
      if (command.userType === 'Location' ? !command.locationId : command.locationId !== null)
        throw validationError('userType does not match the organization', { field: 'userType' });
      // re-consent with the same scopes on an active install: nothing new happened
      if (state.status === 'active' && state.scopes.join(' ') === scopes.join(' ')) return [];
      return [
        {
          type: 'MarketplaceAppInstalled',
          data: {
            type: 'INSTALL',
            installId: command.installId,
            appId: command.appId,
            clientId: command.clientId,
            organizationId: command.organizationId,
            companyId: command.companyId,
            locationId: command.locationId,
            userId: command.userId,
            installType: command.userType,
            scopes,
            ...(command.companyName !== undefined && { companyName: command.companyName }),
            webhookUrl: command.appWebhookUrl,
            timestamp: command.now,
          },
        },
      ];
    }
    case 'Uninstall': {
      if (state.status === 'none') throw notFound('install');
      if (state.status === 'inactive') return [];
      return [
        {
          type: 'MarketplaceAppUninstalled',
          data: {
            type: 'UNINSTALL',
            installId: state.installId,
            appId: state.appId,
            organizationId: state.organizationId,
            companyId: state.companyId,
            locationId: state.locationId,
            installType: state.installType,
            reason: command.reason,
            uninstalledBy: command.by,
            webhookUrl: command.appWebhookUrl,
            timestamp: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const installDecider = {
  streamType: 'marketplace_install',
  initialState: initialInstallState,
  evolve: evolveInstall,
  decide: decideInstall,
};

// ---- private integration token -----------------------------------------------------------------

export type PitCommand =
  | {
      type: 'CreatePit';
      pitId: string;
      organizationId: string;
      userType: UserType;
      name: unknown;
      scopes: unknown;
      secretId: string;
      by: string;
      now: string;
    }
  | { type: 'RotatePit'; secretId: string; overlapSeconds?: number; by: string | null; now: string }
  | { type: 'RevokePit'; by: string | null; now: string };

export function decidePit(command: PitCommand, state: PitState): PitEvent[] {
  switch (command.type) {
    case 'CreatePit':
      if (state.status !== 'none') throw conflict('private integration already exists');
      return [
        {
          type: 'PrivateIntegrationTokenCreated',
          data: {
            pitId: command.pitId,
            organizationId: command.organizationId,
            userType: command.userType,
            name: appName(command.name),
            scopes: scopesOf(command.scopes),
            secretId: command.secretId,
            createdBy: command.by,
            createdAt: command.now,
          },
        },
      ];
    case 'RotatePit': {
      if (state.status !== 'active') throw notFound('private integration');
      const overlap = graceOf(
        command.overlapSeconds,
        PIT_ROTATION_OVERLAP_SECONDS,
        PIT_ROTATION_OVERLAP_SECONDS,
      );
      return [
        {
          type: 'PrivateIntegrationTokenRotated',
          data: {
            pitId: state.pitId,
            organizationId: state.organizationId,
            secretId: command.secretId,
            previousSecretId: state.secretId,
            previousSecretExpiresAt: plus(command.now, overlap),
            rotatedBy: command.by,
            rotatedAt: command.now,
          },
        },
      ];
    }
    case 'RevokePit':
      if (state.status === 'none') throw notFound('private integration');
      if (state.status === 'revoked') return [];
      return [
        {
          type: 'PrivateIntegrationTokenRevoked',
          data: {
            pitId: state.pitId,
            organizationId: state.organizationId,
            revokedBy: command.by,
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

export const pitDecider = {
  streamType: 'private_integration',
  initialState: initialPitState,
  evolve: evolvePit,
  decide: decidePit,
};
