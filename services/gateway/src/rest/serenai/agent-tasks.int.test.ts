import { randomUUID } from 'node:crypto';
import { startAgentTask } from '@seren/commerce/dist/agent-tasks/index.js';
import { startTestAgent, type TestAgent } from '@seren/commerce/dist/agent-tasks/test-support/a2a-agent.js';
import { readSse } from '@seren/commerce/dist/agent-tasks/test-support/sse.js';
import { accounts, postEntry } from '@seren/commerce/dist/ledger/index.js';
import type { ProxyPublisher } from '@seren/commerce/dist/publishers/index.js';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restAgent } from '../../test-support/rest-flows';

// SerenAI "Agent Tasks" through the gateway: the five operations at the spec's paths, the stream
// forwarded as server-sent events with Last-Event-ID, against a real @a2a-js/sdk agent on
// loopback. The task is started the way the proxy's root call on an agent publisher starts one
// (commerce's startAgentTask with the publisher found by slug).

describe('SerenAI agent tasks through the gateway', () => {
  let s: RestSuite;
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent();
    s = await startRestSuite({ commerceEnv: { AGENT_TASK_SSE_HEARTBEAT_MS: '200' } });
  });
  afterAll(async () => {
    await s?.close();
    await agent?.close();
  });

  const publisher = {
    id: randomUUID(),
    slug: `research-${randomUUID().slice(0, 8)}`,
    integrationType: 'agent',
    pricing: { USDC: { hourlyRate: 36_000_000n, minCharge: 20_000n } }, // $36/h, at least $0.02
    upstream: { a2aEndpointUrl: '' },
  };
  const agentPublisher = () =>
    ({ ...publisher, upstream: { a2aEndpointUrl: agent.url } }) as unknown as ProxyPublisher;

  async function fundedAgent(funded = 5_000_000n) {
    const caller = await restAgent(s);
    await s.commerce.application.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'deposit_test',
        reference: randomUUID(),
        organizationId: caller.organizationId,
        lines: [
          { account: accounts.agentFunded(caller.organizationId, 'USDC'), asset: 'USDC', amount: funded },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -funded },
        ],
      }),
    );
    return caller;
  }

  const start = async (caller: { id: string; organizationId: string }, message: unknown) =>
    (
      await startAgentTask(s.commerce.application, {
        publisher: agentPublisher(),
        organizationId: caller.organizationId,
        agentId: caller.id,
        message,
      })
    ).taskId;

  const tasks = (org = 'default') => `/organizations/${org}/agents/tasks`;
  const streamUrl = (taskId: string, org = 'default') =>
    `${s.gateway.listeners.serenai.url}${tasks(org)}/${taskId}/stream`;

  async function until(token: string, taskId: string, done: (status: string) => boolean) {
    for (let i = 0; i < 400; i++) {
      const r = await s.serenai('GET', `${tasks()}/${taskId}`, { token });
      if (r.status === 200 && done(r.body.data.status)) return r;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`task ${taskId} did not get there`);
  }

  it('GET task and events: the task follows the agent to completed, charged, its events in order', async () => {
    const caller = await fundedAgent();
    const taskId = await start(caller, { message: 'quick study' });
    const done = await until(caller.token, taskId, (status) => status === 'completed');
    expect(done.body).toEqual({
      data: expect.objectContaining({
        id: taskId,
        organization_id: caller.organizationId,
        agent_id: caller.id,
        publisher_id: publisher.id,
        publisher_slug: publisher.slug,
        status: 'completed',
        remote_task_id: expect.any(String),
        input: { role: 'user', message_id: 'input', parts: [{ kind: 'text', text: 'quick study' }] },
        status_message: expect.objectContaining({
          role: 'agent',
          parts: [{ kind: 'text', text: 'finished' }],
        }),
        artifacts: [
          expect.objectContaining({
            artifact_id: 'report',
            parts: [{ kind: 'text', text: 'done: quick study' }],
          }),
        ],
        error: null,
        asset_symbol: 'USDC',
        hourly_rate: '36.00',
        min_charge: '0.02',
        cost: '0.02',
        cost_atomic: 20_000,
        shortfall_atomic: 0,
        last_sequence: 5,
        finished_at: expect.any(String),
      }),
      pagination: null,
    });
    const events = await s.serenai('GET', `${tasks()}/${taskId}/events`, { token: caller.token });
    expect(events.status).toBe(200);
    expect(
      events.body.data.map((e: { sequence: number; event_type: string; status: string }) => [
        e.sequence,
        e.event_type,
        e.status,
      ]),
    ).toEqual([
      [1, 'created', 'submitted'],
      [2, 'status', 'submitted'],
      [3, 'status', 'working'],
      [4, 'artifact', 'working'],
      [5, 'finished', 'completed'],
    ]);
    expect(events.body.data[4].data).toMatchObject({
      state: 'completed',
      cost_atomic: '20000',
      duration_ms: expect.any(Number),
    });
    // GraphQL answers the same task
    const graph = await s.client.ok(
      'query($id: ID!) { agentTask(organizationId: "default", taskId: $id) { status costAtomic lastSequence } }',
      { id: taskId },
      { token: caller.token },
    );
    expect(graph).toEqual({ agentTask: { status: 'completed', costAtomic: '20000', lastSequence: 5 } });
  });

  it('GET tasks: newest first, with pagination; bad paging 400; another organization 403', async () => {
    const caller = await fundedAgent();
    const ids = [
      await start(caller, 'reply one'),
      await start(caller, 'reply two'),
      await start(caller, 'reply three'),
    ];
    const page = await s.serenai('GET', `${tasks(caller.organizationId)}?limit=2&offset=0`, {
      token: caller.token,
    });
    expect(page.status).toBe(200);
    expect(page.body.pagination).toEqual({ total: 3, limit: 2, offset: 0 });
    expect(page.body.data.map((t: { id: string }) => t.id)).toEqual([ids[2], ids[1]]);
    const rest = await s.serenai('GET', `${tasks()}?limit=2&offset=2`, { token: caller.token });
    expect(rest.body.data.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
    const bad = await s.serenai('GET', `${tasks()}?limit=500`, { token: caller.token });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'VALIDATION_ERROR' });
    const other = await restAgent(s);
    const foreign = await s.serenai('GET', tasks(caller.organizationId), { token: other.token });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect((await s.serenai('GET', tasks(), { token: other.token })).body).toEqual({
      data: [],
      pagination: { total: 0, limit: 50, offset: 0 },
    });
    expect((await s.serenai('GET', tasks())).status).toBe(401);
  });

  it('POST cancel: 200 canceled (the remote task canceled too), again 400 ALREADY_TERMINAL, 404 for an unknown or foreign task', async () => {
    const caller = await fundedAgent();
    const taskId = await start(caller, 'slow 100 100');
    const running = await until(caller.token, taskId, (status) => status === 'working');
    const canceled = await s.serenai('POST', `${tasks()}/${taskId}/cancel`, { token: caller.token });
    expect(canceled.status).toBe(200);
    expect(canceled.body.data).toMatchObject({
      id: taskId,
      status: 'canceled',
      canceled_by: caller.id,
      cost: '0.02',
    });
    expect(agent.cancelRequests).toContain(running.body.data.remote_task_id);
    const again = await s.serenai('POST', `${tasks()}/${taskId}/cancel`, { token: caller.token });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'ALREADY_TERMINAL', message: 'the task already ended (canceled)' });
    const other = await restAgent(s);
    for (const [method, path] of [
      ['POST', `${tasks()}/${taskId}/cancel`],
      ['GET', `${tasks()}/${taskId}`],
      ['GET', `${tasks()}/${taskId}/events`],
      ['GET', `${tasks()}/${randomUUID()}`],
    ] as const) {
      const r = await s.serenai(method, path, { token: other.token });
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.body).toMatchObject({ error: 'NOT_FOUND' });
    }
  });

  it('GET stream: server-sent events through the edge, ids in order, heartbeats, Last-Event-ID resumes without loss or repeats, ends after finished', async () => {
    const caller = await fundedAgent();
    const taskId = await start(caller, 'slow 4 300');
    const auth = { authorization: `Bearer ${caller.token}` };
    const first = await readSse(streamUrl(taskId), auth, { stop: (_f, frames) => frames.length === 3 });
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    expect(first.frames.map((f) => [f.id, f.event])).toEqual([
      ['1', 'created'],
      ['2', 'status'],
      ['3', 'status'],
    ]);
    const rest = await readSse(streamUrl(taskId), { ...auth, 'last-event-id': '3' });
    expect(rest.ended).toBe(true);
    const all = [...first.frames, ...rest.frames];
    expect(all.map((f) => Number(f.id))).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all.at(-1)!.event).toBe('finished');
    expect(rest.comments).toContain('heartbeat');
    const last = JSON.parse(all.at(-1)!.data);
    expect(last).toMatchObject({
      task_id: taskId,
      sequence: all.length,
      event_type: 'finished',
      status: 'completed',
    });
    // the stream's frames are the events the list answers
    const events = await s.serenai('GET', `${tasks()}/${taskId}/events`, { token: caller.token });
    expect(all.map((f) => JSON.parse(f.data))).toEqual(events.body.data);
    // ?last_event_id= works too (for clients that cannot set the header), and after the end it closes at once
    const tail = await readSse(`${streamUrl(taskId)}?last_event_id=${all.length - 1}`, auth);
    expect(tail.frames.map((f) => Number(f.id))).toEqual([all.length]);
    expect(tail.ended).toBe(true);
  });

  it('end to end: an agent publisher created over REST, POST /publishers/{slug} answers 202, its key reaches the agent, the stream follows to the charge', async () => {
    const key = `a2a-key-${randomUUID()}`;
    const secured = await startTestAgent({ requireHeader: { name: 'x-agent-key', value: key } });
    try {
      const owner = await restAgent(s, 'Agent publisher');
      const slug = `e2e-agent-${randomUUID().slice(0, 8)}`;
      const created = await s.serenai('POST', '/organizations/default/publishers', {
        token: owner.token,
        body: {
          name: 'Research agent',
          slug,
          description: 'Researches a topic and reports',
          compute_type: 'agent',
          a2a_endpoint_url: secured.url,
          api_key_header: 'X-Agent-Key',
          upstream_api_key: key,
          billing_model: 'prepaid_credits',
        },
      });
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain(key);
      const priced = await s.serenai(
        'PUT',
        `/organizations/default/publishers/${created.body.data.id}/pricing`,
        {
          token: owner.token,
          body: { asset_id: 'USDC', hourly_rate: '36', min_charge: '0.03' },
        },
      );
      expect(priced.status).toBe(200);

      const caller = await fundedAgent();
      // a retry with the same Idempotency-Key answers the same task and holds nothing more
      const idempotent = { 'idempotency-key': `task-${randomUUID()}` };
      const accepted = await s.serenai('POST', `/publishers/${slug}`, {
        token: caller.token,
        body: { message: 'slow 2 200' },
        headers: idempotent,
      });
      expect(accepted.status).toBe(202);
      const taskId: string = accepted.body.data.task_id;
      const retried = await s.serenai('POST', `/publishers/${slug}`, {
        token: caller.token,
        body: { message: 'slow 2 200' },
        headers: idempotent,
      });
      expect({ status: retried.status, task: retried.body.data?.task_id }).toEqual({
        status: 202,
        task: taskId,
      });
      const read = await readSse(streamUrl(taskId), { authorization: `Bearer ${caller.token}` });
      expect(read.ended).toBe(true);
      expect(read.frames.map((f) => Number(f.id))).toEqual(
        Array.from({ length: read.frames.length }, (_, i) => i + 1),
      );
      const finished = JSON.parse(read.frames.at(-1)!.data);
      expect(finished).toMatchObject({
        event_type: 'finished',
        status: 'completed',
        data: { cost_atomic: '30000' },
      });
      expect(secured.received).toEqual([taskId]);
      const task = await s.serenai('GET', `${tasks()}/${taskId}`, { token: caller.token });
      expect(task.body.data).toMatchObject({
        publisher_slug: slug,
        status: 'completed',
        cost: '0.03',
        min_charge: '0.03',
      });
      // the wallet paid the minimum charge (the hold captured), nothing more held
      const wallet = await s.serenai('GET', '/wallet/balance', { token: caller.token });
      expect(wallet.body.data).toMatchObject({
        funded_balance_atomic: 5_000_000 - 30_000,
        balance_atomic: 5_000_000 - 30_000,
      });
    } finally {
      await secured.close();
    }
  });

  it('GraphQL startAgentTask: an agent publisher created over REST is started by its slug through the edge, its hold and charge as the root call’s; refusals are GraphQL errors with the commerce codes', async () => {
    const owner = await restAgent(s, 'Agent publisher');
    const slug = `gql-agent-${randomUUID().slice(0, 8)}`;
    const created = await s.serenai('POST', '/organizations/default/publishers', {
      token: owner.token,
      body: {
        name: 'Research agent',
        slug,
        description: 'Researches a topic and reports',
        compute_type: 'agent',
        a2a_endpoint_url: agent.url,
        billing_model: 'prepaid_credits',
        hourly_rate: '36',
        min_charge: '0.03',
      },
    });
    expect(created.status).toBe(201);
    const START = `mutation ($slug: String!, $message: JSON!) {
      startAgentTask(slug: $slug, message: $message) { id status publisherId publisherSlug input costAtomic } }`;

    const caller = await fundedAgent();
    const started = await s.client.ok<{
      startAgentTask: { id: string; status: string; publisherId: string; publisherSlug: string };
    }>(START, { slug, message: { message: 'slow 4 250' } }, { token: caller.token });
    expect(started.startAgentTask).toMatchObject({
      status: 'submitted',
      publisherId: created.body.data.id,
      publisherSlug: slug,
      input: { role: 'user', parts: [{ kind: 'text', text: 'slow 4 250' }] },
      costAtomic: '0',
    });
    const taskId = started.startAgentTask.id;
    // a minute at $36/h held from the wallet while it runs
    const during = await s.serenai('GET', '/wallet/balance', { token: caller.token });
    expect(during.body.data.balance_atomic).toBe(5_000_000 - 600_000);
    const done = await until(caller.token, taskId, (status) => status === 'completed');
    expect(done.body.data).toMatchObject({ publisher_slug: slug, cost: '0.03', agent_id: caller.id });
    const wallet = await s.serenai('GET', '/wallet/balance', { token: caller.token });
    expect(wallet.body.data.balance_atomic).toBe(5_000_000 - 30_000);

    const poor = await restAgent(s);
    expect(await s.client.error(START, { slug, message: 'hi' }, { token: poor.token })).toMatchObject({
      code: 'PAYMENT_REQUIRED',
      reason: 'INSUFFICIENT_FUNDS',
    });
    expect(
      await s.client.error(
        START,
        { slug: `missing-${randomUUID()}`, message: 'hi' },
        { token: caller.token },
      ),
    ).toMatchObject({ code: 'NOT_FOUND', reason: 'PUBLISHER_NOT_FOUND' });
    expect(await s.client.error(START, { slug, message: '' }, { token: caller.token })).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(await s.client.error(START, { slug, message: 'hi' })).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('GET stream: 404 in the product error shape for a task of another organization, 401 without a credential', async () => {
    const caller = await fundedAgent();
    const taskId = await start(caller, 'reply hi');
    const other = await restAgent(s);
    const foreign = await readSse(streamUrl(taskId), { authorization: `Bearer ${other.token}` });
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.body)).toMatchObject({ error: 'NOT_FOUND', message: expect.any(String) });
    const anonymous = await readSse(streamUrl(taskId), {});
    expect(anonymous.status).toBe(401);
  });
});
