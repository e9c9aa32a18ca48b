import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue, serebroRecords } from '../../test-support/serebro-records';

// Serebro §3.4 workflows through the gateway, against the real identity, crm, PostgreSQL, Kafka and
// Temporal: definitions and credentials over REST, GET /workflows in HighLevel's body, execute
// (202, 404 for a draft), the executions list with filters and HighLevel's cursor, one execution
// with its step log, HighLevel's contact ↔ workflow paths on v2 (add, and remove cancelling a
// waiting execution), scopes, and a custom webhook action reaching a loopback receiver.

describe('Serebro workflows', () => {
  let s: RestSuite;
  let oauth: SerebroOAuth;
  let north: string;
  let south: string;
  let northKey: string;
  let southKey: string;
  let northPit: string;
  let readOnlyPit: string;
  let contactId: string;
  let server: Server;
  let receiver: string;
  const hits: { headers: IncomingMessage['headers']; body: string; url: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        hits.push({ headers: request.headers, body, url: request.url ?? '' });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    oauth = await startSerebroOAuth({
      user: 'flows',
      agency: 'Flows Agency',
      locations: ['North', 'South'],
      suite: {
        crmEnv: {
          OUTBOUND_ALLOW_PRIVATE: '127.0.0.1',
        },
      },
    });
    ({ s } = oauth);
    [north, south] = oauth.locations as [string, string];
    const records = serebroRecords(oauth);
    [northKey, southKey, northPit, readOnlyPit, contactId] = await Promise.all([
      records.apiKey(north),
      records.apiKey(south),
      records.pit(north, ['workflows.readonly', 'workflows.write']),
      records.pit(north, ['workflows.readonly']),
      records.contact(north, 'flow@example.com'),
    ]);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const executionOf = (id: string, token = northKey) =>
    eventuallyValue(async () => {
      const answer = await s.serebro('GET', `/workflow-executions/${id}`, { token });
      return answer.status === 200 && ['completed', 'failed'].includes(answer.body.execution.status)
        ? answer.body.execution
        : undefined;
    }, 60_000);

  it('v1: defines, publishes and executes a workflow whose custom action sends a stored credential; reads the execution with its step log', async () => {
    const credential = await s.serebro('POST', '/credentials', {
      token: northKey,
      body: {
        name: 'Receiver',
        kind: 'api_key',
        values: { header: 'X-Api-Key', value: 'key_live_0123456789ab' },
      },
    });
    expect(credential.status).toBe(201);
    expect(credential.text).not.toContain('0123456789ab');
    expect(credential.body.credential).toMatchObject({
      name: 'Receiver',
      kind: 'api_key',
      version: 1,
      values: [
        { key: 'header', masked: expect.any(String) },
        { key: 'value', masked: 'key_…89ab' },
      ],
    });

    const created = await s.serebro('POST', '/workflows', {
      token: northKey,
      body: {
        name: 'Notify receiver',
        steps: [
          { type: 'add_tag', tags: ['notified'] },
          {
            type: 'custom_webhook',
            method: 'POST',
            url: `${receiver}/hook`,
            credentialId: credential.body.credential.id,
            body: { email: '{{contact.email}}' },
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const workflow = created.body.workflow;
    expect(workflow).toMatchObject({
      name: 'Notify receiver',
      status: 'draft',
      version: 0,
      locationId: north,
    });

    const draft = await s.serebro('POST', `/workflows/${workflow.id}/execute`, {
      token: northKey,
      body: { contactId },
    });
    expect(draft.status).toBe(404);

    const published = await s.serebro('POST', `/workflows/${workflow.id}/publish`, { token: northKey });
    expect(published.status).toBe(200);
    expect(published.body.workflow).toMatchObject({ status: 'published', version: 1 });

    const listed = await s.serebro('GET', '/workflows', { token: northKey });
    expect(listed.status).toBe(200);
    expect(listed.body.workflows).toEqual([
      {
        id: workflow.id,
        name: 'Notify receiver',
        status: 'published',
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        locationId: north,
      },
    ]);

    const executed = await s.serebro('POST', `/workflows/${workflow.id}/execute`, {
      token: northKey,
      body: { contactId },
    });
    expect(executed.status).toBe(202);
    expect(executed.body).toEqual({
      executionId: expect.any(String),
      workflowId: workflow.id,
      contactId,
      status: 'running',
    });
    const execution = await executionOf(executed.body.executionId);
    expect(execution).toMatchObject({
      id: executed.body.executionId,
      workflowId: workflow.id,
      contactId,
      workflowVersion: 1,
      status: 'completed',
      trigger: 'manual',
      steps: [
        expect.objectContaining({ position: 0, stepType: 'add_tag', outcome: 'succeeded' }),
        expect.objectContaining({
          position: 1,
          stepType: 'custom_webhook',
          outcome: 'succeeded',
          detail: { status: 200 },
        }),
      ],
    });
    const hit = hits.find((h) => h.url === '/hook')!;
    expect(hit.headers['x-api-key']).toBe('key_live_0123456789ab');
    expect(JSON.parse(hit.body)).toEqual({ email: 'flow@example.com' });

    // another location sees none of it
    expect(
      (await s.serebro('GET', `/workflow-executions/${executed.body.executionId}`, { token: southKey }))
        .status,
    ).toBe(404);
    expect((await s.serebro('GET', '/workflows', { token: southKey })).body.workflows).toEqual([]);
    expect(
      (await s.serebro('POST', `/workflows/${workflow.id}/execute`, { token: southKey, body: { contactId } }))
        .status,
    ).toBe(404);
  });

  it("v1 and v2: an inbound_webhook workflow's URL takes a POST without a credential and starts it once per Idempotency-Key", async () => {
    const created = await s.serebro('POST', '/workflows', {
      token: northKey,
      body: {
        name: 'From the form',
        trigger: { type: 'inbound_webhook' },
        steps: [{ type: 'add_tag', tags: ['{{trigger.form}}'] }],
      },
    });
    const workflowId = created.body.workflow.id;
    const published = await s.serebro('POST', `/workflows/${workflowId}/publish`, { token: northKey });
    const url: string = published.body.workflow.inboundWebhookUrl;
    const path = new URL(url).pathname;
    expect(path).toMatch(new RegExp(`^/hooks/workflows/${workflowId}/[A-Za-z0-9_-]{32}$`));
    const sent = await s.serebro('POST', path, {
      body: { email: 'flow@example.com', form: 'signup' },
      headers: { 'idempotency-key': 'form-1' },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ received: true, executionIds: [expect.any(String)] });
    const resent = await s.serebro('POST', `/v2${path}`, {
      body: { email: 'flow@example.com', form: 'signup' },
      headers: { 'idempotency-key': 'form-1' },
    });
    expect(resent.body.executionIds).toEqual(sent.body.executionIds);
    expect((await executionOf(sent.body.executionIds[0])).status).toBe('completed');
    const wrong = await s.serebro('POST', `/hooks/workflows/${workflowId}/${'x'.repeat(32)}`, {
      body: { email: 'flow@example.com' },
    });
    expect(wrong.status).toBe(404);
    const nobody = await s.serebro('POST', path, { body: { email: 'nobody@example.com' } });
    expect(nobody.status).toBe(400);
  });

  it('refuses a bad definition with every field in one 400, and a private URL', async () => {
    const answer = await s.serebro('POST', '/workflows', {
      token: northKey,
      body: {
        name: '',
        trigger: { type: 'birthday' },
        steps: [{ type: 'custom_webhook', method: 'POST', url: 'http://169.254.169.254/latest' }],
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'steps[0].url' })]),
    );
    const execute = await s.serebro('POST', '/workflows/whatever/execute', { token: northKey, body: {} });
    expect(execute.status).toBe(400);
  });

  it('v2: lists executions with filters and cursor pages; HighLevel adds a contact to a workflow and removing it cancels the waiting execution', async () => {
    const created = await s.serebro('POST', '/v2/workflows', {
      token: northPit,
      body: {
        name: 'Wait a day',
        steps: [
          { type: 'wait', seconds: 86_400 },
          { type: 'add_tag', tags: ['late'] },
        ],
      },
    });
    expect(created.status).toBe(201);
    const workflowId = created.body.workflow.id;
    await s.serebro('POST', `/v2/workflows/${workflowId}/publish`, { token: northPit });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const added = await s.serebro('POST', `/v2/contacts/${contactId}/workflow/${workflowId}`, {
        token: northPit,
        body: {},
      });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ succeded: true, executionId: expect.any(String) });
      ids.push(added.body.executionId);
    }
    const waiting = await eventuallyValue(async () => {
      const page = await s.serebro('GET', `/v2/workflow-executions?workflowId=${workflowId}&status=waiting`, {
        token: readOnlyPit,
      });
      return page.body.executions?.length === 2 ? page.body : undefined;
    }, 60_000);
    expect(waiting.meta.total).toBe(2);

    const first = await s.serebro('GET', `/v2/workflow-executions?workflowId=${workflowId}&limit=1`, {
      token: readOnlyPit,
    });
    expect(first.status).toBe(200);
    expect(first.body.executions).toHaveLength(1);
    expect(first.body.meta).toMatchObject({
      total: 2,
      nextPage: 2,
      nextPageUrl: expect.stringContaining('startAfterId='),
    });
    const next = await s.serebro(
      'GET',
      new URL(first.body.meta.nextPageUrl).pathname + new URL(first.body.meta.nextPageUrl).search,
      {
        token: readOnlyPit,
      },
    );
    expect(next.body.executions).toHaveLength(1);
    expect([first.body.executions[0].id, next.body.executions[0].id].sort()).toEqual([...ids].sort());
    expect(next.body.meta.nextPageUrl).toBeNull();

    const bad = await s.serebro('GET', '/v2/workflow-executions?status=sleeping&limit=500', {
      token: readOnlyPit,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['limit', 'status']);

    // a read-only token cannot remove
    expect(
      (await s.serebro('DELETE', `/v2/contacts/${contactId}/workflow/${workflowId}`, { token: readOnlyPit }))
        .status,
    ).toBe(401);
    const removed = await s.serebro('DELETE', `/v2/contacts/${contactId}/workflow/${workflowId}`, {
      token: northPit,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.succeded).toBe(true);
    expect([...removed.body.cancelled].sort()).toEqual([...ids].sort());
    const cancelled = await eventuallyValue(async () => {
      const page = await s.serebro(
        'GET',
        `/v2/workflow-executions?workflowId=${workflowId}&status=cancelled`,
        { token: readOnlyPit },
      );
      return page.body.executions?.length === 2 ? page.body : undefined;
    }, 60_000);
    expect(cancelled.meta.total).toBe(2);
  });
});
