import { resolver, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { brandedHost, hostServes, type BrandedDomainView, type BrandedHostView, type LocationBranding } from './queries.js';
import {
  agencyOwnerOf,
  getBrandedDomain,
  locationBranding,
  locationOwnerOf,
  removeBrandedDomain,
  setBrandedDomain,
  verifyBrandedDomain,
} from './service.js';

const upper = <T extends string>(value: T) => value.toUpperCase() as Uppercase<T>;
const toGraph = (view: BrandedDomainView | undefined) => view && { ...view, level: upper(view.level) };
const brandingToGraph = (branding: LocationBranding) => ({ ...branding, source: upper(branding.source) });

/** A Host header's host: lower case, without port or trailing dot. */
const hostOf = (host: string) =>
  host
    .trim()
    .toLowerCase()
    .replace(/:\d+$/, '')
    .replace(/\.$/, '');

export function domainsResolvers(crm: Crm): Resolvers {
  type Company = { companyId: string };
  type Location = { locationId: string };
  return {
    Query: {
      agencyBrandedDomain: resolver(crm, async (c, request, args: Company) =>
        toGraph(await getBrandedDomain(c, agencyOwnerOf(request, args.companyId))),
      ),
      locationBrandedDomain: resolver(crm, async (c, request, args: Location) =>
        toGraph(await getBrandedDomain(c, locationOwnerOf(request, args.locationId))),
      ),
      locationBranding: resolver(crm, async (c, request, args: Location) =>
        brandingToGraph(await locationBranding(c, request, args.locationId)),
      ),
      brandedHost: resolver(crm, async (c, _request, args: { host: string }) => {
        const host = await brandedHost(c, hostOf(args.host));
        return host && { ...host, level: upper(host.level), view: host };
      }),
    },
    Mutation: {
      setAgencyBrandedDomain: resolver(crm, async (c, request, args: Company & { domain: string }) =>
        toGraph(await setBrandedDomain(c, request, agencyOwnerOf(request, args.companyId), args.domain)),
      ),
      verifyAgencyBrandedDomain: resolver(crm, async (c, request, args: Company) =>
        toGraph(await verifyBrandedDomain(c, request, agencyOwnerOf(request, args.companyId))),
      ),
      removeAgencyBrandedDomain: resolver(crm, async (c, request, args: Company) => {
        await removeBrandedDomain(c, request, agencyOwnerOf(request, args.companyId));
        return true;
      }),
      setLocationBrandedDomain: resolver(crm, async (c, request, args: Location & { domain: string }) =>
        toGraph(await setBrandedDomain(c, request, locationOwnerOf(request, args.locationId), args.domain)),
      ),
      verifyLocationBrandedDomain: resolver(crm, async (c, request, args: Location) =>
        toGraph(await verifyBrandedDomain(c, request, locationOwnerOf(request, args.locationId))),
      ),
      removeLocationBrandedDomain: resolver(crm, async (c, request, args: Location) => {
        await removeBrandedDomain(c, request, locationOwnerOf(request, args.locationId));
        return true;
      }),
    },
    BrandedHost: {
      serves: resolver(crm, (c, _request, args: { organizationId: string }, parent: { view: BrandedHostView }) =>
        hostServes(c, parent.view, args.organizationId),
      ),
    },
  };
}
