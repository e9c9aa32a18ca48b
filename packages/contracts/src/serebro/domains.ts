import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serebro's branded domains (the crm service, spec §6): an agency's business-level API domain and a
// location's own domain, which overrides its agency's. A domain is used (the gateway serves Serebro
// on it, generated links carry it) only once verified by a DNS TXT record at
// `_serebro-verify.<domain>` holding `serebro-verify=<verificationToken>`. The token is no secret: it
// is what the owner publishes in public DNS.
//
// Stream: `branded-domain-<organizationId>` (aggregate branded_domain: one domain per agency or
// location). Topic `crm.branded_domain`.

const id = z.string().min(1);
const at = z.iso.datetime();
/** whose domain: an agency's (HighLevel's company, business level) or a location's (sub-account) */
export const brandedDomainLevels = ['agency', 'location'] as const;
const level = z.enum(brandedDomainLevels);
/** a host name, lower case, without a trailing dot */
const domain = z.string().min(3).max(253);

export const BrandedDomainConfigured = defineEvent({
  type: 'BrandedDomainConfigured',
  version: 1,
  domain: 'crm',
  aggregate: 'branded_domain',
  description:
    'An agency or a location set its branded API domain (replacing any earlier one, verified or not); it is unverified until its TXT record is checked.',
  schema: z.object({
    organizationId: id,
    level,
    domain,
    verificationToken: z.string().min(16),
    configuredAt: at,
  }),
});

export const BrandedDomainVerified = defineEvent({
  type: 'BrandedDomainVerified',
  version: 1,
  domain: 'crm',
  aggregate: 'branded_domain',
  description:
    "A branded domain's TXT record was found: from now on the gateway serves Serebro on it and generated links carry it.",
  schema: z.object({ organizationId: id, level, domain, verifiedAt: at }),
});

export const BrandedDomainRemoved = defineEvent({
  type: 'BrandedDomainRemoved',
  version: 1,
  domain: 'crm',
  aggregate: 'branded_domain',
  description:
    'An agency or a location removed its branded domain: links fall back to the agency domain or the default URL.',
  schema: z.object({ organizationId: id, level, domain, removedAt: at }),
});

export const serebroDomainEvents = [BrandedDomainConfigured, BrandedDomainVerified, BrandedDomainRemoved] as const;
