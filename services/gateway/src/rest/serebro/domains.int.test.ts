import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { startDnsServer, type DnsTestServer } from '@seren/testing';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue, serebroRecords } from '../../test-support/serebro-records';

// Serebro §6 branded domains through the gateway, on the real identity, crm, PostgreSQL and Kafka,
// with a real DNS server on loopback (dns2) that crm's node:dns resolver asks (DNS_SERVERS): an
// agency's and a location's domain set and verified at the REST rows, then Serebro served on them
// by Host header, each host only for the locations it belongs to.

describe('Serebro branded domains (§6)', () => {
  let dns: DnsTestServer;
  let oauth: SerebroOAuth;
  let s: RestSuite;
  let records: ReturnType<typeof serebroRecords>;
  let north: string;
  let south: string;
  let northKey: string;
  let southKey: string;
  let agencyKey: string;
  const tag = randomBytes(4).toString('hex');
  const agencyDomain = `api.brand-${tag}.test`;
  const northDomain = `links.north-${tag}.test`;

  beforeAll(async () => {
    dns = await startDnsServer();
    oauth = await startSerebroOAuth({
      suite: {
        crmEnv: {
          DNS_SERVERS: dns.server,
        },
        // a removed or verified domain shows at once (the cache's TTL is the only invalidation)
        env: { BRANDED_HOST_CACHE_TTL_MS: '0' },
      },
      user: 'domains',
      agency: 'Brand Agency',
      locations: ['North', 'South'],
    });
    ({ s } = oauth);
    records = serebroRecords(oauth);
    [north, south] = oauth.locations as [string, string];
    [northKey, southKey, agencyKey] = await Promise.all([
      records.apiKey(north),
      records.apiKey(south),
      records.apiKey(oauth.agencyId),
    ]);
    await records.contact(north, `ada-${tag}@north.test`);
    await records.contact(south, `bob-${tag}@south.test`);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await dns?.close();
  });

  /** A request to the Serebro port with this Host header (fetch() would not send it). */
  const onHost = async (host: string, path: string, token?: string, headers: Record<string, string> = {}) => {
    const response = await request(`${s.gateway.listeners.serebro.url}${path}`, {
      headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: response.headers,
      body: text && /json/.test(String(response.headers['content-type'])) ? JSON.parse(text) : text,
    };
  };
  const emails = (body: { contacts: Array<{ email: string }> }) => body.contacts.map((c) => c.email);

  it("verifies the agency's and a location's domain by their TXT records, and not before", async () => {
    const set = await s.serebro('PUT', `/companies/${oauth.agencyId}/domain`, {
      token: agencyKey,
      body: { domain: `https://API.Brand-${tag}.test/` },
    });
    expect(set.status).toBe(200);
    expect(set.body.domain).toMatchObject({
      domain: agencyDomain,
      level: 'agency',
      companyId: oauth.agencyId,
      verified: false,
      verification: { type: 'TXT', name: `_serebro-verify.${agencyDomain}` },
    });
    const record = set.body.domain.verification as { name: string; value: string };

    const early = await s.serebro('POST', `/companies/${oauth.agencyId}/domain/verify`, { token: agencyKey });
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ statusCode: 400, error: { code: 'DOMAIN_NOT_VERIFIED' } });
    // the agency's host is not served while unverified
    expect((await onHost(agencyDomain, '/contacts', northKey)).status).toBe(404);

    dns.setTxt(record.name, [[record.value]]);
    const verified = await s.serebro('POST', `/companies/${oauth.agencyId}/domain/verify`, {
      token: agencyKey,
    });
    expect(verified.status).toBe(200);
    expect(verified.body.domain).toMatchObject({ domain: agencyDomain, verified: true });

    // a location credential manages its own domain only, not its agency's
    expect(
      (
        await s.serebro('PUT', `/companies/${oauth.agencyId}/domain`, {
          token: northKey,
          body: { domain: 'x.test' },
        })
      ).status,
    ).toBe(403);
    const own = await s.serebro('PUT', `/v2/locations/${north}/domain`, {
      token: await records.pit(north, ['locations.readonly', 'locations.write']),
      body: { domain: northDomain },
    });
    expect(own.status).toBe(200);
    dns.setTxt(own.body.domain.verification.name, [['v=spf1 -all'], [own.body.domain.verification.value]]);
    const ownVerified = await s.serebro('POST', `/locations/${north}/domain/verify`, { token: northKey });
    expect(ownVerified.body.domain).toMatchObject({
      domain: northDomain,
      level: 'location',
      locationId: north,
      verified: true,
    });
    // the same domain for the other location: taken
    const taken = await s.serebro('PUT', `/locations/${south}/domain`, {
      token: southKey,
      body: { domain: northDomain },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('DOMAIN_TAKEN');
  });

  it("gives a location without a domain of its own its agency's, and a location with one its own", async () => {
    // the crm learns that South is the agency's from identity's OrganizationCreated (Kafka)
    const southBranding = await eventuallyValue(async () => {
      const { body } = await s.serebro('GET', `/locations/${south}/domain`, { token: southKey });
      return body?.branding?.source === 'agency' ? body : undefined;
    });
    expect(southBranding).toEqual({
      domain: null,
      branding: { domain: agencyDomain, source: 'agency', baseUrl: `https://${agencyDomain}` },
    });
    const northBranding = await s.serebro('GET', `/locations/${north}/domain`, { token: northKey });
    expect(northBranding.body.branding).toEqual({
      domain: northDomain,
      source: 'location',
      baseUrl: `https://${northDomain}`,
    });
  });

  it("serves a location's host for that location only, and its agency's host for all its locations", async () => {
    const mine = await onHost(northDomain, '/contacts', northKey);
    expect(mine.status).toBe(200);
    expect(emails(mine.body)).toEqual([`ada-${tag}@north.test`]);
    // v2 and any case, with a port, answer alike
    expect((await onHost(`LINKS.North-${tag}.test:443`, '/contacts', northKey)).status).toBe(200);

    const other = await onHost(northDomain, '/contacts', southKey);
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ statusCode: 403, error: { code: 'LOCATION_FORBIDDEN' } });
    expect((await onHost(northDomain, `/contacts?locationId=${north}`, agencyKey)).status).toBe(200);
    expect((await onHost(northDomain, `/contacts?locationId=${south}`, agencyKey)).status).toBe(403);

    const agencyHost = await onHost(agencyDomain, '/contacts', southKey);
    expect(agencyHost.status).toBe(200);
    expect(emails(agencyHost.body)).toEqual([`bob-${tag}@south.test`]);
    expect((await onHost(agencyDomain, '/contacts', northKey)).status).toBe(200);
    // the same location's credential on its default host, unchanged
    expect(emails((await s.serebro('GET', '/contacts', { token: southKey })).body)).toEqual([
      `bob-${tag}@south.test`,
    ]);
  });

  it("answers unknown and unverified hosts 404 in Serebro's error shape, on any path", async () => {
    for (const path of ['/contacts', '/nope', '/.well-known/oauth-authorization-server']) {
      const unknown = await onHost(`unknown-${tag}.test`, path, northKey);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({
        statusCode: 404,
        message: `unknown-${tag}.test is not a verified Serebro domain`,
        error: { code: 'NOT_FOUND', message: `unknown-${tag}.test is not a verified Serebro domain` },
      });
    }
    const pending = await s.serebro('PUT', `/locations/${south}/domain`, {
      token: southKey,
      body: { domain: `pending-${tag}.test` },
    });
    expect(pending.body.domain.verified).toBe(false);
    expect((await onHost(`pending-${tag}.test`, '/contacts', southKey)).status).toBe(404);
  });

  it("keeps OAuth's links on the branded host: the authorization redirect stays on it", async () => {
    const app = await oauth.registerApp(['contacts.readonly']);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      scope: 'contacts.readonly',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 'st',
    });
    const answer = await onHost(agencyDomain, `/v2/oauth/chooselocation?${query}`);
    expect(answer.status).toBeGreaterThanOrEqual(300);
    expect(answer.status).toBeLessThan(400);
    // identity's consent link, as the browser on the branded host follows it
    const next = new URL(String(answer.headers.location), `https://${agencyDomain}`);
    expect(next.host).toBe(agencyDomain);
    expect(next.pathname).toMatch(/^\/v2\/oauth\//);
  });

  it('stops serving a removed domain', async () => {
    expect((await s.serebro('DELETE', `/locations/${north}/domain`, { token: northKey })).body).toEqual({
      succeded: true,
    });
    expect((await onHost(northDomain, '/contacts', northKey)).status).toBe(404);
    const branding = await s.serebro('GET', `/locations/${north}/domain`, { token: northKey });
    expect(branding.body).toEqual({
      domain: null,
      branding: { domain: agencyDomain, source: 'agency', baseUrl: `https://${agencyDomain}` },
    });
  });
});
