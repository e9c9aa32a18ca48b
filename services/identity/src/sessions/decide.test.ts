import { specOf } from '@seren/testing';
import { sessionDecider } from './decide';
import type { SessionEvent } from './session';

const given = specOf(sessionDecider);
const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T01:00:00.000Z';
const LATER = '2025-03-01T00:00:00.000Z';

const started: SessionEvent = {
  type: 'SessionStarted',
  data: {
    sessionId: 's1',
    userId: 'u1',
    method: 'password',
    ipAddress: '10.0.0.1',
    userAgent: 'test',
    refreshTokenId: 'r1',
    startedAt: T0,
    expiresAt: '2025-01-31T00:00:00.000Z',
  },
};
const refreshed: SessionEvent = {
  type: 'SessionRefreshed',
  data: {
    sessionId: 's1',
    userId: 'u1',
    spentRefreshTokenId: 'r1',
    refreshTokenId: 'r2',
    refreshedAt: T1,
    expiresAt: '2025-01-31T01:00:00.000Z',
  },
};

describe('session decider', () => {
  it('starts a session with the first refresh token of its family', () =>
    given([])
      .when({
        type: 'StartSession',
        sessionId: 's1',
        userId: 'u1',
        method: 'password',
        ipAddress: '10.0.0.1',
        userAgent: 'test',
        refreshTokenId: 'r1',
        now: T0,
        expiresAt: '2025-01-31T00:00:00.000Z',
      })
      .then([started]));

  it('rotates the current refresh token', () =>
    given([started])
      .when({
        type: 'RefreshSession',
        presentedRefreshTokenId: 'r1',
        newRefreshTokenId: 'r2',
        now: T1,
        expiresAt: '2025-01-31T01:00:00.000Z',
      })
      .then([refreshed]));

  it('revokes the whole family when a spent refresh token comes back', () =>
    given([started, refreshed])
      .when({
        type: 'RefreshSession',
        presentedRefreshTokenId: 'r1',
        newRefreshTokenId: 'r3',
        now: T1,
        expiresAt: LATER,
      })
      .then([
        {
          type: 'SessionRevoked',
          data: { sessionId: 's1', userId: 'u1', reason: 'refresh_token_reused', revokedAt: T1 },
        },
      ]));

  it('refuses a token it never issued', () =>
    given([started])
      .when({
        type: 'RefreshSession',
        presentedRefreshTokenId: 'rX',
        newRefreshTokenId: 'r2',
        now: T1,
        expiresAt: LATER,
      })
      .thenThrows({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' }));

  it('refuses to refresh a revoked or expired session', () => {
    const revoked: SessionEvent = {
      type: 'SessionRevoked',
      data: { sessionId: 's1', userId: 'u1', reason: 'revoked', revokedAt: T1 },
    };
    given([started, revoked])
      .when({
        type: 'RefreshSession',
        presentedRefreshTokenId: 'r1',
        newRefreshTokenId: 'r2',
        now: T1,
        expiresAt: LATER,
      })
      .thenThrows({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    given([started])
      .when({
        type: 'RefreshSession',
        presentedRefreshTokenId: 'r1',
        newRefreshTokenId: 'r2',
        now: LATER,
        expiresAt: LATER,
      })
      .thenThrows({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
  });

  it('revoking twice records one revocation', () => {
    given([started])
      .when({ type: 'RevokeSession', reason: 'revoked', now: T1 })
      .then([
        { type: 'SessionRevoked', data: { sessionId: 's1', userId: 'u1', reason: 'revoked', revokedAt: T1 } },
      ]);
    given([
      started,
      { type: 'SessionRevoked', data: { sessionId: 's1', userId: 'u1', reason: 'revoked', revokedAt: T1 } },
    ])
      .when({ type: 'RevokeSession', reason: 'revoked_all', now: T1 })
      .thenNothing();
  });
});
