import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asCaller, freshConsumerGroup, graphql, testServiceEnv } from '@seren/testing';
import { startCrmService, type CrmService } from '../service';
import { openCredentialValues } from '../credentials/service';
import { automationTriggersConsumer } from './consumer';

// Workflows of the crm subgraph on the real PostgreSQL, Kafka and Temporal, with a real HTTP
// receiver on loopback (allowed by OUTBOUND_ALLOW_PRIVATE for 127.0.0.1 only): a custom webhook
// action sends its templated body with a stored credential and saves the answer on the contact;
// private addresses are refused at creation and at send time; a trigger event delivered twice
// starts one execution; a waiting execution keeps its version and is cancelled when its contact
// is removed from the workflow; credentials are masked in every read and rotate.

interface Hit {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
  url: string;
}

describe('crm subgraph: workflows and executions', () => {
  let service: CrmService;
  let server: Server;
  let receiver: string;
  const hits: Hit[] = [];
  const location = `loc-wf-${Date.now().toString(36)}`;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the answers' fields freely
  const run = async <T = Record<string, any>>(query: string, variables = {}) => {
    const caller = await asCaller({
      subject: 'key-1',
      kind: 'agent',
      via: 'api_key',
      authClass: 'Location',
      organizationId: location,
      resourceId: location,
    });
    return graphql<T>(service.url, query, variables, caller);
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ok = async (query: string, variables = {}): Promise<Record<string, any>> => {
    const answer = await run(query, variables);
    if (answer.errors?.length) throw new Error(JSON.stringify(answer.errors));
    return answer.data!;
  };
  const until = async <T>(what: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await what();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const execution = (id: string) =>
    ok(
      `query($id: ID!) { workflowExecution(id: $id) { id status workflowVersion error currentStep
         steps { position stepIndex stepType outcome detail } } }`,
      { id },
    ).then((d) => d.workflowExecution);
  const ended = (id: string, status = 'completed') =>
    until(async () => {
      const e = await execution(id).catch(() => undefined);
      return e && e.status === status ? e : undefined;
    });
  const contact = async (email: string, extra: Record<string, unknown> = {}) =>
    (await ok(`mutation($i: ContactInput!) { createContact(input: $i) { id } }`, { i: { email, ...extra } }))
      .createContact.id as string;
  const published = async (input: Record<string, unknown>) => {
    const created = await ok(`mutation($i: WorkflowInput!) { createWorkflow(input: $i) { id } }`, {
      i: input,
    });
    const id = created.createWorkflow.id as string;
    await ok(`mutation($id: ID!) { publishWorkflow(id: $id) { version } }`, { id });
    return id;
  };
  const execute = async (workflowId: string, contactId: string) =>
    (
      await ok(`mutation($w: ID!, $c: ID!) { executeWorkflow(id: $w, contactId: $c) { executionId } }`, {
        w: workflowId,
        c: contactId,
      })
    ).executeWorkflow.executionId as string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        hits.push({ method: request.method ?? '', headers: request.headers, body, url: request.url ?? '' });
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data: { ref: 'R-42' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    service = await startCrmService(
      testServiceEnv('crm', {
        env: {
          OUTBOUND_ALLOW_PRIVATE: '127.0.0.1',
          AUTOMATION_TRIGGERS_GROUP: await freshConsumerGroup('crm.automation-triggers'),
        },
      }),
    );
  }, 90_000);
  afterAll(async () => {
    await service?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('stores a credential masked in every read, and rotation keeps the previous version until the next', async () => {
    const created = await ok(
      `mutation($i: CreateCredentialInput!) { createCredential(input: $i) { id kind version values { key masked } } }`,
      {
        i: {
          name: 'Rotation API',
          kind: 'bearer',
          values: [{ key: 'token', value: 'sk_live_first_0000001111' }],
        },
      },
    );
    const id = created.createCredential.id;
    expect(created.createCredential).toEqual({
      id,
      kind: 'bearer',
      version: 1,
      values: [{ key: 'token', masked: 'sk_…1111' }],
    });
    const rotated = await ok(
      `mutation($id: ID!, $v: [CredentialSecretInput!]!) { rotateCredential(id: $id, values: $v) { version values { key masked } } }`,
      { id, v: [{ key: 'token', value: 'sk_live_second_000002222' }] },
    );
    expect(rotated.rotateCredential).toEqual({ version: 2, values: [{ key: 'token', masked: 'sk_…2222' }] });

    const crm = service.application;
    await expect(openCredentialValues(crm, location, id)).resolves.toEqual({
      token: 'sk_live_second_000002222',
    });
    await expect(openCredentialValues(crm, location, id, { version: 'previous' })).resolves.toEqual({
      token: 'sk_live_first_0000001111',
    });
    await expect(openCredentialValues(crm, 'another-location', id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // nothing in clear at rest or in the events
    const rows: { text: string }[] = await service.dataSource.query(
      `select (select string_agg(sealed, ',') from credential_secrets where credential_id = $1) ||
              (select string_agg(data::text, ',') from events where stream_id = $2) as text`,
      [id, `credential-${id}`],
    );
    expect(rows[0]!.text).not.toContain('sk_live_');
    const duplicate = await run(
      `mutation($i: CreateCredentialInput!) { createCredential(input: $i) { id } }`,
      { i: { name: 'rotation api', values: [{ key: 'token', value: 'x' }] } },
    );
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_ERROR',
      fields: [{ field: 'name', message: expect.any(String) }],
    });
    await ok(`mutation($id: ID!) { deleteCredential(id: $id) }`, { id });
    await expect(openCredentialValues(crm, location, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a custom webhook action sends its templated JSON with the stored credential and saves the answer on the contact', async () => {
    const credential = await ok(
      `mutation($i: CreateCredentialInput!) { createCredential(input: $i) { id } }`,
      {
        i: {
          name: 'Billing',
          kind: 'bearer',
          values: [
            { key: 'token', value: 'sk_live_abcdef123456' },
            { key: 'account', value: 'acct-77' },
          ],
        },
      },
    );
    const contactId = await contact('ada@example.com', { firstName: 'Ada' });
    const workflowId = await published({
      name: 'Sync to billing',
      steps: [
        { type: 'add_tag', tags: ['synced'] },
        {
          type: 'custom_webhook',
          method: 'PUT',
          url: `${receiver}/customers/{{contact.id}}`,
          credentialId: credential.createCredential.id,
          headers: [{ name: 'X-Account', value: '{{credential.account}}' }],
          body: { email: '{{contact.email}}', name: '{{contact.firstName}}', plan: 'gold' },
          saveResponse: { field: 'source', path: 'data.ref' },
        },
      ],
    });
    const executionId = await execute(workflowId, contactId);
    const done = await ended(executionId);
    expect(done.steps).toEqual([
      expect.objectContaining({ position: 0, stepIndex: 0, stepType: 'add_tag', outcome: 'succeeded' }),
      expect.objectContaining({
        position: 1,
        stepIndex: 1,
        stepType: 'custom_webhook',
        outcome: 'succeeded',
        detail: { status: 200, savedTo: 'source' },
      }),
    ]);
    const hit = hits.find((h) => h.url === `/customers/${contactId}`)!;
    expect(hit.method).toBe('PUT');
    expect(hit.headers.authorization).toBe('Bearer sk_live_abcdef123456');
    expect(hit.headers['x-account']).toBe('acct-77');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hit.body)).toEqual({ email: 'ada@example.com', name: 'Ada', plan: 'gold' });
    const saved = await ok(`query($id: ID!) { contact(id: $id) { source tags } }`, { id: contactId });
    expect(saved.contact).toEqual({ source: 'R-42', tags: ['synced'] });
    // the secret is in no event of the execution
    const events: { data: string }[] = await service.dataSource.query(
      `select data::text as data from events where stream_id = $1`,
      [`workflow-execution-${executionId}`],
    );
    expect(events.map((e) => e.data).join()).not.toContain('sk_live_abcdef123456');
  });

  it('sends form data with GET-free methods and a static body', async () => {
    const contactId = await contact('form@example.com');
    const workflowId = await published({
      name: 'Form post',
      steps: [
        {
          type: 'custom_webhook',
          method: 'POST',
          url: `${receiver}/form`,
          bodyType: 'form',
          body: { email: '{{contact.email}}', kind: 'lead' },
        },
      ],
    });
    await ended(await execute(workflowId, contactId));
    const hit = hits.find((h) => h.url === '/form')!;
    expect(hit.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(hit.body).get('email')).toBe('form@example.com');
  });

  it('refuses private, link-local and metadata URLs when the workflow is saved, and a templated one when it sends', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.7/hook',
      'http://[::1]:8080/',
    ]) {
      const answer = await run(`mutation($i: WorkflowInput!) { createWorkflow(input: $i) { id } }`, {
        i: { name: 'Bad', steps: [{ type: 'custom_webhook', method: 'POST', url }] },
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: 'VALIDATION_ERROR',
        fields: [expect.objectContaining({ field: 'steps[0].url' })],
      });
    }
    const contactId = await contact('rebind@example.com', { website: '10.1.2.3' });
    const workflowId = await published({
      name: 'Templated host',
      steps: [
        { type: 'custom_webhook', method: 'GET', url: 'http://{{contact.website}}/x' },
        { type: 'add_tag', tags: ['after'] },
      ],
    });
    const done = await ended(await execute(workflowId, contactId));
    expect(done.steps[0]).toMatchObject({
      stepType: 'custom_webhook',
      outcome: 'failed',
      detail: { status: null, error: expect.stringContaining('refused') },
    });
    expect(done.steps[1]).toMatchObject({ stepType: 'add_tag', outcome: 'succeeded' });
    expect(hits.some((h) => h.url === '/x')).toBe(false);
  });

  it('a trigger event delivered twice starts one execution', async () => {
    const workflowId = await published({
      name: 'VIP welcome',
      trigger: { type: 'contact_tag_added', filters: { tag: 'vip' } },
      steps: [{ type: 'add_tag', tags: ['welcomed'] }],
    });
    const contactId = await contact('vip@example.com');
    await ok(`mutation($id: ID!) { addContactTags(id: $id, tags: ["vip"]) { id } }`, { id: contactId });
    const first = await until(async () => {
      const page = await ok(
        `query($w: ID) { workflowExecutions(workflowId: $w) { executions { id status } meta { total } } }`,
        { w: workflowId },
      );
      return page.workflowExecutions.executions[0]?.status === 'completed'
        ? page.workflowExecutions
        : undefined;
    });
    expect(first.meta.total).toBe(1);
    // the same event again, twice, as a redelivery would hand it to the consumer
    const [stored] = await service.dataSource.query(
      `select event_id as id, type, data, stream_id from events where stream_id = $1 and type = 'ContactTagAdded' order by position desc limit 1`,
      [`contact-${contactId}`],
    );
    const consumer = automationTriggersConsumer(service.application);
    const event = {
      id: stored.id,
      type: stored.type,
      data: stored.data,
      schemaVersion: 1,
      source: 'crm',
      subject: stored.stream_id,
      time: new Date(),
      metadata: {},
      topic: 'crm.contact',
    };
    await service.dataSource.transaction((manager) => consumer.handler(event as never, { manager }));
    await service.dataSource.transaction((manager) => consumer.handler(event as never, { manager }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const again = await ok(`query($w: ID) { workflowExecutions(workflowId: $w) { meta { total } } }`, {
      w: workflowId,
    });
    expect(again.workflowExecutions.meta.total).toBe(1);
  });

  it('a waiting execution keeps its version when a new one is published, and removing the contact cancels it', async () => {
    const contactId = await contact('waiter@example.com');
    const workflowId = await published({
      name: 'Nurture',
      steps: [
        { type: 'wait', seconds: 3600 },
        { type: 'add_tag', tags: ['nurtured'] },
      ],
    });
    const executionId = await execute(workflowId, contactId);
    await until(async () =>
      (await execution(executionId).catch(() => undefined))?.status === 'waiting' ? true : undefined,
    );
    await ok(`mutation($id: ID!, $i: WorkflowInput!) { updateWorkflow(id: $id, input: $i) { id } }`, {
      id: workflowId,
      i: { steps: [{ type: 'end' }] },
    });
    const republished = await ok(`mutation($id: ID!) { publishWorkflow(id: $id) { version status } }`, {
      id: workflowId,
    });
    expect(republished.publishWorkflow).toEqual({ version: 2, status: 'published' });
    expect(await execution(executionId)).toMatchObject({ status: 'waiting', workflowVersion: 1 });
    const removed = await ok(
      `mutation($c: ID!, $w: ID!) { removeContactFromWorkflow(contactId: $c, workflowId: $w) { succeded cancelled } }`,
      {
        c: contactId,
        w: workflowId,
      },
    );
    expect(removed.removeContactFromWorkflow).toEqual({ succeded: true, cancelled: [executionId] });
    const cancelled = await ended(executionId, 'cancelled');
    expect(cancelled.steps.map((s: { stepType: string }) => s.stepType)).toEqual(['wait']);
    const tags = await ok(`query($id: ID!) { contact(id: $id) { tags } }`, { id: contactId });
    expect(tags.contact.tags).toEqual([]);
  });

  it('an inbound_webhook workflow has a URL of its own: a POST naming the contact starts it once per Idempotency-Key', async () => {
    const contactId = await contact('inbound@example.com');
    const workflowId = await published({
      name: 'Inbound',
      trigger: { type: 'inbound_webhook' },
      steps: [{ type: 'add_tag', tags: ['{{trigger.campaign}}'] }],
    });
    const { workflow } = await ok(`query($id: ID!) { workflow(id: $id) { inboundWebhookUrl } }`, {
      id: workflowId,
    });
    const match = new RegExp(`/hooks/workflows/${workflowId}/([A-Za-z0-9_-]{32})$`).exec(
      workflow.inboundWebhookUrl,
    );
    expect(match).not.toBeNull();
    const post = (token: string, key: string) =>
      fetch(`${service.url}/internal/automation/inbound/${workflowId}/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ email: 'INBOUND@example.com', campaign: 'spring', nested: { dropped: true } }),
      });
    const first = await post(match![1]!, 'k-1');
    expect(first.status).toBe(202);
    const { executionIds } = (await first.json()) as { executionIds: string[] };
    expect(executionIds).toHaveLength(1);
    const again = await post(match![1]!, 'k-1');
    expect(((await again.json()) as { executionIds: string[] }).executionIds).toEqual(executionIds);
    expect((await post('x'.repeat(32), 'k-2')).status).toBe(404);
    await ended(executionIds[0]!);
    const tagged = await ok(`query($id: ID!) { contact(id: $id) { tags } }`, { id: contactId });
    expect(tagged.contact.tags).toEqual(['spring']);
    const page = await ok(`query($w: ID) { workflowExecutions(workflowId: $w) { meta { total } } }`, {
      w: workflowId,
    });
    expect(page.workflowExecutions.meta.total).toBe(1);
    const other = await published({ name: 'Manual', steps: [] });
    expect(
      (await fetch(`${service.url}/internal/automation/inbound/${other}/${match![1]}`, { method: 'POST' }))
        .status,
    ).toBe(404);
  });

  it('opens an opportunity for the contact and moves it won, if/else choosing the branch from contact fields', async () => {
    const contactId = await contact('deal@example.com', { companyName: 'Acme' });
    const workflowId = await published({
      name: 'Deal',
      steps: [
        {
          type: 'if_else',
          conditions: [{ field: 'companyName', operator: 'eq', value: 'acme' }],
          elseStep: 3,
        },
        { type: 'create_opportunity', name: 'Deal for {{contact.companyName}}', monetaryValue: 120 },
        { type: 'move_opportunity', status: 'won' },
        { type: 'end' },
      ],
    });
    const done = await ended(await execute(workflowId, contactId));
    expect(
      done.steps.map((s: { stepType: string; outcome: string }) => `${s.stepType}:${s.outcome}`),
    ).toEqual([
      'if_else:succeeded',
      'create_opportunity:succeeded',
      'move_opportunity:succeeded',
      'end:succeeded',
    ]);
    expect(done.steps[0].detail).toEqual({ branch: 'then' });
    const rows: { name: string; status: string; source: string }[] = await service.dataSource.query(
      `select name, status, source from opportunities where contact_id = $1`,
      [contactId],
    );
    expect(rows).toEqual([
      { name: 'Deal for Acme', status: 'won', source: expect.stringMatching(/^workflow:/) },
    ]);
    const other = await contact('nodeal@example.com');
    const skipped = await ended(await execute(workflowId, other));
    expect(skipped.steps.map((s: { stepType: string }) => s.stepType)).toEqual(['if_else', 'end']);
  });

  it('an unknown or draft workflow cannot be executed (404)', async () => {
    const contactId = await contact('draft@example.com');
    const draft = await ok(`mutation { createWorkflow(input: { name: "Draft" }) { id status version } }`);
    expect(draft.createWorkflow).toMatchObject({ status: 'draft', version: 0 });
    for (const id of [draft.createWorkflow.id, 'no-such-workflow']) {
      const answer = await run(
        `mutation($w: ID!, $c: ID!) { executeWorkflow(id: $w, contactId: $c) { executionId } }`,
        { w: id, c: contactId },
      );
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});
