import { defineProjection } from '@seren/event-store';
import type { SessionEvent } from './session.js';

/** `sessions` and `refresh_tokens`: what /internal/authenticate and the session routes read. */
export const sessionsProjection = defineProjection<SessionEvent>({
  name: 'sessions',
  handles: ['SessionStarted', 'SessionRefreshed', 'SessionRevoked'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'SessionStarted': {
        const d = event.data;
        await manager.query(
          `insert into sessions (id, user_id, method, ip_address, user_agent, current_refresh_token_id, created_at, last_active_at, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
          [
            d.sessionId,
            d.userId,
            d.method,
            d.ipAddress,
            d.userAgent,
            d.refreshTokenId,
            d.startedAt,
            d.expiresAt,
          ],
        );
        await manager.query(
          `insert into refresh_tokens (id, session_id, user_id, issued_at, expires_at) values ($1, $2, $3, $4, $5)`,
          [d.refreshTokenId, d.sessionId, d.userId, d.startedAt, d.expiresAt],
        );
        return;
      }
      case 'SessionRefreshed': {
        const d = event.data;
        await manager.query(
          `update sessions set current_refresh_token_id = $2, last_active_at = $3, expires_at = $4 where id = $1`,
          [d.sessionId, d.refreshTokenId, d.refreshedAt, d.expiresAt],
        );
        await manager.query(`update refresh_tokens set spent_at = $2, replaced_by = $3 where id = $1`, [
          d.spentRefreshTokenId,
          d.refreshedAt,
          d.refreshTokenId,
        ]);
        await manager.query(
          `insert into refresh_tokens (id, session_id, user_id, issued_at, expires_at) values ($1, $2, $3, $4, $5)`,
          [d.refreshTokenId, d.sessionId, d.userId, d.refreshedAt, d.expiresAt],
        );
        return;
      }
      case 'SessionRevoked':
        await manager.query(`update sessions set revoked_at = $2, revoke_reason = $3 where id = $1`, [
          event.data.sessionId,
          event.data.revokedAt,
          event.data.reason,
        ]);
        return;
      default:
        return;
    }
  },
});
