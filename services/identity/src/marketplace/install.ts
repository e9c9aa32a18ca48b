import type { EventOf, MarketplaceAppInstalled, MarketplaceAppUninstalled } from '@seren/contracts';
import { createHash } from 'node:crypto';

export type InstallEvent = EventOf<[typeof MarketplaceAppInstalled, typeof MarketplaceAppUninstalled]>;

export type UserType = 'Location' | 'Company';

export const installStream = (installId: string) => `marketplace-install-${installId}`;

/**
 * One install per app and organization: its id is derived from both (UUID-shaped), so two consents
 * racing for the same pair write the same stream and the event store's version check orders them.
 */
export function installIdOf(appId: string, organizationId: string): string {
  const h = createHash('sha256').update(`${appId}\u0000${organizationId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export type InstallState =
  | { status: 'none' }
  | {
      status: 'active' | 'inactive';
      installId: string;
      appId: string;
      organizationId: string;
      companyId: string | null;
      locationId: string | null;
      installType: UserType;
      scopes: string[];
    };

export const initialInstallState = (): InstallState => ({ status: 'none' });

export function evolveInstall(state: InstallState, event: InstallEvent): InstallState {
  switch (event.type) {
    case 'MarketplaceAppInstalled': {
      const d = event.data;
      return {
        status: 'active',
        installId: d.installId,
        appId: d.appId,
        organizationId: d.organizationId,
        companyId: d.companyId,
        locationId: d.locationId,
        installType: d.installType,
        scopes: d.scopes,
      };
    }
    case 'MarketplaceAppUninstalled':
      return state.status === 'none' ? state : { ...state, status: 'inactive' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
