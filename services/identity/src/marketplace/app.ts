import type {
  EventOf,
  MarketplaceAppDeleted,
  MarketplaceAppRegistered,
  MarketplaceAppSecretRotated,
  MarketplaceAppUpdated,
} from '@seren/contracts';

export type AppEvent = EventOf<
  [
    typeof MarketplaceAppRegistered,
    typeof MarketplaceAppUpdated,
    typeof MarketplaceAppSecretRotated,
    typeof MarketplaceAppDeleted,
  ]
>;

export const appStream = (appId: string) => `marketplace-app-${appId}`;

export type Distribution = 'agency' | 'location';

export type AppState =
  | { status: 'none' }
  | {
      status: 'active' | 'deleted';
      appId: string;
      organizationId: string;
      clientId: string;
      name: string;
      redirectUris: string[];
      scopes: string[];
      distribution: Distribution;
      webhookUrl: string | null;
      secretId: string;
    };

export const initialAppState = (): AppState => ({ status: 'none' });

export function evolveApp(state: AppState, event: AppEvent): AppState {
  switch (event.type) {
    case 'MarketplaceAppRegistered': {
      const d = event.data;
      return {
        status: 'active',
        appId: d.appId,
        organizationId: d.organizationId,
        clientId: d.clientId,
        name: d.name,
        redirectUris: d.redirectUris,
        scopes: d.scopes,
        distribution: d.distribution,
        webhookUrl: d.webhookUrl,
        secretId: d.secretId,
      };
    }
    case 'MarketplaceAppUpdated': {
      if (state.status === 'none') return state;
      const { name, redirectUris, scopes, distribution, webhookUrl } = event.data;
      return {
        ...state,
        ...(name !== undefined && { name }),
        ...(redirectUris !== undefined && { redirectUris }),
        ...(scopes !== undefined && { scopes }),
        ...(distribution !== undefined && { distribution }),
        ...(webhookUrl !== undefined && { webhookUrl }),
      };
    }
    case 'MarketplaceAppSecretRotated':
      return state.status === 'none' ? state : { ...state, secretId: event.data.secretId };
    case 'MarketplaceAppDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
