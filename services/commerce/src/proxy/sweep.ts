import type { EventData, PublisherCallCompleted } from '@seren/contracts';
import type { Commerce } from '../application.js';
import { agentWallet, expiredHolds, releaseHold } from '../ledger/index.js';
import { dropOldFreeCalls, dropOldWindows } from './limits.js';

// The proxy's safety net: a call whose process died between its hold and the hold's settlement
// leaves the money held. Once the hold expired (the upstream's timeout plus a grace), the sweep
// releases it back to the wallet and records the call as released (status unknown), in one
// transaction; rows being settled right now are skipped (`skip locked`), so the call or the sweep
// settles each hold, never both. x402 claims of dead calls are dropped (nothing was settled for
// them); per-minute windows past their minute are deleted. Every replica sweeps; the locks share the work.
// Agent tasks' holds are not swept: their Temporal workflow settles them (durable timers).

type CallEvent = EventData<typeof PublisherCallCompleted>;

const BATCH = 100;

/** One pass; answers how many holds it released. */
export async function sweepProxy(commerce: Commerce, now = commerce.now()): Promise<number> {
  const released = await commerce.dataSource.transaction(async (tx) => {
    const holds = (await expiredHolds(tx, now, BATCH)).filter((hold) => hold.metadata.kind !== 'task');
    for (const hold of holds) {
      const settled = await releaseHold(tx, hold.id, {
        reason: 'expired: the call never completed',
        at: now,
      });
      if (!settled.settled) continue;
      const kind = hold.metadata.kind === 'query' ? 'query' : 'proxy';
      const data: CallEvent = {
        callId: hold.id,
        publisherId: hold.publisherId,
        organizationId: hold.organizationId,
        agentId: hold.metadata.agent_id || null,
        agentWallet: agentWallet(hold.organizationId),
        kind,
        paidWith: 'wallet',
        asset: 'USDC',
        cost: hold.amount.toString(),
        rows: null,
        latencyMs: Math.max(0, now.getTime() - hold.createdAt.getTime()),
        status: null,
        outcome: 'released',
        entryId: null,
        txHash: null,
        at: now.toISOString(),
      };
      // a second hold of one call (a query's extra rows) shares the call's stream: its id has a suffix
      if (hold.id.includes(':')) continue;
      await commerce.store.append(
        `publisher-call-${hold.id}`,
        'publisher_call',
        [{ type: 'PublisherCallCompleted', data }],
        {
          manager: tx,
          expectedVersion: 0,
          metadata: { actor: 'system:proxy-sweep', organizationId: hold.organizationId },
        },
      );
    }
    return holds.length;
  });
  await commerce.dataSource.query(
    `delete from proxy_x402_claims where status = 'verified' and expires_at < $1`,
    [now],
  );
  await dropOldWindows(commerce.dataSource.manager, now);
  await dropOldFreeCalls(commerce.dataSource.manager, now);
  return released;
}

/** Sweeps every `sweepIntervalMs` until the service closes. */
export function sweepPeriodically(commerce: Commerce, onClose: (stop: () => void) => void) {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepProxy(commerce)
      .catch((error: unknown) => commerce.logger.warn({ err: error }, 'proxy sweep failed; next round again'))
      .finally(() => {
        running = false;
      });
  }, commerce.proxy.sweepIntervalMs);
  timer.unref();
  onClose(() => {
    clearInterval(timer);
    void commerce.proxy.databases.close();
  });
}
