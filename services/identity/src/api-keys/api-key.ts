import type { ApiKeyCreated, ApiKeyRevoked, EventOf } from '@seren/contracts';

export type ApiKeyEvent = EventOf<[typeof ApiKeyCreated, typeof ApiKeyRevoked]>;

export const apiKeyStream = (apiKeyId: string) => `api-key-${apiKeyId}`;

export type ApiKeyState =
  | { status: 'none' }
  | { status: 'active' | 'revoked'; apiKeyId: string; organizationId: string; userId: string };

export const initialApiKeyState = (): ApiKeyState => ({ status: 'none' });

export function evolveApiKey(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  switch (event.type) {
    case 'ApiKeyCreated':
      return {
        status: 'active',
        apiKeyId: event.data.apiKeyId,
        organizationId: event.data.organizationId,
        userId: event.data.userId,
      };
    case 'ApiKeyRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
