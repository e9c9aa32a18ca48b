import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { eventMetadataOf, handle, requireAuthenticated, uniquely, type RequestOrigin } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { locationOf } from '../locations.js';
import { brandedDomainDecider, domainErrors } from './decide.js';
import { DnsUnavailable } from './dns.js';
import { brandedDomainStream, normalizeDomain, verificationRecordName, type DomainLevel } from './domain.js';
import { brandingOf, domainOf, verifiedOwnerOf, type BrandedDomainView, type LocationBranding } from './queries.js';

/** Whose domain a request manages: an agency (HighLevel's company) or a location, by its id. */
export interface DomainOwner {
  level: DomainLevel;
  organizationId: string;
}

/**
 * The agency a request may manage the business-level domain of: an agency credential's own agency
 * (HighLevel's `companyId`), whether or not it also named a location; a user's session acting in
 * that agency. A location credential manages only its location's domain: 403 AGENCY_REQUIRED.
 * Another agency's id answers 404, as another location's records do.
 */
export function agencyOwnerOf(request: RequestOrigin, companyId: string): DomainOwner {
  const { caller } = request;
  requireAuthenticated(caller);
  if (caller.authClass === 'Location')
    throw domainErrors.forbidden("a location credential cannot manage its agency's domain", {
      reason: 'AGENCY_REQUIRED',
    });
  const agency = caller.authClass === 'Company' ? (caller.resourceId ?? caller.organizationId) : caller.organizationId;
  if (!agency || agency !== companyId) throw domainErrors.notFound('agency');
  return { level: 'agency', organizationId: companyId };
}

/** The location a request manages the domain of: the one it acts in (the edge resolved `locationId`). */
export function locationOwnerOf(request: RequestOrigin, locationId: string): DomainOwner {
  if (locationOf(request) !== locationId) throw domainErrors.notFound('location');
  return { level: 'location', organizationId: locationId };
}

export async function getBrandedDomain(crm: Crm, owner: DomainOwner): Promise<BrandedDomainView | undefined> {
  return domainOf(crm, owner.organizationId);
}

const taken = (domain: string) =>
  domainErrors.conflict(`${domain} is already verified by another agency or location`, { reason: 'DOMAIN_TAKEN' });

/**
 * Sets (or replaces) the owner's domain; it stays unverified, and unused, until its TXT record is
 * verified. The same domain again keeps its token and verification. A domain another organization
 * verified is 409 DOMAIN_TAKEN.
 */
export async function setBrandedDomain(
  crm: Crm,
  request: RequestOrigin,
  owner: DomainOwner,
  domain: string,
): Promise<BrandedDomainView> {
  const normal = normalizeDomain(domain);
  if ('domain' in normal) {
    const holder = await verifiedOwnerOf(crm, normal.domain);
    if (holder && holder !== owner.organizationId) throw taken(normal.domain);
  }
  await handle(
    crm,
    undefined,
    brandedDomainStream(owner.organizationId),
    brandedDomainDecider,
    {
      type: 'SetBrandedDomain',
      organizationId: owner.organizationId,
      level: owner.level,
      domain,
      verificationToken: randomBytes(16).toString('hex'),
      now: crm.now().toISOString(),
    },
    eventMetadataOf(request, { organizationId: owner.organizationId }),
  );
  return (await domainOf(crm, owner.organizationId))!;
}

/**
 * Looks the owner's TXT record up (`_serebro-verify.<domain>`, through DNS_SERVERS) and, when it
 * holds `serebro-verify=<token>`, verifies the domain. Not found: 400 DOMAIN_NOT_VERIFIED (nothing
 * changes; publish the record and try again). DNS not answering: 503 DNS_UNAVAILABLE.
 */
export async function verifyBrandedDomain(
  crm: Crm,
  request: RequestOrigin,
  owner: DomainOwner,
): Promise<BrandedDomainView> {
  const current = await domainOf(crm, owner.organizationId);
  if (!current) throw domainErrors.notFound('branded domain', { reason: 'DOMAIN_NOT_SET' });
  if (current.verified) return current;
  let txtRecords: string[][];
  try {
    txtRecords = await crm.settings.domains.resolver.resolveTxt(verificationRecordName(current.domain));
  } catch (error) {
    if (!(error instanceof DnsUnavailable)) throw error;
    crm.logger.warn({ err: error, domain: current.domain }, 'branded domain verification: DNS unavailable');
    throw new GraphQLError('DNS did not answer; try again later', {
      extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DNS_UNAVAILABLE' },
    });
  }
  await uniquely(
    () =>
      handle(
        crm,
        undefined,
        brandedDomainStream(owner.organizationId),
        brandedDomainDecider,
        { type: 'VerifyBrandedDomain', txtRecords, now: crm.now().toISOString() },
        eventMetadataOf(request, { organizationId: owner.organizationId }),
      ),
    () => taken(current.domain),
  );
  return (await domainOf(crm, owner.organizationId))!;
}

/** Removes the owner's domain: its links fall back to the agency's domain or the default URL. */
export async function removeBrandedDomain(crm: Crm, request: RequestOrigin, owner: DomainOwner): Promise<void> {
  await handle(
    crm,
    undefined,
    brandedDomainStream(owner.organizationId),
    brandedDomainDecider,
    { type: 'RemoveBrandedDomain', now: crm.now().toISOString() },
    eventMetadataOf(request, { organizationId: owner.organizationId }),
  );
}

/** The caller's location's effective branding (its domain, else its agency's, else the default). */
export async function locationBranding(crm: Crm, request: RequestOrigin, locationId: string): Promise<LocationBranding> {
  return brandingOf(crm, locationOwnerOf(request, locationId).organizationId);
}
