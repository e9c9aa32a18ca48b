import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { lower } from '../../mapping.js';

// A branded API domain (Serebro §6): an agency's business-level domain or a location's own, with
// the TXT record that verifies it. HighLevel has no public endpoint for it, so the body is named in
// HighLevel's style (camelCase, ids as `companyId`/`locationId`).

export const BrandedDomainFields = graphql(`
  fragment BrandedDomainFields on BrandedDomain {
    organizationId
    level
    domain
    verified
    verifiedAt
    verification {
      recordType
      name
      value
    }
    createdAt
    updatedAt
  }
`);

export const brandedDomainSchema = z.object({
  domain: z.string().meta({ examples: ['api.yourbrand.com'] }),
  level: z
    .enum(['agency', 'location'])
    .describe("whose domain: the agency's (business level) or the location's"),
  companyId: z.string().optional().describe('on an agency domain: the agency'),
  locationId: z.string().optional().describe("on a location's domain: the location"),
  verified: z.boolean().describe('served and put in generated links only once true'),
  verifiedAt: z.string().nullable(),
  verification: z
    .object({
      type: z.literal('TXT'),
      name: z.string().meta({ examples: ['_serebro-verify.api.yourbrand.com'] }),
      value: z.string().meta({ examples: ['serebro-verify=3f2a...'] }),
    })
    .describe('the DNS record to publish, then call verify'),
  dateAdded: z.string(),
  dateUpdated: z.string(),
});

export function brandedDomainToRest(
  ref: FragmentOf<typeof BrandedDomainFields>,
): z.input<typeof brandedDomainSchema> {
  const d = readFragment(BrandedDomainFields, ref);
  const level = lower(d.level);
  return {
    domain: d.domain,
    level,
    ...(level === 'agency' ? { companyId: d.organizationId } : { locationId: d.organizationId }),
    verified: d.verified,
    verifiedAt: d.verifiedAt ?? null,
    verification: { type: 'TXT', name: d.verification.name, value: d.verification.value },
    dateAdded: d.createdAt,
    dateUpdated: d.updatedAt,
  };
}
