import { DomainError, conflict, notFound } from '@seren/service-kit/errors';
import type { SessionRevoked } from '@seren/contracts';
import type { z } from 'zod';
import { evolveSession, initialSessionState, type SessionEvent, type SessionState } from './session.js';

export type RevokeReason = z.infer<typeof SessionRevoked.schema>['reason'];

export type SessionCommand =
  | {
      type: 'StartSession';
      sessionId: string;
      userId: string;
      method: 'password' | 'email_verification';
      ipAddress: string | null;
      userAgent: string | null;
      refreshTokenId: string;
      now: string;
      expiresAt: string;
    }
  | {
      type: 'RefreshSession';
      presentedRefreshTokenId: string;
      newRefreshTokenId: string;
      now: string;
      expiresAt: string;
    }
  | { type: 'RevokeSession'; reason: RevokeReason; now: string };

export const tokenInvalid = (message = 'invalid refresh token') =>
  new DomainError('UNAUTHENTICATED', message, { reason: 'TOKEN_INVALID' });
export const tokenExpired = (message = 'refresh token expired') =>
  new DomainError('UNAUTHENTICATED', message, { reason: 'TOKEN_EXPIRED' });

export function decideSession(command: SessionCommand, state: SessionState): SessionEvent[] {
  if (command.type === 'StartSession') {
    if (state.status !== 'none') throw conflict('session already exists');
    const { type: _type, now, ...data } = command;
    return [{ type: 'SessionStarted', data: { ...data, startedAt: now } }];
  }
  if (state.status === 'none') throw notFound('session');
  const { sessionId, userId } = state;

  switch (command.type) {
    case 'RefreshSession': {
      if (state.status === 'revoked') throw tokenInvalid('session revoked');
      if (state.expiresAt <= command.now) throw tokenExpired();
      if (command.presentedRefreshTokenId === state.currentRefreshTokenId) {
        return [
          {
            type: 'SessionRefreshed',
            data: {
              sessionId,
              userId,
              spentRefreshTokenId: state.currentRefreshTokenId,
              refreshTokenId: command.newRefreshTokenId,
              refreshedAt: command.now,
              expiresAt: command.expiresAt,
            },
          },
        ];
      }
      // A spent token came back: it leaked (or a client raced itself). Either way the family is
      // no longer trustworthy, so the whole session ends; the caller reports 401 after committing.
      if (state.spentRefreshTokenIds.includes(command.presentedRefreshTokenId)) {
        return [
          {
            type: 'SessionRevoked',
            data: { sessionId, userId, reason: 'refresh_token_reused', revokedAt: command.now },
          },
        ];
      }
      throw tokenInvalid();
    }
    case 'RevokeSession':
      if (state.status === 'revoked') return [];
      return [
        {
          type: 'SessionRevoked',
          data: { sessionId, userId, reason: command.reason, revokedAt: command.now },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const sessionDecider = {
  streamType: 'session',
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};
