import type { ApplicationContext } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { verificationRecordName, verificationRecordValue, type DomainLevel } from './domain.js';

export interface BrandedDomainView {
  organizationId: string;
  level: DomainLevel;
  domain: string;
  verified: boolean;
  verifiedAt: string | null;
  /** the TXT record the owner publishes to verify the domain */
  verification: { recordType: 'TXT'; name: string; value: string };
  createdAt: string;
  updatedAt: string;
}

interface BrandedDomainRow {
  organization_id: string;
  level: DomainLevel;
  domain: string;
  verification_token: string;
  verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: BrandedDomainRow): BrandedDomainView => ({
  organizationId: row.organization_id,
  level: row.level,
  domain: row.domain,
  verified: row.verified_at !== null,
  verifiedAt: row.verified_at?.toISOString() ?? null,
  verification: {
    recordType: 'TXT',
    name: verificationRecordName(row.domain),
    value: verificationRecordValue(row.verification_token),
  },
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The agency's or location's own branded domain (verified or not), or undefined. */
export async function domainOf(app: ApplicationContext, organizationId: string): Promise<BrandedDomainView | undefined> {
  const rows: BrandedDomainRow[] = await app.dataSource.query(
    `select * from branded_domains where organization_id = $1`,
    [organizationId],
  );
  return rows[0] && toView(rows[0]);
}

/** The organization that verified `domain`, if one did. */
export async function verifiedOwnerOf(app: ApplicationContext, domain: string): Promise<string | undefined> {
  const rows: Array<{ organization_id: string }> = await app.dataSource.query(
    `select organization_id from branded_domains where domain = $1 and verified_at is not null`,
    [domain],
  );
  return rows[0]?.organization_id;
}

/** The agency a location belongs to, as identity's OrganizationCreated said (undefined when not known). */
export async function agencyOf(app: ApplicationContext, organizationId: string): Promise<string | undefined> {
  const rows: Array<{ parent_id: string | null }> = await app.dataSource.query(
    `select parent_id from organizations where id = $1 and kind = 'location'`,
    [organizationId],
  );
  return rows[0]?.parent_id ?? undefined;
}

export interface LocationBranding {
  locationId: string;
  /** the verified domain generated links carry; null: the default URL */
  domain: string | null;
  /** whose domain it is: the location's own, its agency's, or none (the default) */
  source: 'location' | 'agency' | 'default';
  /** `https://<domain>`, or SEREBRO_PUBLIC_URL; no trailing slash */
  baseUrl: string;
}

/** The location's effective branding: its verified domain, else its agency's verified domain, else the default. */
export async function brandingOf(crm: Crm, locationId: string): Promise<LocationBranding> {
  const rows: Array<{ domain: string; own: boolean }> = await crm.dataSource.query(
    `select domain, organization_id = $1 as own from branded_domains
      where verified_at is not null
        and (organization_id = $1
             or organization_id = (select parent_id from organizations where id = $1 and kind = 'location'))
      order by (organization_id = $1) desc
      limit 1`,
    [locationId],
  );
  const found = rows[0];
  if (!found)
    return { locationId, domain: null, source: 'default', baseUrl: crm.settings.domains.publicUrl };
  return {
    locationId,
    domain: found.domain,
    source: found.own ? 'location' : 'agency',
    baseUrl: `https://${found.domain}`,
  };
}

/**
 * The base URL of everything Serebro generates for a location (inbound-webhook trigger URLs,
 * payment return and provider webhook URLs, form endpoints): `https://<its verified domain>`, else
 * `https://<its agency's verified domain>`, else SEREBRO_PUBLIC_URL. No trailing slash: append
 * paths as `${base}/v2/...`. Branded domains are always https (TLS ends at the owner's CDN or
 * load balancer in front of the gateway).
 */
export async function brandedBaseUrl(crm: Crm, locationId: string): Promise<string> {
  return (await brandingOf(crm, locationId)).baseUrl;
}

export interface BrandedHostView {
  domain: string;
  organizationId: string;
  level: DomainLevel;
}

/** What a verified host is (the gateway's Host routing); unverified and unknown hosts: undefined. */
export async function brandedHost(app: ApplicationContext, host: string): Promise<BrandedHostView | undefined> {
  const rows: Array<{ domain: string; organization_id: string; level: DomainLevel }> = await app.dataSource.query(
    `select domain, organization_id, level from branded_domains where domain = $1 and verified_at is not null`,
    [host],
  );
  const row = rows[0];
  return row && { domain: row.domain, organizationId: row.organization_id, level: row.level };
}

/**
 * Whether a verified host serves requests acting in `organizationId`: a location's host only that
 * location; an agency's host the agency itself and each of its locations.
 */
export async function hostServes(app: ApplicationContext, host: BrandedHostView, organizationId: string) {
  if (organizationId === host.organizationId) return true;
  if (host.level === 'location') return false;
  return (await agencyOf(app, organizationId)) === host.organizationId;
}
