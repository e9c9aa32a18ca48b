import { defineProjection } from '@seren/event-store';
import type { CredentialEvent } from './credential.js';

/**
 * `credentials`: each location's credentials as listed (name, kind, masked values, version). The
 * sealed secrets live in `credential_secrets`, written by the service in the same transaction, never
 * by a projection (events carry no secret).
 */
export const credentialsProjection = defineProjection<CredentialEvent>({
  name: 'credentials',
  handles: ['CredentialCreated', 'CredentialRotated', 'CredentialDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'CredentialCreated': {
        const d = event.data;
        await manager.query(
          `insert into credentials (id, location_id, name, kind, masked_values, version, created_at, updated_at)
           values ($1, $2, $3, $4, $5, 1, $6, $6)`,
          [d.credentialId, d.locationId, d.name, d.kind, JSON.stringify(d.values), d.createdAt],
        );
        return;
      }
      case 'CredentialRotated': {
        const d = event.data;
        await manager.query(
          `update credentials set masked_values = $2, version = $3, rotated_at = $4, updated_at = $4 where id = $1`,
          [d.credentialId, JSON.stringify(d.values), d.version, d.rotatedAt],
        );
        return;
      }
      case 'CredentialDeleted':
        await manager.query(`delete from credentials where id = $1`, [event.data.credentialId]);
        await manager.query(`delete from credential_secrets where credential_id = $1`, [
          event.data.credentialId,
        ]);
        return;
      default:
        return;
    }
  },
});
