import { defineProjection } from '@seren/event-store';
import type { BrandedDomainEvent } from './domain.js';

/** `branded_domains`: what host resolution and brandedBaseUrl read, in each append's transaction. */
export const brandedDomainsProjection = defineProjection<BrandedDomainEvent>({
  name: 'branded_domains',
  handles: ['BrandedDomainConfigured', 'BrandedDomainVerified', 'BrandedDomainRemoved'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'BrandedDomainConfigured': {
        const d = event.data;
        await manager.query(
          `insert into branded_domains (organization_id, level, domain, verification_token, verified_at, created_at, updated_at)
           values ($1, $2, $3, $4, null, $5, $5)
           on conflict (organization_id) do update
             set level = $2, domain = $3, verification_token = $4, verified_at = null, updated_at = $5`,
          [d.organizationId, d.level, d.domain, d.verificationToken, d.configuredAt],
        );
        return;
      }
      case 'BrandedDomainVerified':
        // a domain another organization verified first fails this statement (branded_domains_verified)
        await manager.query(
          `update branded_domains set verified_at = $2, updated_at = $2 where organization_id = $1`,
          [event.data.organizationId, event.data.verifiedAt],
        );
        return;
      case 'BrandedDomainRemoved':
        await manager.query(`delete from branded_domains where organization_id = $1`, [event.data.organizationId]);
        return;
      default:
        return;
    }
  },
});
