import type { EventOf, SessionRefreshed, SessionRevoked, SessionStarted } from '@seren/contracts';

export type SessionEvent = EventOf<[typeof SessionStarted, typeof SessionRefreshed, typeof SessionRevoked]>;

export const sessionStream = (sessionId: string) => `session-${sessionId}`;

export type SessionState =
  | { status: 'none' }
  | {
      status: 'active' | 'revoked';
      sessionId: string;
      userId: string;
      /** the one refresh token of the family that may be spent next */
      currentRefreshTokenId: string;
      /** every token of the family already spent: presenting one again means it leaked */
      spentRefreshTokenIds: string[];
      expiresAt: string;
    };

export const initialSessionState = (): SessionState => ({ status: 'none' });

export function evolveSession(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted':
      return {
        status: 'active',
        sessionId: event.data.sessionId,
        userId: event.data.userId,
        currentRefreshTokenId: event.data.refreshTokenId,
        spentRefreshTokenIds: [],
        expiresAt: event.data.expiresAt,
      };
    case 'SessionRefreshed':
      if (state.status === 'none') return state;
      return {
        ...state,
        currentRefreshTokenId: event.data.refreshTokenId,
        spentRefreshTokenIds: [...state.spentRefreshTokenIds, event.data.spentRefreshTokenId],
        expiresAt: event.data.expiresAt,
      };
    case 'SessionRevoked':
      if (state.status === 'none') return state;
      return { ...state, status: 'revoked' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
