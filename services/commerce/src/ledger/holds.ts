// Holds: a paid call's price taken from the agent's wallet before the upstream runs, so a call is
// never served unpaid, and given back when the upstream fails, so a failed call costs nothing.
//
// Every step is a journal entry (double-entry, like every movement of the ledger):
//   place    kind `hold`,         reference the hold id: promotional/funded −x (promotional first),
//                                 `agent:<org>:held:<asset>` +x
//   capture  kind `charge`,       reference the hold id: held −x, the publisher's earnings +c,
//                                 what is not captured (x − c) back to funded, then promotional
//   release  kind `hold_release`, reference the hold id: held −x, back to where it came from
// The hold's row (`ledger_holds`) is locked by capture and release, so exactly one of them settles
// it, whoever comes first (the call, or the sweep releasing a hold whose process died); the other
// sees it settled and moves nothing. (kind, reference) is unique in the journal too.
//
// The held account belongs to the agent's organization: the wallet lists only what left it (a
// capture shows as a usage debit of the publisher), and its balance is what is not held.
import type { EntityManager } from 'typeorm';
import { accounts } from './accounts.js';
import type { Asset } from './amounts.js';
import { insufficientFunds } from './errors.js';
import { postEntry, type EntryLine } from './journal.js';
import { preparedQuery } from './prepared.js';

export type HoldStatus = 'held' | 'captured' | 'released';

export interface Hold {
  id: string;
  organizationId: string;
  publisherId: string;
  asset: Asset;
  amount: bigint;
  fromPromotional: bigint;
  fromFunded: bigint;
  status: HoldStatus;
  /** what capture moved to the publisher (null until captured) */
  captured: bigint | null;
  holdEntryId: string;
  /** the capture's or release's entry */
  settleEntryId: string | null;
  metadata: Record<string, string>;
  expiresAt: Date;
  createdAt: Date;
  settledAt: Date | null;
}

export interface PlaceHoldInput {
  /** the hold's id (the call's id): placing it again answers the first hold */
  holdId: string;
  organizationId: string;
  publisherId: string;
  asset: Asset;
  amount: bigint;
  /** when the sweep may release it if nobody settled it (its process died) */
  expiresAt: Date;
  /** what the sweep needs to report the call (never a secret) */
  metadata?: Record<string, string>;
  at: Date;
}

interface HoldRow {
  id: string;
  organization_id: string;
  publisher_id: string;
  asset: Asset;
  amount: string;
  from_promotional: string;
  from_funded: string;
  status: HoldStatus;
  captured: string | null;
  hold_entry_id: string;
  settle_entry_id: string | null;
  metadata: Record<string, string>;
  expires_at: Date;
  created_at: Date;
  settled_at: Date | null;
}

const holdOf = (row: HoldRow): Hold => ({
  id: row.id,
  organizationId: row.organization_id,
  publisherId: row.publisher_id,
  asset: row.asset,
  amount: BigInt(row.amount),
  fromPromotional: BigInt(row.from_promotional),
  fromFunded: BigInt(row.from_funded),
  status: row.status,
  captured: row.captured === null ? null : BigInt(row.captured),
  holdEntryId: row.hold_entry_id,
  settleEntryId: row.settle_entry_id,
  metadata: row.metadata,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
  settledAt: row.settled_at,
});

/** The lines that give `funded` and `promotional` back to the agent (zero lines left out). */
function backToAgent(hold: Hold, funded: bigint, promotional: bigint): EntryLine[] {
  const lines: EntryLine[] = [];
  if (funded > 0n)
    lines.push({
      account: accounts.agentFunded(hold.organizationId, hold.asset),
      asset: hold.asset,
      amount: funded,
    });
  if (promotional > 0n)
    lines.push({
      account: accounts.agentPromotional(hold.organizationId, hold.asset),
      asset: hold.asset,
      amount: promotional,
    });
  return lines;
}

/**
 * Holds `amount` of the organization's wallet for a call, in the caller's transaction: promotional
 * credit first, then funded credit (the order charges spend in), into its held account. 402
 * INSUFFICIENT_FUNDS when the wallet cannot cover it all. The agent's balance rows are locked while
 * the split is decided, so concurrent holds of one wallet take turns and never overdraw it. The
 * same hold id placed again answers the first hold and moves nothing.
 */
export async function placeHold(tx: EntityManager, input: PlaceHoldInput): Promise<Hold> {
  if (input.amount <= 0n) throw new Error('a hold is of a positive amount');
  const funded = accounts.agentFunded(input.organizationId, input.asset);
  const promotional = accounts.agentPromotional(input.organizationId, input.asset);
  const rows = await preparedQuery<{ account: string; balance: string }>(
    tx,
    'seren_hold_balances',
    `select account, balance::text as balance from ledger_balances where account = any($1) order by account for update`,
    [[funded, promotional]],
  );
  const balanceOf = (account: string) =>
    rows.filter((row) => row.account === account).reduce((sum, row) => sum + BigInt(row.balance), 0n);
  const promotionalBalance = balanceOf(promotional);
  const fromPromotional = promotionalBalance < input.amount ? promotionalBalance : input.amount;
  const fromFunded = input.amount - fromPromotional;
  if (fromFunded > balanceOf(funded)) throw insufficientFunds(funded);
  const lines: EntryLine[] = [
    {
      account: accounts.agentHeld(input.organizationId, input.asset),
      asset: input.asset,
      amount: input.amount,
    },
  ];
  if (fromPromotional > 0n)
    lines.push({ account: promotional, asset: input.asset, amount: -fromPromotional });
  if (fromFunded > 0n) lines.push({ account: funded, asset: input.asset, amount: -fromFunded });
  const { entryId, duplicate } = await postEntry(tx, {
    kind: 'hold',
    reference: input.holdId,
    organizationId: input.organizationId,
    lines,
    metadata: { publisher_id: input.publisherId, ...input.metadata },
    at: input.at,
  });
  // placed before (the same hold id): the journal moved nothing this time; answer the first hold
  if (duplicate) return (await findHold(tx, input.holdId))!;
  const inserted = await preparedQuery<HoldRow>(
    tx,
    'seren_hold_insert',
    `insert into ledger_holds (id, organization_id, publisher_id, asset, amount, from_promotional, from_funded,
                               status, hold_entry_id, metadata, expires_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, 'held', $8, $9, $10, $11)
     returning *`,
    [
      input.holdId,
      input.organizationId,
      input.publisherId,
      input.asset,
      input.amount.toString(),
      fromPromotional.toString(),
      fromFunded.toString(),
      entryId,
      JSON.stringify(input.metadata ?? {}),
      input.expiresAt,
      input.at,
    ],
  );
  return holdOf(inserted[0]!);
}

export async function findHold(tx: EntityManager, holdId: string): Promise<Hold | undefined> {
  const rows: HoldRow[] = await tx.query(`select * from ledger_holds where id = $1`, [holdId]);
  return rows[0] && holdOf(rows[0]);
}

/** The hold under its row lock (capture and release of one hold take turns), else undefined. */
async function lockedHold(tx: EntityManager, holdId: string): Promise<Hold | undefined> {
  const rows = await preparedQuery<HoldRow>(
    tx,
    'seren_hold_lock',
    `select * from ledger_holds where id = $1 for update`,
    [holdId],
  );
  return rows[0] && holdOf(rows[0]);
}

/** What settling a hold did: `settled` false when it was already captured or released (nothing moved now). */
export interface SettledHold {
  hold: Hold;
  settled: boolean;
}

export interface CaptureInput {
  /** what the publisher earns: at most the hold; the rest goes back to the agent */
  amount: bigint;
  /** the capture entry's metadata (publisher_slug, description, ...): what the wallet shows */
  metadata?: Record<string, string>;
  at: Date;
}

/**
 * Captures the hold: `amount` (≤ the hold) into the publisher's earnings, the rest back to the
 * agent (funded first: it was spent last), one entry of kind `charge` — the wallet's usage. Once:
 * a hold already settled (captured, or released by the sweep) answers `settled: false`.
 */
export async function captureHold(
  tx: EntityManager,
  holdId: string,
  input: CaptureInput,
): Promise<SettledHold> {
  const hold = await lockedHold(tx, holdId);
  if (!hold) throw new Error(`no hold ${holdId}`);
  if (hold.status !== 'held') return { hold, settled: false };
  if (input.amount < 0n || input.amount > hold.amount)
    throw new Error(`hold ${holdId}: cannot capture ${input.amount} of ${hold.amount}`);
  const rest = hold.amount - input.amount;
  const toFunded = rest < hold.fromFunded ? rest : hold.fromFunded;
  const lines: EntryLine[] = [
    { account: accounts.agentHeld(hold.organizationId, hold.asset), asset: hold.asset, amount: -hold.amount },
    ...backToAgent(hold, toFunded, rest - toFunded),
  ];
  if (input.amount > 0n)
    lines.push({
      account: accounts.publisherEarnings(hold.publisherId, hold.asset),
      asset: hold.asset,
      amount: input.amount,
    });
  const { entryId } = await postEntry(tx, {
    kind: input.amount > 0n ? 'charge' : 'hold_release',
    reference: holdId,
    organizationId: hold.organizationId,
    lines,
    metadata: { publisher_id: hold.publisherId, hold_id: holdId, ...input.metadata },
    at: input.at,
  });
  return { hold: await settle(tx, hold, 'captured', input.amount, entryId, input.at), settled: true };
}

/**
 * Releases the hold: all of it back to the balances it came from, one entry of kind
 * `hold_release`. Once: a hold already settled answers `settled: false`.
 */
export async function releaseHold(
  tx: EntityManager,
  holdId: string,
  input: { reason: string; at: Date },
): Promise<SettledHold> {
  const hold = await lockedHold(tx, holdId);
  if (!hold) throw new Error(`no hold ${holdId}`);
  if (hold.status !== 'held') return { hold, settled: false };
  const { entryId } = await postEntry(tx, {
    kind: 'hold_release',
    reference: holdId,
    organizationId: hold.organizationId,
    lines: [
      {
        account: accounts.agentHeld(hold.organizationId, hold.asset),
        asset: hold.asset,
        amount: -hold.amount,
      },
      ...backToAgent(hold, hold.fromFunded, hold.fromPromotional),
    ],
    metadata: { publisher_id: hold.publisherId, hold_id: holdId, reason: input.reason },
    at: input.at,
  });
  return { hold: await settle(tx, hold, 'released', null, entryId, input.at), settled: true };
}

async function settle(
  tx: EntityManager,
  hold: Hold,
  status: 'captured' | 'released',
  captured: bigint | null,
  entryId: string,
  at: Date,
): Promise<Hold> {
  // typeorm answers an UPDATE ... RETURNING as [rows, affected]
  const [rows]: [HoldRow[], number] = await tx.query(
    `update ledger_holds set status = $2, captured = $3, settle_entry_id = $4, settled_at = $5 where id = $1 returning *`,
    [hold.id, status, captured?.toString() ?? null, entryId, at],
  );
  return holdOf(rows[0]!);
}

/**
 * Holds nobody settled before they expired (their process died mid-call), oldest first, locked for
 * the caller's transaction; rows another sweeper holds are skipped, so replicas share the work.
 */
export async function expiredHolds(tx: EntityManager, now: Date, limit: number): Promise<Hold[]> {
  const rows: HoldRow[] = await tx.query(
    `select * from ledger_holds where status = 'held' and expires_at < $1
     order by expires_at limit $2 for update skip locked`,
    [now, limit],
  );
  return rows.map(holdOf);
}

/** What the publisher's open holds amount to, per asset: its pending earnings. */
export async function pendingHolds(
  tx: EntityManager,
  publisherId: string,
): Promise<{ asset: Asset; amount: bigint; count: number }[]> {
  const rows: { asset: Asset; amount: string; count: string }[] = await tx.query(
    `select asset, sum(amount)::text as amount, count(*)::text as count from ledger_holds
     where publisher_id = $1 and status = 'held' group by asset order by asset`,
    [publisherId],
  );
  return rows.map((row) => ({ asset: row.asset, amount: BigInt(row.amount), count: Number(row.count) }));
}
