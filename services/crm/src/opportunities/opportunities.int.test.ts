import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { startCrmService, type CrmService } from '../service';

// The crm subgraph's opportunities and pipelines on the real PostgreSQL: a location's own pipeline,
// moves between pipelines (another pipeline's first stage unless one is named), stages and
// pipelines of another location refused, filters, and the events each change appends.
describe('crm subgraph: opportunities and pipelines', () => {
  let service: CrmService;
  const location = `loc-${Date.now().toString(36)}`;
  const other = `${location}-other`;
  const as = (organizationId: string) =>
    asCaller({
      subject: 'key-1',
      kind: 'agent',
      via: 'api_key',
      authClass: 'Location',
      organizationId,
      resourceId: organizationId,
    });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const run = async <T = Record<string, any>>(organizationId: string, query: string, variables = {}) =>
    graphql<T>(service.url, query, variables, await as(organizationId));
  const fieldsOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
    ((result.errors?.[0]?.extensions?.fields ?? []) as { field: string }[]).map((f) => f.field).sort();
  let contactId: string;

  beforeAll(async () => {
    service = await startCrmService(testServiceEnv('crm'));
    contactId = (
      await run(location, `mutation { createContact(input: { email: "lead@example.com" }) { id } }`)
    ).data!.createContact.id;
  });
  afterAll(() => service?.close());

  it('moves a deal between pipelines, and records one event per kind of change', async () => {
    const custom = await run(
      location,
      `mutation { createPipeline(name: " Renewals ", stages: ["Due", "Quoted", "Renewed"]) { id name isDefault stages { id name position } } }`,
    );
    expect(custom.errors).toBeUndefined();
    const renewals = custom.data!.createPipeline;
    expect(renewals).toMatchObject({ name: 'Renewals', isDefault: false });
    expect(renewals.stages.map((s: { name: string; position: number }) => [s.name, s.position])).toEqual([
      ['Due', 0],
      ['Quoted', 1],
      ['Renewed', 2],
    ]);
    const pipelines = (await run(location, `{ pipelines { id isDefault stages { id } } }`)).data!.pipelines;
    expect(pipelines.map((p: { isDefault: boolean }) => p.isDefault)).toEqual([true, false]);
    const sales = pipelines[0];

    const created = await run(
      location,
      `mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id pipelineId pipelineStageId status contact { id email } } }`,
      {
        i: {
          name: 'Annual plan',
          contactId,
          pipelineId: renewals.id,
          pipelineStageId: renewals.stages[1].id,
        },
      },
    );
    expect(created.data!.createOpportunity).toMatchObject({
      pipelineId: renewals.id,
      pipelineStageId: renewals.stages[1].id,
      status: 'open',
      contact: { id: contactId, email: 'lead@example.com' },
    });
    const id = created.data!.createOpportunity.id;

    // a stage of another pipeline than the one named is refused
    const wrong = await run(
      location,
      `mutation($id: ID!, $i: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $i) { id } }`,
      { id, i: { pipelineStageId: sales.stages[2].id } },
    );
    expect(fieldsOf(wrong)).toEqual(['pipelineStageId']);
    // to the default pipeline without a stage: its first stage
    const moved = await run(
      location,
      `mutation($id: ID!, $i: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $i) { pipelineId pipelineStageId pipeline { isDefault } } }`,
      { id, i: { pipelineId: sales.id, monetaryValue: 120, status: 'abandoned' } },
    );
    expect(moved.data!.updateOpportunity).toEqual({
      pipelineId: sales.id,
      pipelineStageId: sales.stages[0].id,
      pipeline: { isDefault: true },
    });
    const events: { type: string; data: Record<string, unknown> }[] = await service.dataSource.query(
      `select type, data from events where stream_id = $1 order by stream_version`,
      [`opportunity-${id}`],
    );
    expect(events.map((e) => e.type)).toEqual([
      'OpportunityCreated',
      'OpportunityUpdated',
      'OpportunityStageChanged',
      'OpportunityStatusChanged',
    ]);
    expect(events[2]!.data).toMatchObject({
      previousPipelineId: renewals.id,
      previousStageId: renewals.stages[1].id,
      pipelineId: sales.id,
      pipelineStageId: sales.stages[0].id,
    });

    const filtered = await run(
      location,
      `query($p: ID) { opportunities(filter: { pipelineId: $p, status: "abandoned" }) { items { id } meta { total } } }`,
      { p: sales.id },
    );
    expect(filtered.data!.opportunities).toEqual({ items: [{ id }], meta: { total: 1 } });
  });

  it("refuses another location's pipeline and contact, and answers its opportunities as not found", async () => {
    const renewals = (await run(location, `{ pipelines { id isDefault } }`)).data!.pipelines.find(
      (p: { isDefault: boolean }) => !p.isDefault,
    );
    const elsewhere = await run(
      other,
      `mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }`,
      { i: { name: 'Poach', contactId, pipelineId: renewals.id } },
    );
    expect(fieldsOf(elsewhere)).toEqual(['contactId', 'pipelineId']);
    const mine = (
      await run(
        location,
        `mutation($c: ID!) { createOpportunity(input: { name: "Mine", contactId: $c }) { id } }`,
        {
          c: contactId,
        },
      )
    ).data!.createOpportunity.id;
    const peek = await run(other, `query($id: ID!) { opportunity(id: $id) { id } }`, { id: mine });
    expect(peek.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const gone = await run(other, `mutation($id: ID!) { deleteOpportunity(id: $id) }`, { id: mine });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
