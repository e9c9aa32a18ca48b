// Webhook delivery benchmark (bench/README.md, "crm: webhooks"): the crm service (dist) in this process
// on the real PostgreSQL and Kafka, a local HTTP receiver (loopback, allowed by OUTBOUND_ALLOW_PRIVATE)
// answering 200 at once.
//
//   latency     BENCH_RATE (default 200) contacts created per second for BENCH_SECONDS (default 20),
//               open loop, through crm's GraphQL createContact; one subscription to ContactCreate.
//               Latency = receiver got the webhook − the createContact request was sent (so it includes
//               the write itself: append, projection, commit), through relay → Kafka → the webhooks
//               consumer → the queue (NOTIFY) → the worker → HTTP. p50/p99/max over every event.
//   throughput  BENCH_DELIVERIES (default 5,000) deliveries enqueued at once over 8 subscriptions,
//               drained by the worker (32 in flight per process, 4 per receiver): deliveries/s from the
//               first attempt to the last recorded.
//
// Run: npm run bench --workspace @seren/webhooks (builds crm first).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { startCrmService } from '@seren/crm';
import { asCaller, freshConsumerGroup, graphql, testServiceEnv } from '@seren/testing';
import { enqueueDeliveries, webhookTables } from '@seren/webhooks';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 5_000);

const received = new Map<string, number>();
let receivedCount = 0;
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const at = performance.now();
    receivedCount += 1;
    try {
      const payload = JSON.parse(body) as { email?: string };
      if (payload.email) received.set(payload.email, at);
    } catch {
      // the throughput phase's payloads are not contacts
    }
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

const load = () => loadavg()[0]!.toFixed(1);
const startLoad = load();
const crm = await startCrmService(
  testServiceEnv('crm', {
    env: {
      LOG_LEVEL: 'warn',
      OUTBOUND_ALLOW_PRIVATE: '127.0.0.1',
      WEBHOOKS_GROUP: await freshConsumerGroup('crm.webhooks'),
      LOCATION_DEFAULTS_GROUP: await freshConsumerGroup('crm.location-defaults'),
    },
  }),
);
const location = `bench-loc-${Date.now().toString(36)}`;
const caller = await asCaller({
  subject: 'bench',
  kind: 'agent',
  via: 'api_key',
  authClass: 'Location',
  organizationId: location,
  resourceId: location,
});
const run = async <T>(query: string, variables: Record<string, unknown> = {}, tries = 3): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { data, errors } = await graphql<T>(crm.url, query, variables, caller);
      if (!data || errors?.length) throw new Error(JSON.stringify(errors));
      return data;
    } catch (error) {
      // a loaded machine times a request out now and then; the write path is idempotent enough here
      if (attempt >= tries) throw error;
    }
  }
};
const subscribe = (events: string[]) =>
  run<{ createWebhook: { webhook: { id: string } } }>(
    `mutation($i: WebhookInput!) { createWebhook(input: $i) { webhook { id } } }`,
    { i: { url: receiverUrl, events } },
  ).then((d) => d.createWebhook.webhook.id);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

// ---- latency at RATE events/s ---------------------------------------------------------------------
await subscribe(['ContactCreate']);
// the throughput phase's receivers, made now (before the machine is busy with the latency phase)
const receivers: string[] = [];
for (let i = 0; i < 8; i += 1) receivers.push(await subscribe(['OpportunityCreate']));
// warm-up: a few events through the whole path
for (let i = 0; i < 20; i += 1)
  await run(`mutation($e: String!) { createContact(input: { email: $e }) { id } }`, {
    e: `warm-${i}@bench.example`,
  });
const sent = new Map<string, number>();
const total = RATE * SECONDS;
let failed = 0;
const inflight: Promise<unknown>[] = [];
const t0 = performance.now();
for (let i = 0; i < total; i += 1) {
  const due = t0 + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  const email = `c${i}-${randomUUID().slice(0, 8)}@bench.example`;
  sent.set(email, performance.now());
  inflight.push(
    run(`mutation($e: String!) { createContact(input: { email: $e }) { id } }`, { e: email }).catch(
      () => (failed += 1),
    ),
  );
}
const offered = total / ((performance.now() - t0) / 1000);
await Promise.all(inflight);
const deadline = performance.now() + 120_000;
while ([...sent.keys()].some((e) => !received.has(e)) && performance.now() < deadline)
  await new Promise((r) => setTimeout(r, 100));
const latencies = [...sent]
  .filter(([e]) => received.has(e))
  .map(([e, at]) => received.get(e)! - at)
  .sort((a, b) => a - b);
const latency = {
  events: total,
  // the rate the requests were sent at (open loop: not waiting for answers)
  offeredPerSecond: Math.round(offered),
  writeErrors: failed,
  receivedAll: latencies.length === total,
  p50: Math.round(quantile(latencies, 0.5)),
  p99: Math.round(quantile(latencies, 0.99)),
  max: Math.round(latencies.at(-1) ?? NaN),
};

// ---- deliveries/s, the worker draining a backlog ------------------------------------------------------
console.error(JSON.stringify({ latency }));
const tables = webhookTables('webhook');
const before = receivedCount;
const now = new Date();
const batch = Array.from({ length: DELIVERIES }, (_, n) => ({
  receiverId: receivers[n % receivers.length]!,
  ownerId: location,
  eventId: `bench-${n}`,
  eventType: 'OpportunityCreate',
  payload: { type: 'OpportunityCreate', locationId: location, id: `o${n}` },
}));
const d0 = performance.now();
for (let i = 0; i < batch.length; i += 1_000)
  await enqueueDeliveries(crm.dataSource, tables, batch.slice(i, i + 1_000), now);
for (;;) {
  const [{ left }] = (await crm.dataSource.query(
    `select count(*)::int as left from webhook_deliveries where event_id like 'bench-%' and state <> 'delivered'`,
  )) as Array<{ left: number }>;
  if (left === 0 || performance.now() - d0 > 300_000) break;
  await new Promise((r) => setTimeout(r, 50));
}
const drainSeconds = (performance.now() - d0) / 1000;
const throughput = {
  deliveries: DELIVERIES,
  receivedByReceiver: receivedCount - before,
  seconds: Number(drainSeconds.toFixed(2)),
  perSecond: Math.round(DELIVERIES / drainSeconds),
};

console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      cpus: cpus().length,
      node: process.version,
      loadAtStart: startLoad,
      loadAtEnd: load(),
      latency,
      throughput,
    },
    null,
    2,
  ),
);
await crm.close();
server.closeAllConnections();
server.close();
