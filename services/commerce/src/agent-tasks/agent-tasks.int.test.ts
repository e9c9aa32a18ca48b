import { randomUUID } from 'node:crypto';
import { EventSource } from 'eventsource';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { accounts, balanceOf, postEntry } from '../ledger/index.js';
import type { ProxyPublisher } from '../publishers/index.js';
import { startCommerceService, type CommerceService } from '../service';
import { startAgentTask } from './index.js';
import { startTestAgent, type TestAgent } from './test-support/a2a-agent.js';
import { readSse } from './test-support/sse.js';

// Agent tasks against a real A2A agent (the @a2a-js/sdk server on loopback), on the real
// PostgreSQL and Temporal: the workflow sends the message with the SDK's client, follows the
// remote task, records each status, charges the task through the ledger (hold at the start,
// capture at the end), and the SSE route streams the events with ids and Last-Event-ID resume.

const TASK = `id organizationId agentId publisherId publisherSlug status remoteTaskId contextId input statusMessage
  artifacts error assetSymbol hourlyRateAtomic minChargeAtomic costAtomic shortfallAtomic durationMs canceledBy
  lastSequence createdAt updatedAt finishedAt`;
const GET = `query ($org: ID!, $id: ID!) { agentTask(organizationId: $org, taskId: $id) { ${TASK} } }`;
const EVENTS = `query ($org: ID!, $id: ID!) { agentTaskEvents(organizationId: $org, taskId: $id) {
  taskId sequence eventType status data createdAt } }`;
const LIST = `query ($org: ID!, $limit: Int, $offset: Int) { agentTasks(organizationId: $org, limit: $limit, offset: $offset) {
  total limit offset tasks { id status } } }`;
const CANCEL = `mutation ($org: ID!, $id: ID!) { cancelAgentTask(organizationId: $org, taskId: $id) { ${TASK} } }`;

interface TaskData {
  id: string;
  status: string;
  remoteTaskId: string | null;
  costAtomic: string;
  shortfallAtomic: string;
  durationMs: number | null;
  error: string | null;
  statusMessage: { parts: { kind: string; text?: string }[] } | null;
  artifacts: { artifactId: string; parts: { kind: string; text?: string }[] }[];
  lastSequence: number;
  canceledBy: string | null;
}

describe('agent tasks (A2A, Temporal, ledger, SSE)', () => {
  let service: CommerceService;
  let agent: TestAgent;
  let plainAgent: TestAgent;

  beforeAll(async () => {
    [agent, plainAgent] = await Promise.all([startTestAgent(), startTestAgent({ streaming: false })]);
    service = await startCommerceService({
      ...testServiceEnv('commerce'),
      OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8,::1/128',
      AGENT_TASK_SSE_HEARTBEAT_MS: '150',
      AGENT_TASK_POLL_MS: '100',
    });
  });
  afterAll(async () => {
    await service?.close();
    await Promise.all([agent?.close(), plainAgent?.close()]);
  });

  const commerce = () => service.application;

  const publisherOf = (
    endpoint: string,
    price: { hourlyRate?: bigint | null; minCharge?: bigint | null } = {},
  ) =>
    ({
      id: randomUUID(),
      slug: `agent-${randomUUID().slice(0, 8)}`,
      integrationType: 'agent',
      pricing: {
        USDC: {
          hourlyRate: price.hourlyRate === undefined ? 360_000_000n : price.hourlyRate, // $360/h: $0.10 a second
          minCharge: price.minCharge === undefined ? 50_000n : price.minCharge,
        },
      },
      upstream: { a2aEndpointUrl: endpoint },
    }) as unknown as ProxyPublisher;

  const organization = async (funded = 10_000_000n) => {
    const organizationId = `org-${randomUUID()}`;
    const subject = `user-${organizationId}`;
    if (funded > 0n)
      await commerce().dataSource.transaction((tx) =>
        postEntry(tx, {
          kind: 'deposit_stripe',
          reference: `dep-${organizationId}`,
          organizationId,
          lines: [
            { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC', amount: funded },
            { account: accounts.system('stripe_clearing', 'USDC'), asset: 'USDC', amount: -funded },
          ],
        }),
      );
    const headers = () => asCaller({ subject, organizationId });
    const call = async <T = Record<string, unknown>>(query: string, variables = {}) =>
      graphql<T>(service.url, query, variables, await headers());
    const get = async (id: string) =>
      (await call<{ agentTask: TaskData }>(GET, { org: 'default', id })).data!.agentTask;
    const until = async (id: string, done: (t: TaskData) => boolean, ms = 20_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const task = await get(id);
        if (done(task)) return task;
        if (Date.now() > deadline) throw new Error(`task ${id} still ${task.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const wallet = () =>
      balanceOf(commerce().dataSource.manager, accounts.agentFunded(organizationId, 'USDC'));
    return { organizationId, subject, headers, call, get, until, wallet };
  };

  const start = (
    org: { organizationId: string; subject: string },
    publisher: ProxyPublisher,
    message: unknown,
  ) =>
    startAgentTask(commerce(), {
      publisher,
      organizationId: org.organizationId,
      agentId: org.subject,
      message,
    });

  const earnings = (publisher: ProxyPublisher) =>
    balanceOf(commerce().dataSource.manager, accounts.publisherEarnings(publisher.id, 'USDC'));

  it('sends the message once, records each status and the artifact, and charges the minimum charge', async () => {
    const org = await organization();
    const publisher = publisherOf(agent.url, { hourlyRate: 36_000n }); // 1 atomic unit per 100 ms
    const { taskId } = await start(org, publisher, 'quick look');
    const task = await org.until(taskId, (t) => t.status === 'completed');
    expect(task).toMatchObject({
      status: 'completed',
      error: null,
      costAtomic: '50000',
      shortfallAtomic: '0',
      statusMessage: { parts: [{ kind: 'text', text: 'finished' }] },
      artifacts: [{ artifactId: 'report', parts: [{ kind: 'text', text: 'done: quick look' }] }],
    });
    expect(task.remoteTaskId).toEqual(expect.any(String));
    expect(agent.received.filter((id) => id === taskId)).toHaveLength(1);

    const events = (
      await org.call<{
        agentTaskEvents: {
          sequence: number;
          eventType: string;
          status: string;
          data: Record<string, unknown>;
        }[];
      }>(EVENTS, { org: 'default', id: taskId })
    ).data!.agentTaskEvents;
    expect(events.map((e) => [e.sequence, e.eventType, e.status])).toEqual([
      [1, 'created', 'submitted'],
      [2, 'status', 'submitted'],
      [3, 'status', 'working'],
      [4, 'artifact', 'working'],
      [5, 'finished', 'completed'],
    ]);
    expect(events[0]!.data).not.toHaveProperty('a2aEndpointUrl');
    expect(events[4]!.data).toMatchObject({ state: 'completed', costAtomic: '50000' });

    // the minimum charge was held at the start and captured: the wallet paid it, the publisher earned it
    expect(await org.wallet()).toBe(10_000_000n - 50_000n);
    expect(await earnings(publisher)).toBe(50_000n);
    const [usage] = await commerce().dataSource.query(`select data from events where stream_id = $1`, [
      `publisher-call-${taskId}`,
    ]);
    expect(usage.data).toMatchObject({
      kind: 'task',
      outcome: 'captured',
      cost: '50000',
      publisherId: publisher.id,
    });
  });

  describe('GraphQL startAgentTask (the root call of an agent publisher found by its slug)', () => {
    const START = `mutation ($slug: String!, $message: JSON!, $geoRouting: Boolean, $idempotencyKey: String) {
      startAgentTask(slug: $slug, message: $message, geoRouting: $geoRouting, idempotencyKey: $idempotencyKey) {
        ${TASK} } }`;
    const owner = `org-${randomUUID()}`;
    const create = async (input: Record<string, unknown>) => {
      const slug = `gql-${randomUUID().slice(0, 8)}`;
      const created = await graphql<{ createPublisher: { id: string } }>(
        service.url,
        `
          mutation ($input: PublisherInput!) {
            createPublisher(organizationId: "default", input: $input) {
              id
            }
          }
        `,
        { input: { slug, name: 'Research agent', billingModel: 'prepaid_credits', ...input } },
        await asCaller({
          subject: `user-${owner}`,
          organizationId: owner,
          permissions: ['publisher.manage'],
        }),
      );
      expect(created.errors).toBeUndefined();
      return { slug, id: created.data!.createPublisher.id };
    };
    const agentInput = () => ({
      computeType: 'agent',
      a2aEndpointUrl: agent.url,
      hourlyRate: '36', // $0.60 a minute: the first payment held
      minCharge: '0.05',
    });
    const errorOf = (result: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) =>
      result.errors?.[0];

    it('starts the task with its first payment held, answers it as agentTask does, and it runs to its charge', async () => {
      const publisher = await create(agentInput());
      const org = await organization();
      const started = await org.call<{ startAgentTask: TaskData & Record<string, unknown> }>(START, {
        slug: publisher.slug.toUpperCase(),
        message: { message: 'quick look' },
      });
      expect(started.errors).toBeUndefined();
      const task = started.data!.startAgentTask;
      expect(task).toMatchObject({
        organizationId: org.organizationId,
        agentId: org.subject,
        publisherId: publisher.id,
        publisherSlug: publisher.slug,
        status: 'submitted',
        input: { role: 'user', parts: [{ kind: 'text', text: 'quick look' }] },
        hourlyRateAtomic: '36000000',
        minChargeAtomic: '50000',
        costAtomic: '0',
        lastSequence: 1,
      });
      const held = await balanceOf(
        commerce().dataSource.manager,
        accounts.agentHeld(org.organizationId, 'USDC'),
      );
      expect(held === 600_000n || held === 0n).toBe(true); // held, unless the quick task already ended
      const done = await org.until(task.id, (t) => t.status === 'completed');
      expect(done.costAtomic).toBe('50000');
      expect(agent.received.filter((id) => id === task.id)).toHaveLength(1);
      expect(await org.wallet()).toBe(10_000_000n - 50_000n);
      expect(
        await balanceOf(commerce().dataSource.manager, accounts.agentHeld(org.organizationId, 'USDC')),
      ).toBe(0n);
    });

    it('with an idempotency key, a retry answers the first task and holds and sends nothing more; another message is IDEMPOTENCY_ERROR', async () => {
      const publisher = await create(agentInput());
      const org = await organization();
      const idempotencyKey = `task-${randomUUID()}`;
      const start = (message: string) =>
        org.call<{ startAgentTask: TaskData }>(START, { slug: publisher.slug, message, idempotencyKey });
      const [first, second] = await Promise.all([start('once'), start('once')]);
      // at once, the second is either the first's task or 409 while the first is in flight
      const answered = [first, second].filter((r) => !r.errors);
      expect(answered.length).toBeGreaterThanOrEqual(1);
      for (const r of [first, second].filter((r) => r.errors))
        expect(errorOf(r)).toMatchObject({ extensions: { reason: 'IDEMPOTENCY_KEY_IN_USE' } });
      const taskId = answered[0]!.data!.startAgentTask.id;
      const again = await start('once');
      expect(again.errors).toBeUndefined();
      expect(again.data!.startAgentTask.id).toBe(taskId);
      expect(errorOf(await start('another'))).toMatchObject({
        extensions: { code: 'VALIDATION_ERROR', reason: 'IDEMPOTENCY_ERROR' },
      });
      const done = await org.until(taskId, (t) => t.status === 'completed');
      expect(done.costAtomic).toBe('50000');
      const tasks: unknown[] = await commerce().dataSource.query(
        `select 1 from events where type = 'AgentTaskCreated' and data->>'organizationId' = $1`,
        [org.organizationId],
      );
      expect(tasks).toHaveLength(1);
      expect(agent.received.filter((id) => id === taskId)).toHaveLength(1);
      expect(await org.wallet()).toBe(10_000_000n - 50_000n);
    });

    it('refuses with the REST root call’s errors as GraphQL codes, nothing held', async () => {
      const publisher = await create(agentInput());
      const poor = await organization(100_000n); // below the minute held
      expect(errorOf(await poor.call(START, { slug: publisher.slug, message: 'hi' }))).toMatchObject({
        extensions: { code: 'PAYMENT_REQUIRED', reason: 'INSUFFICIENT_FUNDS' },
      });
      expect(await poor.wallet()).toBe(100_000n);
      const org = await organization();
      expect(
        errorOf(await org.call(START, { slug: `missing-${randomUUID()}`, message: 'hi' })),
      ).toMatchObject({
        extensions: { code: 'NOT_FOUND', reason: 'PUBLISHER_NOT_FOUND' },
      });
      const api = await create({ integrationType: 'api', apiUrl: `${agent.url}/api`, pricePerCall: '0.01' });
      expect(errorOf(await org.call(START, { slug: api.slug, message: 'hi' }))).toMatchObject({
        extensions: { code: 'VALIDATION_ERROR', reason: 'NOT_AN_AGENT_PUBLISHER' },
      });
      expect(errorOf(await org.call(START, { slug: publisher.slug, message: '' }))).toMatchObject({
        extensions: { code: 'VALIDATION_ERROR' },
      });
      const anonymous = await graphql(service.url, START, { slug: publisher.slug, message: 'hi' });
      expect(errorOf(anonymous)).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      expect(await org.wallet()).toBe(10_000_000n);
    });

    it('counts the agent’s calls per minute (RATE_LIMITED with retryAfterSeconds) and keeps the geo restriction (FORBIDDEN GEO_RESTRICTED unless geoRouting)', async () => {
      const limited = await create({
        ...agentInput(),
        hourlyRate: null,
        minCharge: null,
        maxQueriesPerMinute: 1,
      });
      const org = await organization();
      // one call a minute: a second one within it is refused (the window may turn over once in between)
      let refused: { message: string; extensions?: Record<string, unknown> } | undefined;
      for (let i = 0; i < 3 && !refused; i++)
        refused = errorOf(await org.call(START, { slug: limited.slug, message: 'reply one' }));
      expect(refused).toMatchObject({
        extensions: { code: 'RATE_LIMITED', reason: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      });

      const restricted = await create({
        ...agentInput(),
        hourlyRate: null,
        minCharge: null,
        isGeoRestricted: true,
        geoProxyRegion: 'eu-west-1',
      });
      expect(errorOf(await org.call(START, { slug: restricted.slug, message: 'reply two' }))).toMatchObject({
        extensions: {
          code: 'FORBIDDEN',
          reason: 'GEO_RESTRICTED',
          proxy_region: 'eu-west-1',
          publisher: restricted.slug,
        },
      });
      const routed = await org.call<{ startAgentTask: TaskData }>(START, {
        slug: restricted.slug,
        message: 'reply two',
        geoRouting: true,
      });
      expect(routed.errors).toBeUndefined();
      expect((await org.until(routed.data!.startAgentTask.id, (t) => t.status === 'completed')).status).toBe(
        'completed',
      );
    });
  });

  it('charges the run time at the hourly rate beyond the minimum charge', async () => {
    const org = await organization();
    const publisher = publisherOf(agent.url); // $0.10 a second, minimum $0.05; a minute ($6) held
    const { taskId } = await start(org, publisher, 'slow 4 250');
    const task = await org.until(taskId, (t) => t.status === 'completed');
    const cost = BigInt(task.costAtomic);
    // about a second of run time at 100,000 atomic units a second
    expect(cost).toBeGreaterThan(90_000n);
    expect(cost).toBeLessThan(500_000n);
    expect(cost).toBe((360_000_000n * BigInt(task.durationMs!) + 3_599_999n) / 3_600_000n);
    expect(await org.wallet()).toBe(10_000_000n - cost);
    expect(await earnings(publisher)).toBe(cost);
  });

  it('charges what the hold and the wallet cover and records the rest as the shortfall, never an overdraft', async () => {
    const org = await organization(8_000_000n);
    const publisher = publisherOf(agent.url); // a minute held: $6 of the $8
    const { taskId } = await start(org, publisher, 'slow 4 250');
    await org.until(taskId, (t) => t.status === 'working');
    // the task runs two minutes by commerce's clock: $12, of which the wallet covers $8
    const realNow = commerce().now;
    commerce().now = () => new Date(realNow().getTime() + 120_000);
    try {
      const task = await org.until(taskId, (t) => t.status === 'completed');
      expect(task.costAtomic).toBe('8000000');
      expect(BigInt(task.shortfallAtomic)).toBeGreaterThan(4_000_000n);
      expect(await org.wallet()).toBe(0n);
      expect(await earnings(publisher)).toBe(8_000_000n);
    } finally {
      commerce().now = realNow;
    }
  });

  it('a failed task costs nothing: its hold is released and the reason recorded', async () => {
    const org = await organization();
    const publisher = publisherOf(agent.url);
    const { taskId } = await start(org, publisher, 'fail');
    const task = await org.until(taskId, (t) => t.status === 'failed');
    expect(task).toMatchObject({ costAtomic: '0', error: 'the upstream model refused' });
    expect(await org.wallet()).toBe(10_000_000n);
    expect(await earnings(publisher)).toBe(0n);
  });

  it('an agent that answers with a message and no task completes the task with that message', async () => {
    const org = await organization();
    const { taskId } = await start(org, publisherOf(agent.url, { hourlyRate: null, minCharge: null }), {
      text: 'reply hello',
    });
    const task = await org.until(taskId, (t) => t.status === 'completed');
    expect(task).toMatchObject({
      costAtomic: '0',
      statusMessage: { parts: [{ kind: 'text', text: 'you said: hello' }] },
    });
  });

  it('follows an agent that does not stream by polling its task', async () => {
    const org = await organization();
    const { taskId } = await start(org, publisherOf(plainAgent.url), 'slow 2 100');
    const task = await org.until(taskId, (t) => t.status === 'completed');
    expect(task.artifacts).toHaveLength(1);
    expect(plainAgent.received.filter((id) => id === taskId)).toHaveLength(1);
  });

  it('a stream lost mid-task: the retried activity resubscribes to the remote task by its id, sends nothing again, records nothing twice', async () => {
    const flaky = await startTestAgent({ dropFirstStreamAfterMs: 500 });
    try {
      const org = await organization();
      const { taskId } = await start(org, publisherOf(flaky.url, { hourlyRate: 36_000n }), 'slow 10 400');
      const task = await org.until(taskId, (t) => t.status === 'completed');
      expect(flaky.streamsDropped).toBe(1);
      expect(flaky.received).toEqual([taskId]);
      const events = (
        await org.call<{
          agentTaskEvents: {
            sequence: number;
            eventType: string;
            data: { message?: { parts: { text: string }[] } };
          }[];
        }>(EVENTS, { org: 'default', id: taskId })
      ).data!.agentTaskEvents;
      const steps = events
        .map((e) => e.data.message?.parts[0]?.text)
        .filter((text): text is string => typeof text === 'string' && text.startsWith('step'));
      // no step twice, in order; the ones reported while no one listened are not replayed by A2A,
      // those after the resubscription are all there
      const numbers = steps.map((step) => Number(step.split(' ')[1]));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers.at(-1)).toBe(10);
      expect(numbers.length).toBeGreaterThanOrEqual(5);
      expect(events.at(-1)).toMatchObject({ eventType: 'finished' });
      expect(task.artifacts).toHaveLength(1);
    } finally {
      await flaky.close();
    }
  });

  it('cancel: cancels the remote task too, charges the time it ran, and an ended task is 400 ALREADY_TERMINAL', async () => {
    const org = await organization();
    const publisher = publisherOf(agent.url, { hourlyRate: 36_000n });
    const { taskId } = await start(org, publisher, 'slow 200 100');
    const running = await org.until(taskId, (t) => t.status === 'working' && t.remoteTaskId !== null);
    const canceled = await org.call<{ cancelAgentTask: TaskData }>(CANCEL, { org: 'default', id: taskId });
    expect(canceled.errors).toBeUndefined();
    expect(canceled.data!.cancelAgentTask).toMatchObject({
      status: 'canceled',
      canceledBy: org.subject,
      costAtomic: '50000',
    });
    expect(agent.cancelRequests).toContain(running.remoteTaskId);
    const again = await org.call(CANCEL, { org: 'default', id: taskId });
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'ALREADY_TERMINAL',
    });
    // the workflow stops: no event after the end, the remote's own "canceled" is not recorded twice
    await new Promise((r) => setTimeout(r, 500));
    const after = await org.get(taskId);
    expect(after.lastSequence).toBe(canceled.data!.cancelAgentTask.lastSequence);
    const described = await commerce().workflows.workflow.getHandle(`agent-task-${taskId}`).describe();
    expect(['CANCELLED', 'COMPLETED']).toContain(described.status.name);
    expect(await org.wallet()).toBe(10_000_000n - 50_000n);
  });

  it('refuses to start without the minimum charge in the wallet (402), and a publisher that is not an agent (400)', async () => {
    const org = await organization(10_000n);
    await expect(start(org, publisherOf(agent.url), 'quick')).rejects.toMatchObject({
      code: 'PAYMENT_REQUIRED',
      reason: 'INSUFFICIENT_FUNDS',
    });
    const api = { ...publisherOf(agent.url), integrationType: 'api' } as ProxyPublisher;
    await expect(start(org, api, 'quick')).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'NOT_AN_AGENT_PUBLISHER',
    });
    expect(
      (await org.call<{ agentTasks: { total: number } }>(LIST, { org: 'default' })).data!.agentTasks.total,
    ).toBe(0);
  });

  it('an endpoint the outbound guard refuses (link-local metadata) fails the task at once, at no cost', async () => {
    const org = await organization();
    const { taskId } = await start(org, publisherOf('http://169.254.169.254/agent'), 'quick');
    const task = await org.until(taskId, (t) => t.status === 'failed');
    expect(task.error).toMatch(/could not be reached/);
    expect(await org.wallet()).toBe(10_000_000n);
  });

  it("lists the organization's tasks newest first with pagination; another organization is 403 on the list and 404 on a task", async () => {
    const org = await organization();
    const publisher = publisherOf(agent.url, { hourlyRate: null, minCharge: null });
    const ids = [];
    for (const text of ['reply a', 'reply b', 'reply c'])
      ids.push((await start(org, publisher, text)).taskId);
    const page = (
      await org.call<{
        agentTasks: { total: number; limit: number; offset: number; tasks: { id: string }[] };
      }>(LIST, { org: org.organizationId, limit: 2, offset: 1 })
    ).data!.agentTasks;
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.tasks.map((t) => t.id)).toEqual([ids[1], ids[0]]);
    const bad = await org.call(LIST, { org: 'default', limit: 0 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');

    const other = await organization(0n);
    expect((await other.call(LIST, { org: org.organizationId })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await other.call(GET, { org: 'default', id: ids[0] })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    expect((await other.call(CANCEL, { org: 'default', id: ids[0] })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await other.call(EVENTS, { org: 'default', id: 'not-a-uuid' })).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
  });

  describe('the SSE stream', () => {
    const streamUrl = (taskId: string) =>
      `${service.url}/internal/organizations/default/agents/tasks/${taskId}/stream`;

    it('sends each event once, in order, with its sequence as id, heartbeats, and ends after the last', async () => {
      const org = await organization();
      const { taskId } = await start(org, publisherOf(agent.url, { hourlyRate: 36_000n }), 'slow 3 300');
      const read = await readSse(streamUrl(taskId), await org.headers());
      expect(read.status).toBe(200);
      expect(read.contentType).toMatch(/^text\/event-stream/);
      expect(read.ended).toBe(true);
      const ids = read.frames.map((f) => Number(f.id));
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
      expect(read.frames.map((f) => f.event)).toEqual([
        'created',
        'status',
        'status',
        'status',
        'status',
        'status',
        'artifact',
        'finished',
      ]);
      const last = JSON.parse(read.frames.at(-1)!.data);
      expect(last).toMatchObject({
        task_id: taskId,
        sequence: 8,
        event_type: 'finished',
        status: 'completed',
      });
      expect(last.data).toMatchObject({ state: 'completed', cost_atomic: '50000' });
      expect(read.comments).toContain('heartbeat');
    });

    it('resumes after Last-Event-ID without loss or repeats, while the task runs and after it ended', async () => {
      const org = await organization();
      const { taskId } = await start(org, publisherOf(agent.url, { hourlyRate: 36_000n }), 'slow 4 250');
      const first = await readSse(streamUrl(taskId), await org.headers(), {
        stop: (_f, frames) => frames.length === 3,
      });
      expect(first.frames.map((f) => f.id)).toEqual(['1', '2', '3']);
      const rest = await readSse(streamUrl(taskId), { ...(await org.headers()), 'last-event-id': '3' });
      expect(rest.ended).toBe(true);
      const ids = [...first.frames, ...rest.frames].map((f) => Number(f.id));
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
      expect(rest.frames.at(-1)!.event).toBe('finished');
      // after the end: from an id, the rest; from the last id, nothing, and the stream closes
      const tail = await readSse(streamUrl(taskId), {
        ...(await org.headers()),
        'last-event-id': String(ids.length - 2),
      });
      expect(tail.frames.map((f) => Number(f.id))).toEqual([ids.length - 1, ids.length]);
      const none = await readSse(streamUrl(taskId), {
        ...(await org.headers()),
        'last-event-id': String(ids.length),
      });
      expect(none).toMatchObject({ status: 200, ended: true, frames: [] });
    });

    it('the standard EventSource client reconnects with Last-Event-ID after a dropped connection and misses nothing', async () => {
      const org = await organization();
      const { taskId } = await start(org, publisherOf(agent.url, { hourlyRate: 36_000n }), 'slow 5 200');
      const auth = await org.headers();
      const sentLastEventIds: (string | undefined)[] = [];
      let connections = 0;
      const received: { id: string; type: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        const source = new EventSource(streamUrl(taskId), {
          fetch: async (url, init) => {
            connections += 1;
            sentLastEventIds.push(init.headers['Last-Event-ID'] ?? init.headers['last-event-id']);
            const response = await fetch(url, { ...init, headers: { ...init.headers, ...auth } });
            if (connections > 1 || !response.body) return response;
            // the first connection drops after two events reach the client
            let seen = 0;
            const reader = response.body.getReader();
            const body = new ReadableStream<Uint8Array>({
              async pull(controller) {
                const { value, done } = await reader.read();
                if (done) return controller.close();
                controller.enqueue(value);
                seen += new TextDecoder()
                  .decode(value)
                  .split('\n\n')
                  .filter((b) => b.includes('id:')).length;
                if (seen >= 2) {
                  await reader.cancel();
                  controller.error(new Error('connection dropped'));
                }
              },
            });
            return new Response(body, { status: response.status, headers: response.headers });
          },
        });
        for (const type of ['created', 'status', 'artifact', 'finished'])
          source.addEventListener(type, (event) => {
            received.push({ id: event.lastEventId, type });
            if (type === 'finished') {
              source.close();
              resolve();
            }
          });
        setTimeout(() => {
          source.close();
          reject(new Error(`no finished event; got ${JSON.stringify(received)}`));
        }, 20_000);
      });
      expect(connections).toBeGreaterThanOrEqual(2);
      expect(sentLastEventIds[1]).toBe(received[1]!.id);
      expect(received.map((r) => Number(r.id))).toEqual(
        Array.from({ length: received.length }, (_, i) => i + 1),
      );
    });

    it('answers 404 for a task of another organization, before any stream opens', async () => {
      const org = await organization();
      const { taskId } = await start(
        org,
        publisherOf(agent.url, { hourlyRate: null, minCharge: null }),
        'reply x',
      );
      const other = await organization(0n);
      const read = await readSse(streamUrl(taskId), await other.headers());
      expect(read.status).toBe(404);
      expect(JSON.parse(read.body)).toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
