import { z } from 'zod';
import { graphql } from '../graphql.js';
import { lower } from '../mapping.js';
import { route, succeded } from './route.js';
import { BrandedDomainFields, brandedDomainSchema, brandedDomainToRest } from './shapes/branded-domain.js';

// Branded domains (Serebro §6 "Branded Domains & API Routing"): the spec names no paths, so these
// are where a HighLevel integrator looks for a setting of a company (agency) or a sub-account:
// `/companies/{companyId}/domain` (§6.1, business level; an agency credential of that company) and
// `/locations/{locationId}/domain` (§6.2, a location's own, overriding the agency's; a location
// credential, or an agency credential naming the location). PUT sets it (unverified), POST
// `.../domain/verify` checks its DNS TXT record, DELETE removes it. Both versions; v2 scopes
// `locations:read` / `locations:write` (HighLevel's location settings).

const beyondSpec =
  'Serebro §6 names branded domains but no paths: HighLevel-style company and sub-account settings paths';
const shared = { auth: 'required', rateLimit: 'api', beyondSpec } as const;
const read = { ...shared, scope: 'locations:read' } as const;
const write = { ...shared, scope: 'locations:write' } as const;
const section = 'domains';

const companyParams = z.object({ companyId: z.string().min(1) });
const locationParams = z.object({ locationId: z.string().min(1) });
const setBody = z.object({
  domain: z
    .string()
    .max(300)
    .describe('a host name such as api.yourbrand.com (a pasted URL is reduced to its host)'),
});
const domainResponse = z.object({ domain: brandedDomainSchema });
const brandingSchema = z.object({
  domain: z.string().nullable().describe('the verified domain generated links carry, or null'),
  source: z.enum(['location', 'agency', 'default']),
  baseUrl: z.string().describe('the base URL of generated links: https://<domain>, or the default'),
});

const verifyDescription =
  'Looks up the TXT record `_serebro-verify.<domain>`; when one holds `serebro-verify=<token>` (the `verification.value` the PUT answered) the domain is verified and used from then on. Not found: 400 `DOMAIN_NOT_VERIFIED` (publish the record, wait for DNS, try again). DNS not answering: 503.';

export const domainsRoutes = [
  // ---- §6.1 business-level (agency) domain --------------------------------------------------------
  route.operation({
    method: 'GET',
    path: '/companies/{companyId}/domain',
    section,
    summary: "Get the agency's branded API domain",
    description:
      "The agency's business-level domain (`null` when none is set). An agency credential of that company.",
    ...read,
    request: { params: companyParams },
    operation: graphql(
      `
        query SerebroGetAgencyDomain($companyId: ID!) {
          agencyBrandedDomain(companyId: $companyId) {
            ...BrandedDomainFields
          }
        }
      `,
      [BrandedDomainFields],
    ),
    variables: ({ params }) => ({ companyId: params.companyId }),
    response: {
      status: 200,
      description: "The agency's domain, or null",
      schema: z.object({ domain: brandedDomainSchema.nullable() }),
      body: (data) => ({
        domain: data.agencyBrandedDomain ? brandedDomainToRest(data.agencyBrandedDomain) : null,
      }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/companies/{companyId}/domain',
    section,
    summary: "Set the agency's branded API domain",
    description:
      "Sets or replaces the agency's domain, unverified: publish the TXT record it answers, then verify. Its locations without a domain of their own use it once verified. The same domain again keeps its verification; a domain another agency or location verified is 409 `DOMAIN_TAKEN`.",
    ...write,
    request: { params: companyParams, body: setBody },
    operation: graphql(
      `
        mutation SerebroSetAgencyDomain($companyId: ID!, $domain: String!) {
          setAgencyBrandedDomain(companyId: $companyId, domain: $domain) {
            ...BrandedDomainFields
          }
        }
      `,
      [BrandedDomainFields],
    ),
    variables: ({ params, body }) => ({ companyId: params.companyId, domain: body.domain }),
    response: {
      status: 200,
      description: 'The domain, with the TXT record to publish',
      schema: domainResponse,
      body: (data) => ({ domain: brandedDomainToRest(data.setAgencyBrandedDomain) }),
    },
    errors: [403, 404, 409],
  }),
  route.operation({
    method: 'POST',
    path: '/companies/{companyId}/domain/verify',
    section,
    summary: "Verify the agency's branded API domain",
    description: verifyDescription,
    ...write,
    request: { params: companyParams },
    operation: graphql(
      `
        mutation SerebroVerifyAgencyDomain($companyId: ID!) {
          verifyAgencyBrandedDomain(companyId: $companyId) {
            ...BrandedDomainFields
          }
        }
      `,
      [BrandedDomainFields],
    ),
    variables: ({ params }) => ({ companyId: params.companyId }),
    response: {
      status: 200,
      description: 'The verified domain',
      schema: domainResponse,
      body: (data) => ({ domain: brandedDomainToRest(data.verifyAgencyBrandedDomain) }),
    },
    errors: [403, 404, 409, 503],
  }),
  route.operation({
    method: 'DELETE',
    path: '/companies/{companyId}/domain',
    section,
    summary: "Remove the agency's branded API domain",
    description: 'Generated links fall back to the default URL (or a location’s own domain).',
    ...write,
    request: { params: companyParams },
    operation: graphql(`
      mutation SerebroRemoveAgencyDomain($companyId: ID!) {
        removeAgencyBrandedDomain(companyId: $companyId)
      }
    `),
    variables: ({ params }) => ({ companyId: params.companyId }),
    response: {
      status: 200,
      description: 'Removed',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),

  // ---- §6.2 sub-account (location) domain -------------------------------------------------------------
  route.operation({
    method: 'GET',
    path: '/locations/{locationId}/domain',
    section,
    summary: "Get the location's branded domain",
    description:
      "The location's own domain (`null` when none) and `branding`: what its generated links carry (its verified domain, else its agency's, else the default URL).",
    ...read,
    request: { params: locationParams },
    operation: graphql(
      `
        query SerebroGetLocationDomain($locationId: ID!) {
          locationBrandedDomain(locationId: $locationId) {
            ...BrandedDomainFields
          }
          locationBranding(locationId: $locationId) {
            domain
            source
            baseUrl
          }
        }
      `,
      [BrandedDomainFields],
    ),
    variables: ({ params }) => ({ locationId: params.locationId }),
    response: {
      status: 200,
      description: "The location's domain, or null, and its effective branding",
      schema: z.object({ domain: brandedDomainSchema.nullable(), branding: brandingSchema }),
      body: (data) => ({
        domain: data.locationBrandedDomain ? brandedDomainToRest(data.locationBrandedDomain) : null,
        branding: {
          domain: data.locationBranding.domain ?? null,
          source: lower(data.locationBranding.source),
          baseUrl: data.locationBranding.baseUrl,
        },
      }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/locations/{locationId}/domain',
    section,
    summary: "Set the location's branded domain",
    description:
      "Sets or replaces the location's own domain, which overrides its agency's once verified. Publish the TXT record it answers, then verify. A domain another agency or location verified is 409 `DOMAIN_TAKEN`.",
    ...write,
    request: { params: locationParams, body: setBody },
    operation: graphql(
      `
        mutation SerebroSetLocationDomain($locationId: ID!, $domain: String!) {
          setLocationBrandedDomain(locationId: $locationId, domain: $domain) {
            ...BrandedDomainFields
          }
        }
      `,
      [BrandedDomainFields],
    ),
    variables: ({ params, body }) => ({ locationId: params.locationId, domain: body.domain }),
    response: {
      status: 200,
      description: 'The domain, with the TXT record to publish',
      schema: domainResponse,
      body: (data) => ({ domain: brandedDomainToRest(data.setLocationBrandedDomain) }),
    },
    errors: [403, 404, 409],
  }),
  route.operation({
    method: 'POST',
    path: '/locations/{locationId}/domain/verify',
    section,
    summary: "Verify the location's branded domain",
    description: verifyDescription,
    ...write,
    request: { params: locationParams },
    operation: graphql(
      `
        mutation SerebroVerifyLocationDomain($locationId: ID!) {
          verifyLocationBrandedDomain(locationId: $locationId) {
            ...BrandedDomainFields
          }
        }
      `,
      [BrandedDomainFields],
    ),
    variables: ({ params }) => ({ locationId: params.locationId }),
    response: {
      status: 200,
      description: 'The verified domain',
      schema: domainResponse,
      body: (data) => ({ domain: brandedDomainToRest(data.verifyLocationBrandedDomain) }),
    },
    errors: [403, 404, 409, 503],
  }),
  route.operation({
    method: 'DELETE',
    path: '/locations/{locationId}/domain',
    section,
    summary: "Remove the location's branded domain",
    description: "Generated links fall back to the agency's domain, else the default URL.",
    ...write,
    request: { params: locationParams },
    operation: graphql(`
      mutation SerebroRemoveLocationDomain($locationId: ID!) {
        removeLocationBrandedDomain(locationId: $locationId)
      }
    `),
    variables: ({ params }) => ({ locationId: params.locationId }),
    response: {
      status: 200,
      description: 'Removed',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),
];
