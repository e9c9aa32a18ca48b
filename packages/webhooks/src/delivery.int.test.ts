import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookManager } from '@gohighlevel/api-client';
import { outboundPolicy } from '@seren/outbound';
import { Client, Pool } from 'pg';
import { ed25519Signer, verifySignature } from './signing';
import {
  attemptsOf,
  enqueueDeliveries,
  findDelivery,
  listDeliveries,
  purgeFinishedDeliveries,
  redeliver,
} from './queue';
import type { Receiver } from './attempt';
import { webhookPurgeIndexSql, webhookTables, webhookTablesSql } from './tables';
import { DeliveryWorker, type DeliveryWorkerOptions } from './worker';

// The engine against the real PostgreSQL infra/ runs and a real HTTP receiver on loopback.

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:54329/postgres';
const database = `test_webhooks_${randomBytes(5).toString('hex')}`;
const tables = webhookTables('webhook');
const signer = ed25519Signer();
const loopback = outboundPolicy(['127.0.0.0/8', '::1']);
let pool: Pool;

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  url: string;
}

/** A receiver answering each request with the next status of `script` (the last one repeats). */
async function receiverServer(script: number[], delayMs = 0) {
  const received: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body, url: request.url ?? '' });
      const status = script[Math.min(received.length - 1, script.length - 1)]!;
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status} `.repeat(200));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    maxInFlight: () => maxInFlight,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const fastSchedule = { baseMs: 50, capMs: 200, maxAgeMs: 60_000, disableAfterConsecutiveFailures: 3 };

function worker(receivers: Map<string, Receiver>, options: Partial<DeliveryWorkerOptions> = {}) {
  return new DeliveryWorker({
    pool,
    tables,
    resolveReceiver: async (id) => receivers.get(id),
    policy: loopback,
    keys: { ed25519: signer },
    schedule: fastSchedule,
    pollIntervalMs: 50,
    timeoutMs: 2_000,
    ...options,
  });
}

async function until<T>(what: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const receiverOf = (id: string, url: string, extra: Partial<Receiver> = {}): Receiver => ({
  id,
  url,
  method: 'POST',
  headers: { 'X-Custom': 'yes' },
  secrets: ['whsec_test'],
  enabled: true,
  ...extra,
});

beforeAll(async () => {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  pool = new Pool({ connectionString: url.href, max: 10 });
  for (const sql of webhookTablesSql('webhook')) await pool.query(sql);
  await pool.query(webhookPurgeIndexSql('webhook'));
});

afterAll(async () => {
  await pool?.end();
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
});

describe('delivery worker', () => {
  it('retries a receiver answering 500 three times, then 200: the event arrives each time, every attempt is logged, signatures verify', async () => {
    const server = await receiverServer([500, 500, 500, 200]);
    const receivers = new Map([['r-retry', receiverOf('r-retry', server.url)]]);
    const running = worker(receivers);
    await running.start();
    try {
      const payload = { type: 'ContactCreate', locationId: 'loc-1', id: 'c1' };
      const [id] = await enqueueDeliveries(
        pool,
        tables,
        [{ receiverId: 'r-retry', ownerId: 'loc-1', eventId: 'evt-1', eventType: 'ContactCreate', payload }],
        new Date(),
      );
      // the same source event again: nothing more
      await enqueueDeliveries(
        pool,
        tables,
        [{ receiverId: 'r-retry', ownerId: 'loc-1', eventId: 'evt-1', eventType: 'ContactCreate', payload }],
        new Date(),
      );
      const delivered = await until(async () => {
        const d = await findDelivery(pool, tables, 'r-retry', id!);
        return d?.state === 'delivered' ? d : undefined;
      });
      expect(delivered.attempts).toBe(4);
      expect(server.received).toHaveLength(4);
      for (const r of server.received) {
        expect(JSON.parse(r.body)).toEqual(payload);
        expect(r.headers['x-custom']).toBe('yes');
        expect(r.headers['x-webhook-delivery-id']).toBe(id);
        expect(verifySignature(r.headers['x-serebro-signature'] as string, r.body, 'whsec_test').ok).toBe(
          true,
        );
        const sdk = new WebhookManager(
          { debug() {}, warn() {}, error() {}, info() {} } as never,
          {} as never,
          {} as never,
        );
        expect(
          sdk.verifyEd25519Signature(r.body, r.headers['x-ghl-signature'] as string, signer.publicKeyPem),
        ).toBe(true);
      }
      const log = (await attemptsOf(pool, tables, [id!])).get(id!)!;
      expect(log.map((a) => [a.number, a.outcome, a.status])).toEqual([
        [1, 'retry', 500],
        [2, 'retry', 500],
        [3, 'retry', 500],
        [4, 'delivered', 200],
      ]);
      // the answer's body is kept truncated (1 KiB by default)
      expect(log[0]!.responseExcerpt!.length).toBe(1024);
      expect(log[0]!.durationMs).toBeGreaterThanOrEqual(0);
    } finally {
      await running.stop();
      await server.close();
    }
  });

  it('refuses a name resolving to loopback at send time when the policy does not allow it (DNS rebinding), and logs it rejected', async () => {
    const server = await receiverServer([200]);
    const receivers = new Map([
      ['r-rebind', receiverOf('r-rebind', `http://localhost:${server.port}/hooks`)],
    ]);
    const running = worker(receivers, { policy: outboundPolicy([]) });
    await running.start();
    try {
      const [id] = await enqueueDeliveries(
        pool,
        tables,
        [
          {
            receiverId: 'r-rebind',
            ownerId: 'loc-1',
            eventId: 'evt-r',
            eventType: 'ContactCreate',
            payload: { type: 'ContactCreate' },
          },
        ],
        new Date(),
      );
      const done = await until(async () => {
        const d = await findDelivery(pool, tables, 'r-rebind', id!);
        return d?.state === 'rejected' ? d : undefined;
      });
      expect(done.lastError).toBe('PRIVATE_ADDRESS');
      expect(server.received).toHaveLength(0);
    } finally {
      await running.stop();
      await server.close();
    }
  });

  it('disables a receiver after the threshold of deliveries in a row ended undelivered, once, and redelivers by hand', async () => {
    const server = await receiverServer([410, 410, 410, 410, 200]);
    const receivers = new Map([['r-gone', receiverOf('r-gone', server.url)]]);
    const disabled: Array<[string, number]> = [];
    const running = worker(receivers, {
      onReceiverDisabled: async (receiverId, failures) => {
        disabled.push([receiverId, failures]);
        receivers.get(receiverId)!.enabled = false;
      },
      concurrency: 1,
    });
    await running.start();
    try {
      const ids = await enqueueDeliveries(
        pool,
        tables,
        [1, 2, 3, 4].map((n) => ({
          receiverId: 'r-gone',
          ownerId: 'loc-1',
          eventId: `evt-g${n}`,
          eventType: 'ContactUpdate',
          payload: { type: 'ContactUpdate', n },
        })),
        new Date(),
      );
      await until(async () => {
        const all = await listDeliveries(pool, tables, 'r-gone', { limit: 10 });
        return all.every((d) => d.state === 'rejected') ? all : undefined;
      });
      expect(disabled).toEqual([['r-gone', 3]]);
      // the fourth was not sent: the receiver was disabled by then
      expect(server.received).toHaveLength(3);
      // enabled again and redelivered by hand: sent now, its earlier attempts kept
      receivers.get('r-gone')!.enabled = true;
      server.received.length = 4; // the script's next answer is 200
      expect(await redeliver(pool, tables, 'r-gone', ids[0]!, new Date())).toBe(true);
      const again = await until(async () => {
        const d = await findDelivery(pool, tables, 'r-gone', ids[0]!);
        return d?.state === 'delivered' ? d : undefined;
      });
      expect(again.attempts).toBe(2);
      expect(await redeliver(pool, tables, 'r-other', ids[0]!, new Date())).toBe(false);
    } finally {
      await running.stop();
      await server.close();
    }
  });

  it('keeps at most perReceiver attempts in flight per receiver, and takes over a delivery whose worker died mid-attempt', async () => {
    const server = await receiverServer([200], 150);
    const receivers = new Map([['r-cap', receiverOf('r-cap', server.url)]]);
    const running = worker(receivers, { perReceiver: 2, concurrency: 16 });
    await running.start();
    try {
      await enqueueDeliveries(
        pool,
        tables,
        Array.from({ length: 8 }, (_, n) => ({
          receiverId: 'r-cap',
          ownerId: 'loc-1',
          eventId: `evt-c${n}`,
          eventType: 'ContactUpdate',
          payload: { type: 'ContactUpdate', n },
        })),
        new Date(),
      );
      await until(async () => {
        const all = await listDeliveries(pool, tables, 'r-cap', { limit: 10 });
        return all.length === 8 && all.every((d) => d.state === 'delivered') ? all : undefined;
      });
      expect(server.maxInFlight()).toBeLessThanOrEqual(2);
      // a crash: a delivery claimed ("sending") by a worker that is gone, its lease run out
      await pool.query(
        `insert into ${tables.deliveries} (id, receiver_id, owner_id, event_id, event_type, payload, state, attempts,
           next_attempt_at, lease_until, schedule_from, created_at, updated_at)
         values ('d-crashed', 'r-cap', 'loc-1', 'evt-crash', 'ContactUpdate', '{"type":"ContactUpdate"}', 'sending', 1,
           now(), now() - interval '1 second', now(), now(), now())`,
      );
      running.wake();
      const taken = await until(async () => {
        const d = await findDelivery(pool, tables, 'r-cap', 'd-crashed');
        return d?.state === 'delivered' ? d : undefined;
      });
      expect(taken.attempts).toBe(2);
    } finally {
      await running.stop();
      await server.close();
    }
  });

  it('purges finished deliveries (delivered, failed, rejected) older than the cut-off with their attempts, in batches; recent and pending ones stay', async () => {
    const day = 24 * 60 * 60_000;
    const now = Date.now();
    const row = async (id: string, state: string, ageDays: number) => {
      const at = new Date(now - ageDays * day).toISOString();
      await pool.query(
        `insert into ${tables.deliveries} (id, receiver_id, owner_id, event_id, event_type, payload, state, attempts,
           next_attempt_at, schedule_from, created_at, updated_at, delivered_at)
         values ($1, 'r-purge', 'loc-1', $1, 'ContactUpdate', '{}', $2, 1, $3, $3, $3, $3,
           case when $2 = 'delivered' then $3::timestamptz end)`,
        [id, state, at],
      );
      await pool.query(
        `insert into ${tables.attempts} (delivery_id, number, started_at, duration_ms, outcome, request_url)
         values ($1, 1, $2, 5, 'retry', 'http://127.0.0.1/')`,
        [id, at],
      );
    };
    // five old finished ones (batches of two: three statements), and what must stay
    for (const n of [1, 2, 3]) await row(`p-old-delivered-${n}`, 'delivered', 40);
    await row('p-old-failed', 'failed', 31);
    await row('p-old-rejected', 'rejected', 35);
    await row('p-recent-delivered', 'delivered', 29);
    await row('p-recent-failed', 'failed', 1);
    await row('p-old-pending', 'pending', 40);
    await row('p-old-sending', 'sending', 40);

    const cutoff = new Date(now - 30 * day);
    expect(await purgeFinishedDeliveries(pool, tables, cutoff, 2)).toBe(5);
    const left = await pool.query(
      `select id from ${tables.deliveries} where receiver_id = 'r-purge' order by id`,
    );
    expect(left.rows.map((r: { id: string }) => r.id)).toEqual([
      'p-old-pending',
      'p-old-sending',
      'p-recent-delivered',
      'p-recent-failed',
    ]);
    const attempts = await pool.query(
      `select delivery_id from ${tables.attempts} where delivery_id like 'p-%' order by delivery_id`,
    );
    expect(attempts.rows.map((r: { delivery_id: string }) => r.delivery_id)).toEqual(
      left.rows.map((r) => r.id),
    );
    // idempotent: again, and from two callers at once, nothing more goes
    expect(await purgeFinishedDeliveries(pool, tables, cutoff)).toBe(0);
    await row('p-old-again-1', 'delivered', 40);
    await row('p-old-again-2', 'rejected', 40);
    const both = await Promise.all([
      purgeFinishedDeliveries(pool, tables, cutoff, 1),
      purgeFinishedDeliveries(pool, tables, cutoff, 1),
    ]);
    expect(both[0] + both[1]).toBe(2);
    expect(
      (await pool.query(`select count(*)::int as n from ${tables.deliveries} where receiver_id = 'r-purge'`))
        .rows[0].n,
    ).toBe(4);
  });
});
