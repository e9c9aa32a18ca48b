import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolveBrandedDomain,
  initialBrandedDomainState,
  normalizeDomain,
  verificationRecordName,
  verificationRecordValue,
  type BrandedDomainEvent,
  type BrandedDomainState,
  type DomainLevel,
} from './domain.js';

export type BrandedDomainCommand =
  | {
      type: 'SetBrandedDomain';
      organizationId: string;
      level: DomainLevel;
      /** as the user typed it */
      domain: string;
      /** a fresh random token, used only when the domain changes */
      verificationToken: string;
      now: string;
    }
  | {
      type: 'VerifyBrandedDomain';
      /** the TXT records found at `_serebro-verify.<domain>` (each its character-strings); none: [] */
      txtRecords: string[][];
      now: string;
    }
  | { type: 'RemoveBrandedDomain'; now: string };

export type DomainReason = 'DOMAIN_NOT_SET' | 'DOMAIN_NOT_VERIFIED' | 'DOMAIN_TAKEN' | 'AGENCY_REQUIRED';
export const domainErrors = domainErrorsOf<DomainReason>();

export function decideBrandedDomain(
  command: BrandedDomainCommand,
  state: BrandedDomainState,
): BrandedDomainEvent[] {
  switch (command.type) {
    case 'SetBrandedDomain': {
      const normal = normalizeDomain(command.domain);
      if ('problem' in normal)
        throw domainErrors.validationError(normal.problem, {
          fields: [{ field: 'body.domain', message: normal.problem }],
        });
      // the same domain again keeps its token and its verification
      if (state.status !== 'none' && state.domain === normal.domain) return [];
      return [
        {
          type: 'BrandedDomainConfigured',
          data: {
            organizationId: command.organizationId,
            level: command.level,
            domain: normal.domain,
            verificationToken: command.verificationToken,
            configuredAt: command.now,
          },
        },
      ];
    }
    case 'VerifyBrandedDomain': {
      if (state.status === 'none')
        throw domainErrors.notFound('branded domain', { reason: 'DOMAIN_NOT_SET' });
      if (state.status === 'verified') return [];
      const expected = verificationRecordValue(state.verificationToken);
      // a long record may come split in several character-strings: they join to one value
      if (!command.txtRecords.some((strings) => strings.join('').trim() === expected))
        throw domainErrors.validationError(
          `no TXT record "${expected}" at ${verificationRecordName(state.domain)} (found ${command.txtRecords.length}); publish it and verify again`,
          { reason: 'DOMAIN_NOT_VERIFIED' },
        );
      const { organizationId, level, domain } = state;
      return [{ type: 'BrandedDomainVerified', data: { organizationId, level, domain, verifiedAt: command.now } }];
    }
    case 'RemoveBrandedDomain': {
      if (state.status === 'none')
        throw domainErrors.notFound('branded domain', { reason: 'DOMAIN_NOT_SET' });
      const { organizationId, level, domain } = state;
      return [{ type: 'BrandedDomainRemoved', data: { organizationId, level, domain, removedAt: command.now } }];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const brandedDomainDecider = {
  streamType: 'branded_domain',
  initialState: initialBrandedDomainState,
  evolve: evolveBrandedDomain,
  decide: decideBrandedDomain,
};
