import { randomBytes } from 'node:crypto';
import { anonymous, type Caller } from '@seren/service-kit';
import { startDnsServer, testServiceEnv, type DnsTestServer } from '@seren/testing';
import { startCrmService, type CrmService } from '../service';
import { domainOrganizationsConsumer } from './organizations';
import { brandedBaseUrl, brandingOf } from './queries';
import { dnsTxtResolver } from './dns';
import {
  agencyOwnerOf,
  locationOwnerOf,
  removeBrandedDomain,
  setBrandedDomain,
  verifyBrandedDomain,
} from './service';

// Branded domains on the real PostgreSQL, verified through node:dns against a real DNS server on
// loopback (dns2): the TXT record decides, and a location's links carry its domain or its agency's.
describe('branded domains', () => {
  let dns: DnsTestServer;
  let service: CrmService;
  const suffix = randomBytes(4).toString('hex');
  const agencyId = `agency-${suffix}`;
  const locationId = `loc-${suffix}`;
  const otherLocationId = `loc2-${suffix}`;

  beforeAll(async () => {
    dns = await startDnsServer();
    service = await startCrmService(
      testServiceEnv('crm', {
        env: { DNS_SERVERS: dns.server, SEREBRO_PUBLIC_URL: 'http://serebro.localhost:4002/' },
      }),
    );
    // identity's OrganizationCreated for the agency and its two locations, through the consumer
    const consumer = domainOrganizationsConsumer(service.application, 'unused');
    const created = (organizationId: string, kind: string, parent: string | null) => ({
      id: `evt-${organizationId}`,
      type: 'OrganizationCreated',
      data: {
        organizationId,
        kind,
        name: organizationId,
        parentOrganizationId: parent,
        ownerUserId: 'u',
        createdAt: new Date().toISOString(),
      },
    });
    for (const event of [
      created(agencyId, 'agency', null),
      created(locationId, 'location', agencyId),
      created(otherLocationId, 'location', agencyId),
      created(locationId, 'location', agencyId), // redelivered
    ])
      await service.dataSource.transaction((manager) => consumer.handler(event as never, { manager } as never));
  });
  afterAll(async () => {
    await service?.close();
    await dns?.close();
  });

  const as = (caller: Partial<Caller>) => ({
    caller: { ...anonymous, kind: 'agent' as const, subject: 'key', ...caller },
    requestId: 'test',
  });
  const agency = as({ organizationId: agencyId, authClass: 'Company', resourceId: agencyId });
  const location = as({ organizationId: locationId, authClass: 'Location', resourceId: locationId });

  it('verifies a domain only once its TXT record holds the token, asking the DNS server', async () => {
    const crm = service.application;
    const owner = agencyOwnerOf(agency, agencyId);
    const domain = `api.brand-${suffix}.test`;
    const set = await setBrandedDomain(crm, agency, owner, ` API.Brand-${suffix}.test. `);
    expect(set).toMatchObject({ domain, level: 'agency', verified: false, verifiedAt: null });
    expect(set.verification).toEqual({
      recordType: 'TXT',
      name: `_serebro-verify.${domain}`,
      value: expect.stringMatching(/^serebro-verify=[0-9a-f]{32}$/),
    });

    await expect(verifyBrandedDomain(crm, agency, owner)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { reason: 'DOMAIN_NOT_VERIFIED' },
    });
    dns.setTxt(set.verification.name, [['serebro-verify=00000000000000000000000000000000']]);
    await expect(verifyBrandedDomain(crm, agency, owner)).rejects.toMatchObject({
      details: { reason: 'DOMAIN_NOT_VERIFIED' },
    });
    expect(await brandedBaseUrl(crm, locationId)).toBe('http://serebro.localhost:4002');

    dns.setTxt(set.verification.name, [['v=spf1 -all'], [set.verification.value]]);
    const verified = await verifyBrandedDomain(crm, agency, owner);
    expect(verified).toMatchObject({ domain, verified: true, verifiedAt: expect.any(String) });
    expect(dns.queries.filter((q) => q === `_serebro-verify.${domain}`).length).toBe(3);
    const events: Array<{ type: string }> = await service.dataSource.query(
      `select type from events where stream_id = $1 order by position`,
      [`branded-domain-${agencyId}`],
    );
    expect(events.map((e) => e.type)).toEqual(['BrandedDomainConfigured', 'BrandedDomainVerified']);
  });

  it("gives a location without a domain of its own its agency's, and its own once verified", async () => {
    const crm = service.application;
    const agencyDomain = `api.brand-${suffix}.test`;
    expect(await brandingOf(crm, otherLocationId)).toEqual({
      locationId: otherLocationId,
      domain: agencyDomain,
      source: 'agency',
      baseUrl: `https://${agencyDomain}`,
    });
    const owner = locationOwnerOf(location, locationId);
    const own = await setBrandedDomain(crm, location, owner, `links.north-${suffix}.test`);
    // unverified: still the agency's
    expect(await brandedBaseUrl(crm, locationId)).toBe(`https://${agencyDomain}`);
    dns.setTxt(own.verification.name, [[own.verification.value]]);
    await verifyBrandedDomain(crm, location, owner);
    expect(await brandedBaseUrl(crm, locationId)).toBe(`https://links.north-${suffix}.test`);
    expect(await brandedBaseUrl(crm, otherLocationId)).toBe(`https://${agencyDomain}`);

    await removeBrandedDomain(crm, location, owner);
    expect(await brandedBaseUrl(crm, locationId)).toBe(`https://${agencyDomain}`);
  });

  it('keeps a verified domain to its owner (409 DOMAIN_TAKEN), and manages only your own', async () => {
    const crm = service.application;
    const other = as({ organizationId: otherLocationId, authClass: 'Location', resourceId: otherLocationId });
    await expect(
      setBrandedDomain(crm, other, locationOwnerOf(other, otherLocationId), `api.brand-${suffix}.test`),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'DOMAIN_TAKEN' } });
    expect(() => agencyOwnerOf(location, agencyId)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => agencyOwnerOf(agency, `agency-other-${suffix}`)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => locationOwnerOf(location, otherLocationId)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('answers 503 DNS_UNAVAILABLE when no DNS server answers, changing nothing', async () => {
    const crm = service.application;
    const owner = locationOwnerOf(location, locationId);
    await setBrandedDomain(crm, location, owner, `dark.north-${suffix}.test`);
    const silent = await startDnsServer();
    const server = silent.server;
    await silent.close(); // nothing listens there now
    const { resolver } = crm.settings.domains;
    crm.settings.domains.resolver = dnsTxtResolver([server]);
    try {
      await expect(verifyBrandedDomain(crm, location, owner)).rejects.toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DNS_UNAVAILABLE' },
      });
    } finally {
      crm.settings.domains.resolver = resolver;
    }
    expect(await brandingOf(crm, locationId)).toMatchObject({ source: 'agency' });
  }, 30_000);
});
