import type {
  EventOf,
  OAuthProviderCreated,
  OAuthProviderDeleted,
  OAuthProviderUpdated,
} from '@seren/contracts';

export type ProviderEvent = EventOf<
  [typeof OAuthProviderCreated, typeof OAuthProviderUpdated, typeof OAuthProviderDeleted]
>;

export const providerStream = (providerId: string) => `oauth-provider-${providerId}`;

/** What an OAuth provider is, global (configuration) or an organization's (events). Never its secret. */
export interface ProviderSettings {
  slug: string;
  name: string;
  description: string | null;
  logoUrl: string | null;
  /** for discovery (RFC 8414 / OpenID Connect); the endpoints below override what it finds */
  issuer: string | null;
  /** null when discovery (the issuer) names it */
  authorizationUrl: string | null;
  tokenUrl: string | null;
  revocationUrl: string | null;
  userinfoUrl: string | null;
  scopes: string[];
  pkceRequired: boolean;
  customAuthParams: Record<string, string>;
  clientId: string;
  isActive: boolean;
}

export type ProviderState =
  | { status: 'none' }
  | ({ status: 'active' | 'deleted'; providerId: string; organizationId: string } & ProviderSettings);

export const initialProviderState = (): ProviderState => ({ status: 'none' });

const settingsOf = (d: ProviderSettings): ProviderSettings => ({
  slug: d.slug,
  name: d.name,
  description: d.description,
  logoUrl: d.logoUrl,
  issuer: d.issuer,
  authorizationUrl: d.authorizationUrl,
  tokenUrl: d.tokenUrl,
  revocationUrl: d.revocationUrl,
  userinfoUrl: d.userinfoUrl,
  scopes: d.scopes,
  pkceRequired: d.pkceRequired,
  customAuthParams: d.customAuthParams,
  clientId: d.clientId,
  isActive: d.isActive,
});

export function evolveProvider(state: ProviderState, event: ProviderEvent): ProviderState {
  switch (event.type) {
    case 'OAuthProviderCreated':
    case 'OAuthProviderUpdated':
      return {
        status: 'active',
        providerId: event.data.providerId,
        organizationId: event.data.organizationId,
        ...settingsOf(event.data),
      };
    case 'OAuthProviderDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
