import { specOf } from '@seren/testing';
import { brandedDomainDecider } from './decide';
import { normalizeDomain, type BrandedDomainEvent } from './domain';

const given = specOf(brandedDomainDecider);
const now = '2026-12-02T10:00:00.000Z';
const token = '0123456789abcdef0123456789abcdef';
const set = {
  type: 'SetBrandedDomain' as const,
  organizationId: 'agency1',
  level: 'agency' as const,
  domain: ' API.YourBrand.com. ',
  verificationToken: token,
  now,
};
const wasSet: BrandedDomainEvent = {
  type: 'BrandedDomainConfigured',
  data: { organizationId: 'agency1', level: 'agency', domain: 'api.yourbrand.com', verificationToken: token, configuredAt: now },
};
const wasVerified: BrandedDomainEvent = {
  type: 'BrandedDomainVerified',
  data: { organizationId: 'agency1', level: 'agency', domain: 'api.yourbrand.com', verifiedAt: now },
};
const verify = (txtRecords: string[][]) => ({ type: 'VerifyBrandedDomain' as const, txtRecords, now });

describe('branded domains', () => {
  it('sets a domain in its one form, unverified', () => given([]).when(set).then([wasSet]));

  it('refuses what cannot be a host name, naming the field', () => {
    for (const domain of ['', 'localhost', 'yourbrand', '10.0.0.1', 'api_x.brand.com', '-a.brand.com'])
      given([])
        .when({ ...set, domain })
        .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('keeps the token and the verification when the same domain is set again', () => {
    given([wasSet, wasVerified])
      .when({ ...set, domain: 'https://api.yourbrand.com/', verificationToken: 'another-token-0123456789' })
      .thenNothing();
  });

  it('replaces the domain with a new token and drops the verification', () => {
    given([wasSet, wasVerified])
      .when({ ...set, domain: 'links.yourbrand.com', verificationToken: 'fedcba9876543210fedcba9876543210' })
      .then([
        {
          type: 'BrandedDomainConfigured',
          data: {
            ...wasSet.data,
            domain: 'links.yourbrand.com',
            verificationToken: 'fedcba9876543210fedcba9876543210',
          },
        } as BrandedDomainEvent,
      ]);
  });

  it('verifies when a TXT record holds serebro-verify=<token>, also split in character-strings', () => {
    given([wasSet])
      .when(verify([['v=spf1 -all'], [`serebro-verify=${token}`]]))
      .then([wasVerified]);
    given([wasSet])
      .when(verify([['serebro-verify=', token]]))
      .then([wasVerified]);
  });

  it('does not verify without the record, or with another token', () => {
    given([wasSet]).when(verify([])).thenThrows({ code: 'VALIDATION_ERROR', reason: 'DOMAIN_NOT_VERIFIED' });
    given([wasSet])
      .when(verify([['serebro-verify=ffffffffffffffffffffffffffffffff']]))
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'DOMAIN_NOT_VERIFIED' });
  });

  it('verifies once; removing needs a domain', () => {
    given([wasSet, wasVerified]).when(verify([])).thenNothing();
    given([]).when(verify([])).thenThrows({ code: 'NOT_FOUND', reason: 'DOMAIN_NOT_SET' });
    given([]).when({ type: 'RemoveBrandedDomain', now }).thenThrows({ code: 'NOT_FOUND', reason: 'DOMAIN_NOT_SET' });
    given([wasSet, wasVerified])
      .when({ type: 'RemoveBrandedDomain', now })
      .then([
        {
          type: 'BrandedDomainRemoved',
          data: { organizationId: 'agency1', level: 'agency', domain: 'api.yourbrand.com', removedAt: now },
        },
      ]);
  });

  it('normalises pasted URLs and IDNs in their xn-- form', () => {
    expect(normalizeDomain('HTTPS://Api.Brand.COM:443/path?x')).toEqual({ domain: 'api.brand.com' });
    expect(normalizeDomain('xn--bcher-kva.example')).toEqual({ domain: 'xn--bcher-kva.example' });
  });
});
