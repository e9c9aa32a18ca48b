import { defineProjection } from '@seren/event-store';
import type { ApiKeyEvent } from './api-key.js';

/** `api_keys` (never the secret; its hash lives in `credentials`). `last_used_at` is written by the authenticator. */
export const apiKeysProjection = defineProjection<ApiKeyEvent>({
  name: 'api_keys',
  handles: ['ApiKeyCreated', 'ApiKeyRevoked'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'ApiKeyCreated': {
        const d = event.data;
        await manager.query(
          `insert into api_keys (id, organization_id, user_id, role_id, name, prefix, created_by, created_at, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            d.apiKeyId,
            d.organizationId,
            d.userId,
            d.roleId,
            d.name,
            d.prefix,
            d.createdBy,
            d.createdAt,
            d.expiresAt,
          ],
        );
        return;
      }
      case 'ApiKeyRevoked':
        await manager.query(`update api_keys set revoked_at = $2, revoke_reason = $3 where id = $1`, [
          event.data.apiKeyId,
          event.data.revokedAt,
          event.data.reason,
        ]);
        return;
      default:
        return;
    }
  },
});
