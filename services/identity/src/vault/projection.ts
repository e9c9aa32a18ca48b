import { defineProjection } from '@seren/event-store';
import type { VaultEvent } from './credential.js';

/** `vault_credentials` (name, kind, masked value; the sealed value lives in `vault_sealed`, never in events). */
export const vaultProjection = defineProjection<VaultEvent>({
  name: 'vault_credentials',
  handles: ['VaultCredentialSealed', 'VaultCredentialDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'VaultCredentialSealed': {
        const d = event.data;
        await manager.query(
          `insert into vault_credentials (id, organization_id, name, kind, masked, created_by, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $7)
           on conflict (id) do update set name = excluded.name, kind = excluded.kind, masked = excluded.masked,
             updated_at = excluded.updated_at`,
          [d.credentialId, d.organizationId, d.name, d.kind, d.masked, d.sealedBy, d.sealedAt],
        );
        return;
      }
      case 'VaultCredentialDeleted':
        await manager.query(`delete from vault_credentials where id = $1`, [event.data.credentialId]);
        return;
      default:
        return;
    }
  },
});
