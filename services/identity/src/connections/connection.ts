import type {
  EventOf,
  OAuthAccountConnected,
  OAuthConnectionRefreshed,
  OAuthConnectionRevoked,
  SocialAccountConnected,
  SocialAccountDisconnected,
} from '@seren/contracts';

export type ConnectionEvent = EventOf<
  [typeof OAuthAccountConnected, typeof OAuthConnectionRefreshed, typeof OAuthConnectionRevoked]
>;
export type SocialAccountEvent = EventOf<[typeof SocialAccountConnected, typeof SocialAccountDisconnected]>;

export const connectionStream = (connectionId: string) => `oauth-connection-${connectionId}`;
export const socialAccountStream = (accountId: string) => `social-account-${accountId}`;

export type ConnectionState =
  | { status: 'none' }
  | { status: 'connected' | 'revoked'; connectionId: string; userId: string; providerId: string };

export const initialConnectionState = (): ConnectionState => ({ status: 'none' });

export function evolveConnection(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  switch (event.type) {
    case 'OAuthAccountConnected':
      return {
        status: 'connected',
        connectionId: event.data.connectionId,
        userId: event.data.userId,
        providerId: event.data.providerId,
      };
    case 'OAuthConnectionRefreshed':
      return state;
    case 'OAuthConnectionRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export type SocialAccountState =
  { status: 'none' } | { status: 'connected' | 'disconnected'; accountId: string; userId: string };

export const initialSocialAccountState = (): SocialAccountState => ({ status: 'none' });

export function evolveSocialAccount(
  state: SocialAccountState,
  event: SocialAccountEvent,
): SocialAccountState {
  switch (event.type) {
    case 'SocialAccountConnected':
      return { status: 'connected', accountId: event.data.accountId, userId: event.data.userId };
    case 'SocialAccountDisconnected':
      return state.status === 'none' ? state : { ...state, status: 'disconnected' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
