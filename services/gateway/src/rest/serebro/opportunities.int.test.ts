import { HighLevel } from '@gohighlevel/api-client';
import { waitForEvent } from '@seren/testing';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue, serebroRecords } from '../../test-support/serebro-records';

// Serebro §3.2 opportunities through the gateway, against the real identity, crm, PostgreSQL and
// Kafka: the default pipeline a location gets from identity's event, the spec's rows on v1 (API
// keys) and v2 (PITs), HighLevel's v2 paths with the official SDK, every bad field in one 400,
// HighLevel's cursor, the events on Kafka, and the tenancy rule over every row.

describe('Serebro opportunities', () => {
  let s: RestSuite;
  let oauth: SerebroOAuth;
  let records: ReturnType<typeof serebroRecords>;
  let north: string;
  let south: string;
  let northKey: string;
  let agencyKey: string;
  let northPit: string;
  let contactId: string;

  beforeAll(async () => {
    oauth = await startSerebroOAuth({ user: 'deals', agency: 'Deals Agency', locations: ['North', 'South'] });
    ({ s } = oauth);
    [north, south] = oauth.locations as [string, string];
    records = serebroRecords(oauth);
    [northKey, agencyKey, northPit, contactId] = await Promise.all([
      records.apiKey(north),
      records.apiKey(oauth.agencyId),
      records.pit(north, ['opportunities.readonly', 'opportunities.write']),
      records.contact(north, 'buyer@example.com'),
    ]);
  }, 90_000);
  afterAll(() => s?.close());

  it("gives each new location its default pipeline from identity's event, before anyone asks", async () => {
    const rows = await eventuallyValue(async () => {
      const found: { name: string; stages: { name: string }[] }[] = await s.crm.dataSource.query(
        `select name, stages from pipelines where location_id = $1 and is_default`,
        [south],
      );
      return found.length > 0 ? found : undefined;
    });
    expect(rows).toEqual([
      {
        name: 'Sales Pipeline',
        stages: ['New Lead', 'Contacted', 'Proposal Sent', 'Negotiation', 'Closed'].map((name, position) => ({
          id: expect.any(String),
          name,
          position,
        })),
      },
    ]);
    const listed = await s.serebro('GET', '/v2/opportunities/pipelines', { token: northPit });
    expect(listed.status).toBe(200);
    expect(listed.body.pipelines).toEqual([
      expect.objectContaining({ name: 'Sales Pipeline', locationId: north, isDefault: true }),
    ]);
  });

  it('v1: creates a deal in the default pipeline, advances it, updates the value and closes it won', async () => {
    const created = await s.serebro('POST', '/opportunities', {
      token: northKey,
      body: { name: 'Roof repair', contactId, monetaryValue: 1999.999 },
    });
    expect(created.status).toBe(201);
    const pipeline = (await s.serebro('GET', '/v2/opportunities/pipelines', { token: northPit })).body
      .pipelines[0];
    expect(created.body.opportunity).toEqual({
      id: expect.any(String),
      name: 'Roof repair',
      monetaryValue: 2000,
      pipelineId: pipeline.id,
      pipelineStageId: pipeline.stages[0].id,
      assignedTo: null,
      status: 'open',
      source: null,
      lastStatusChangeAt: expect.any(String),
      lastStageChangeAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      contactId,
      // HighLevel's contact summary, joined through the graph
      contact: expect.objectContaining({ id: contactId, email: 'buyer@example.com', tags: [] }),
      locationId: north,
    });
    const id = created.body.opportunity.id;
    const moved = await s.serebro('PATCH', `/opportunities/${id}`, {
      token: northKey,
      body: { pipelineStageId: pipeline.stages[2].id, monetaryValue: 2500 },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.opportunity).toMatchObject({
      pipelineStageId: pipeline.stages[2].id,
      monetaryValue: 2500,
    });
    const won = await s.serebro('PATCH', `/opportunities/${id}`, {
      token: northKey,
      body: { status: 'won' },
    });
    expect(won.body.opportunity).toMatchObject({ status: 'won' });
    expect(Date.parse(won.body.opportunity.lastStatusChangeAt)).toBeGreaterThanOrEqual(
      Date.parse(moved.body.opportunity.lastStageChangeAt),
    );

    const listed = await s.serebro('GET', `/opportunities?status=won&contactId=${contactId}`, {
      token: northKey,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.opportunities.map((o: { id: string }) => o.id)).toEqual([id]);
    expect(listed.body.meta).toMatchObject({
      total: 1,
      nextPageUrl: null,
      startAfterId: null,
      currentPage: 1,
    });

    // on Kafka, as consuming teams read them
    const staged = await waitForEvent(
      'crm.opportunity',
      (e) => e.type === 'OpportunityStageChanged' && e.key === `opportunity-${id}`,
    );
    expect(staged.data).toMatchObject({
      opportunityId: id,
      locationId: north,
      pipelineStageId: pipeline.stages[2].id,
    });
    const status = await waitForEvent(
      'crm.opportunity',
      (e) => e.type === 'OpportunityStatusChanged' && e.key === `opportunity-${id}`,
    );
    expect(status.data).toMatchObject({ previousStatus: 'open', status: 'won' });
  });

  it('answers every bad field in one 400, in Serebro and HighLevel fields', async () => {
    const bad = await s.serebro('POST', '/opportunities', {
      token: northKey,
      body: {
        name: ' ',
        contactId: 'no-such-contact',
        status: 'closed',
        monetaryValue: -5,
        pipelineStageId: 'nope',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      statusCode: 400,
      message: expect.any(String),
      error: { code: 'VALIDATION_ERROR' },
    });
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'contactId',
      'monetaryValue',
      'name',
      'pipelineStageId',
      'status',
    ]);
    // the edge's own refusals list every field too
    const shapes = await s.serebro('POST', '/opportunities', {
      token: northKey,
      body: { monetaryValue: 'a lot' },
    });
    expect(shapes.status).toBe(400);
    expect(shapes.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'body.contactId',
      'body.monetaryValue',
      'body.name',
    ]);
  });

  it('pages by cursor: meta.nextPageUrl leads to the next page', async () => {
    const ids: string[] = [];
    for (const name of ['Deal A', 'Deal B', 'Deal C'])
      ids.push(
        (
          await s.serebro('POST', '/opportunities', {
            token: northKey,
            body: { name, contactId, source: 'paging' },
          })
        ).body.opportunity.id,
      );
    const first = await s.serebro('GET', '/opportunities?q=deal&limit=2', { token: northKey });
    expect(first.body.opportunities.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.meta).toMatchObject({ total: 3, currentPage: 1, nextPage: 2, startAfterId: ids[1] });
    const next = new URL(first.body.meta.nextPageUrl);
    const second = await s.serebro('GET', `${next.pathname}${next.search}`, { token: northKey });
    expect(second.body.opportunities.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect(second.body.meta).toMatchObject({
      total: 3,
      currentPage: 2,
      nextPage: null,
      prevPage: 1,
      nextPageUrl: null,
    });
    expect((await s.serebro('GET', '/opportunities?limit=101', { token: northKey })).status).toBe(400);
  });

  it("v2 with HighLevel's SDK: creates and moves an opportunity, searches, closes it lost and deletes it", async () => {
    const ghl = new HighLevel({ privateIntegrationToken: northPit, logLevel: 'none' });
    ghl.getHttpClient().defaults.baseURL = `${s.gateway.listeners.serebro.url}/v2`;
    const { pipelines } = await ghl.opportunities.getPipelines({ locationId: north });
    const pipeline = pipelines![0]!;
    const stages = pipeline.stages as unknown as { id: string; name: string }[];
    const created = await ghl.opportunities.createOpportunity({
      pipelineId: pipeline.id!,
      locationId: north,
      name: 'SDK deal',
      pipelineStageId: stages[0]!.id,
      status: 'open',
      contactId,
      monetaryValue: 300,
    });
    const id = created.opportunity!.id!;
    expect(created.opportunity).toMatchObject({ name: 'SDK deal', status: 'open', locationId: north });
    const moved = await ghl.opportunities.updateOpportunity(
      { id },
      { pipelineStageId: stages[1]!.id, monetaryValue: 450 },
    );
    expect(moved.opportunity).toMatchObject({ pipelineStageId: stages[1]!.id, monetaryValue: 450 });
    const found = await ghl.opportunities.searchOpportunity({
      locationId: north,
      pipelineId: pipeline.id!,
      pipelineStageId: stages[1]!.id,
      limit: 10,
    });
    expect(found.opportunities!.map((o) => o.id)).toEqual([id]);
    expect(found.meta).toMatchObject({ total: 1 });
    expect(await ghl.opportunities.updateOpportunityStatus({ id }, { status: 'lost' })).toEqual({
      succeded: true,
    });
    expect((await ghl.opportunities.getOpportunity({ id })).opportunity).toMatchObject({ status: 'lost' });
    expect(await ghl.opportunities.deleteOpportunity({ id })).toEqual({ succeded: true });
    await expect(ghl.opportunities.getOpportunity({ id })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('answers an empty id segment as the path it is: GET /v2/opportunities/ is 405 (POST only), not a 400 for an empty id', async () => {
    const listing = await s.serebro('GET', '/v2/opportunities/', { token: northPit });
    expect({ status: listing.status, body: listing.body }).toMatchObject({ status: 405 });
    expect(listing.headers.get('allow')).toContain('POST');
    expect(
      (await s.serebro('PATCH', '/opportunities/', { token: northKey, body: { name: 'x' } })).status,
    ).toBe(404);
  });

  it('an agency key acts in the location it names, and only there', async () => {
    const viaAgency = await s.serebro('POST', '/opportunities', {
      token: agencyKey,
      body: { locationId: north, name: 'Agency deal', contactId },
    });
    expect(viaAgency.status).toBe(201);
    expect(viaAgency.body.opportunity.locationId).toBe(north);
    // the contact is North's: in South it is not a contact of the location
    const elsewhere = await s.serebro('POST', '/opportunities', {
      token: agencyKey,
      body: { locationId: south, name: 'Agency deal', contactId },
    });
    expect(elsewhere.status).toBe(400);
    // North's opportunity is not found from South
    const southKey = await records.apiKey(south);
    const id = viaAgency.body.opportunity.id;
    expect(
      (await s.serebro('PATCH', `/opportunities/${id}`, { token: southKey, body: { name: 'x' } })).status,
    ).toBe(404);
  });

  describe('tenancy: every opportunities row', () => {
    // [method, path, body, versions]: each row with a valid request, so only the location decides
    const rows: Array<[string, string, Record<string, unknown> | undefined, Array<'v1' | 'v2'>]> = [
      ['GET', '/opportunities', undefined, ['v1', 'v2']],
      ['POST', '/opportunities', { name: 'T', contactId: 'c' }, ['v1', 'v2']],
      ['PATCH', '/opportunities/some-id', { name: 'T' }, ['v1', 'v2']],
      ['GET', '/opportunities/search', undefined, ['v2']],
      ['GET', '/opportunities/pipelines', undefined, ['v2']],
      ['POST', '/opportunities/', { name: 'T', contactId: 'c' }, ['v2']],
      ['GET', '/opportunities/some-id', undefined, ['v2']],
      ['PUT', '/opportunities/some-id', { name: 'T' }, ['v2']],
      ['PUT', '/opportunities/some-id/status', { status: 'won' }, ['v2']],
      ['DELETE', '/opportunities/some-id', undefined, ['v2']],
    ];
    let southKey: string;
    let agencyPit: string;
    let otherAgencyKey: string;
    let otherAgencyPit: string;

    beforeAll(async () => {
      const elsewhere = (
        await oauth.asOwner<{ createAgency: { id: string } }>(
          `mutation { createAgency(name: "Elsewhere") { id } }`,
          {},
        )
      ).createAgency.id;
      [southKey, agencyPit, otherAgencyKey, otherAgencyPit] = await Promise.all([
        records.apiKey(south),
        records.pit(oauth.agencyId, ['opportunities.readonly', 'opportunities.write']),
        records.apiKey(elsewhere),
        records.pit(elsewhere, ['opportunities.readonly', 'opportunities.write']),
      ]);
    });

    const withLocation = (
      method: string,
      path: string,
      body: Record<string, unknown> | undefined,
      location: string,
    ) =>
      method === 'GET' || method === 'DELETE' || body === undefined
        ? { path: `${path}${path.includes('?') ? '&' : '?'}locationId=${location}`, body }
        : { path, body: { ...body, locationId: location } };

    it.each(rows)(
      '%s %s: another location, an agency without a location, another agency → 403',
      async (method, path, body, versions) => {
        for (const version of versions) {
          const prefix = version === 'v1' ? '' : '/v2';
          const locationToken =
            version === 'v1'
              ? southKey
              : await records.pit(south, ['opportunities.readonly', 'opportunities.write']);
          const agencyToken = version === 'v1' ? agencyKey : agencyPit;
          const otherToken = version === 'v1' ? otherAgencyKey : otherAgencyPit;
          const named = withLocation(method, path, body, north);
          const cases = [
            ['location credential naming another location', locationToken, named],
            ['agency credential naming no location', agencyToken, { path, body }],
            ['another agency naming this location', otherToken, named],
          ] as const;
          for (const [what, token, request] of cases) {
            const answer = await s.serebro(method, `${prefix}${request.path}`, { token, body: request.body });
            expect({ version, what, status: answer.status }).toEqual({ version, what, status: 403 });
            expect(answer.body).toMatchObject({ statusCode: 403, error: { code: expect.any(String) } });
          }
        }
      },
    );
  });
});
