import { defineProjection } from '@seren/event-store';
import type { UserEvent } from './user.js';

/** `users`: the profile as queries read it. */
export const usersProjection = defineProjection<UserEvent>({
  name: 'users',
  handles: [
    'UserRegistered',
    'UserProfileUpdated',
    'UserEmailVerified',
    'RecoveryCodeIssued',
    'RecoveryEmailChanged',
  ],
  async apply(event, { manager }) {
    const at = event.recordedAt;
    switch (event.type) {
      case 'UserRegistered': {
        const d = event.data;
        await manager.query(
          `insert into users (id, kind, email, name, personal_organization_id, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $6)`,
          [d.userId, d.kind, d.email, d.name, d.personalOrganizationId, d.registeredAt],
        );
        return;
      }
      case 'UserProfileUpdated': {
        const d = event.data;
        await manager.query(
          `update users set name = coalesce($2, name), email = coalesce($3, email), email_verified = $4, updated_at = $5 where id = $1`,
          [d.userId, d.name ?? null, d.email ?? null, d.emailVerified, d.updatedAt],
        );
        return;
      }
      case 'UserEmailVerified':
        await manager.query(
          `update users set email = $3, email_verified = true, updated_at = $2 where id = $1`,
          [event.data.userId, event.data.verifiedAt, event.data.email],
        );
        return;
      case 'RecoveryCodeIssued':
        await manager.query(`update users set has_recovery_code = true, updated_at = $2 where id = $1`, [
          event.data.userId,
          at,
        ]);
        return;
      case 'RecoveryEmailChanged':
        await manager.query(`update users set recovery_email = $2, updated_at = $3 where id = $1`, [
          event.data.userId,
          event.data.email,
          at,
        ]);
        return;
      default:
        return;
    }
  },
});
