import { createHash, randomUUID } from 'node:crypto';
import { EventStore } from '@seren/event-store';
import { openDatabase, type RequestOrigin } from '@seren/service-kit';
import { isDomainError } from '@seren/service-kit/errors';
import type { Commerce } from '../application.js';
import { createCharge, refundCharge, slashCharge } from '../charges/service.js';
import { accounts, agentWallet, postEntry } from '../ledger/index.js';
import { commerceProjections } from '../projections.js';

export interface MoneyWorkerSettings {
  databaseUrl: string;
  database: string;
  agents: string[];
  publishers: { slug: string; organizationId: string }[];
  /** operations in flight at once */
  concurrency: number;
  /** how many idempotency keys and deposit references there are: small pools make workers collide */
  keyPool: number;
}

/** A stable number from a string: the same key always means the same request. */
const numberOf = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0);
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;

export const publisherCaller = (publisher: { organizationId: string }): RequestOrigin => ({
  caller: {
    kind: 'user',
    subject: `publisher-key-${publisher.organizationId}`,
    organizationId: publisher.organizationId,
    scopes: [],
    permissions: ['publisher.manage'],
    via: 'api_key',
  },
  requestId: randomUUID(),
});

/** The deposit a reference stands for: its agent and amount follow from it, so a repeat is the same deposit. */
export function depositOf(settings: Pick<MoneyWorkerSettings, 'agents'>, reference: string) {
  const n = numberOf(reference);
  const organizationId = settings.agents[n % settings.agents.length]!;
  const amount = BigInt(1_000_000 + (n % 4_000_000));
  return {
    kind: 'deposit_x402',
    reference,
    organizationId,
    lines: [
      { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC' as const, amount },
      { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC' as const, amount: -amount },
    ],
  };
}

/**
 * Runs charges (half of them with an idempotency key from a small pool, so workers reuse keys),
 * refunds, slashes and deposits (references from a small pool: the same deposit arrives again) until
 * the process is killed.
 */
export async function runMoneyWorker(settings: MoneyWorkerSettings): Promise<void> {
  const dataSource = await openDatabase({
    serverUrl: settings.databaseUrl,
    database: settings.database,
    poolSize: settings.concurrency + 2,
  });
  const store = new EventStore({ dataSource, projections: commerceProjections });
  const commerce = { dataSource, store, now: () => new Date() } as unknown as Commerce;
  let done = 0;
  let refused = 0;
  let failed = 0;
  let recent: { id: string; slug: string; organizationId: string; amount: number }[] = [];

  async function refreshRecent() {
    const rows: { id: string; slug: string; organization_id: string; amount_atomic: string }[] =
      await dataSource.query(
        `select c.id, p.slug, p.organization_id, c.amount_atomic from charges c join publishers p on p.id = c.publisher_id
       order by c.created_at desc limit 300`,
      );
    recent = rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      organizationId: r.organization_id,
      amount: Number(r.amount_atomic),
    }));
  }

  async function oneOperation() {
    const roll = Math.random();
    if (roll < 0.25) {
      const reference = `dep-${Math.floor(Math.random() * settings.keyPool)}`;
      await dataSource.transaction((tx) => postEntry(tx, depositOf(settings, reference)));
    } else if (roll < 0.75 || recent.length === 0) {
      const keyed = Math.random() < 0.5;
      const key = keyed ? `key-${Math.floor(Math.random() * settings.keyPool)}` : undefined;
      const n = numberOf(key ?? randomUUID());
      const publisher = settings.publishers[n % settings.publishers.length]!;
      await createCharge(commerce, publisherCaller(publisher), {
        slug: publisher.slug,
        agentWallet: agentWallet(settings.agents[(n >> 8) % settings.agents.length]!),
        amountAtomic: BigInt(1 + (n % 900_000)),
        description: key ? `keyed ${key}` : 'unkeyed',
        idempotencyKey: key,
      });
    } else if (roll < 0.9) {
      const charge = pick(recent);
      await refundCharge(commerce, publisherCaller(charge), {
        slug: charge.slug,
        chargeId: charge.id,
        reason: 'test',
      });
    } else {
      const charge = pick(recent);
      await slashCharge(commerce, publisherCaller(charge), {
        slug: charge.slug,
        chargeId: charge.id,
        reason: 'test',
        amountAtomic: BigInt(1 + Math.floor(Math.random() * Math.max(1, charge.amount / 3))),
      });
    }
  }

  async function loop() {
    for (;;) {
      try {
        await oneOperation();
        done += 1;
      } catch (error) {
        // refusals are answers (402, 400 beyond the charge, 409 key in flight), not failures
        if (isDomainError(error)) refused += 1;
        else {
          failed += 1;
          console.error(`money worker: ${(error as Error).message}`);
        }
      }
      if ((done + refused) % 50 === 0) await refreshRecent().catch(() => undefined);
    }
  }

  await refreshRecent();
  console.log('READY');
  setInterval(() => console.log(`DONE ${done} ${refused} ${failed}`), 100).unref();
  await Promise.all(Array.from({ length: settings.concurrency }, loop));
}
