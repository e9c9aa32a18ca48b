import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  allowsOverdraft,
  agentWallet,
  isSharded,
  assetOfAccount,
  accounts,
  organizationOfAccount,
} from './accounts.js';
import { isAsset, type Asset } from './amounts.js';
import { insufficientFunds } from './errors.js';
import { storeSql, type ClaimedKey } from './idempotency.js';
import { preparedQuery } from './prepared.js';

/** One line of a journal entry: `amount` is credited to the account's holder when positive, debited when negative. */
export interface EntryLine {
  account: string;
  asset: Asset;
  amount: bigint;
}

export interface NewEntry {
  /** the entry's id, when the caller must name it before posting (e.g. in its event); a fresh uuid otherwise */
  entryId?: string;
  /** what happened: deposit_stripe, deposit_x402, charge, refund, slash, bonus_signup, daily_claim, ... */
  kind: string;
  /** the business fact's own id (charge id, payment intent id, tx hash): (kind, reference) is applied once */
  reference: string;
  /** the agent organization the entry concerns, for its wallet's listings */
  organizationId?: string;
  lines: readonly EntryLine[];
  metadata?: Record<string, string>;
  /** when it happened; the database's clock when absent (tests that move the clock pass it) */
  at?: Date;
}

export interface PostedEntry {
  entryId: string;
  /** true when (kind, reference) was posted before: nothing moved this time, `entryId` is the first posting's */
  duplicate: boolean;
}

export interface Entry {
  entryId: string;
  kind: string;
  reference: string;
  organizationId: string | null;
  metadata: Record<string, string>;
  createdAt: Date;
  lines: EntryLine[];
}

// ledger_post (the ledger's migration) does the whole posting in one round trip.
const POST_ENTRY = `select entry_id, duplicate from ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;
// ... and the idempotency key's result stored in the same statement (see PostOptions.remember)
const POST_ENTRY_AND_STORE = `
  with k as (${storeSql(14)})
  select p.entry_id, p.duplicate, (select count(*) from k)::int as stored
  from ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) p`;

export interface PostOptions {
  /**
   * The request's idempotency key (withIdempotency's second argument to its work) and the result
   * the work will return: stored in the posting's statement, one round trip less. The work must
   * return exactly this result (withIdempotency checks).
   */
  remember?: { key: ClaimedKey | undefined; result: unknown };
}

/** The lines grouped by account (amounts summed), in account order; refuses what cannot be a journal entry. */
function checkedLines(entry: NewEntry): EntryLine[] {
  if (!entry.kind || !entry.reference) throw new Error('a journal entry needs a kind and a reference');
  if (entry.lines.length < 2)
    throw new Error(`journal entry ${entry.kind}/${entry.reference}: fewer than two lines`);
  const byAccount = new Map<string, EntryLine>();
  const perAsset = new Map<string, bigint>();
  for (const line of entry.lines) {
    if (typeof line.amount !== 'bigint') throw new Error(`journal entry ${entry.kind}: amounts are bigint`);
    if (!isAsset(line.asset) || assetOfAccount(line.account) !== line.asset)
      throw new Error(`journal entry ${entry.kind}: account ${line.account} does not hold ${line.asset}`);
    perAsset.set(line.asset, (perAsset.get(line.asset) ?? 0n) + line.amount);
    const same = byAccount.get(line.account);
    byAccount.set(line.account, { ...line, amount: (same?.amount ?? 0n) + line.amount });
  }
  for (const [asset, sum] of perAsset)
    if (sum !== 0n)
      throw new Error(
        `unbalanced journal entry ${entry.kind}/${entry.reference}: ${asset} lines sum to ${sum}`,
      );
  return [...byAccount.values()]
    .filter((line) => line.amount !== 0n)
    .sort((a, b) => (a.account < b.account ? -1 : 1));
}

/**
 * Posts one balanced journal entry inside the caller's transaction (`tx`): its lines sum to zero per
 * asset (an unbalanced entry is a programming error and throws), balances move with it, and an
 * account that allows no overdraft going below zero refuses the whole entry with 402
 * INSUFFICIENT_FUNDS (the transaction is then aborted: the caller lets the error go). The same
 * (kind, reference) is applied once: posting it again moves nothing and answers `duplicate: true`
 * with the first posting's id, even when another transaction is posting it at the same moment.
 */
export async function postEntry(
  tx: EntityManager,
  entry: NewEntry,
  options: PostOptions = {},
): Promise<PostedEntry> {
  const lines = checkedLines(entry);
  const organizations = [
    ...new Set(lines.map((line) => organizationOfAccount(line.account)).filter((o) => o !== undefined)),
  ];
  const key = options.remember?.key;
  const storing = key ? key.storeParameters(options.remember!.result) : [];
  let rows: { entry_id: string; duplicate: boolean; stored?: number }[];
  try {
    rows = await preparedQuery(
      tx,
      key ? 'seren_ledger_post_store' : 'seren_ledger_post',
      key ? POST_ENTRY_AND_STORE : POST_ENTRY,
      [
        entry.entryId ?? randomUUID(),
        entry.kind,
        entry.reference,
        entry.organizationId ?? null,
        JSON.stringify(entry.metadata ?? {}),
        entry.at?.toISOString() ?? null,
        lines.map((line) => line.account),
        lines.map((line) => line.asset),
        lines.map((line) => line.amount.toString()),
        lines.map((line) => allowsOverdraft(line.account)),
        lines.map((line) => isSharded(line.account)),
        organizations.map(agentWallet),
        organizations,
        ...storing,
      ],
    );
  } catch (error) {
    const pg = error as { driverError?: { code?: string }; code?: string; message?: string };
    if ((pg.driverError?.code ?? pg.code) === '23514') {
      const account = /insufficient funds: (\S+)/.exec(pg.message ?? '')?.[1];
      throw insufficientFunds(account ?? lines.find((line) => line.amount < 0n)?.account ?? '');
    }
    throw error;
  }
  if (key) key.stored = { encoded: storing[3] as string, taken: rows[0]!.stored === 1 };
  return { entryId: rows[0]!.entry_id, duplicate: rows[0]!.duplicate };
}

/** An account's balance (0 for one never used). */
export async function balanceOf(tx: EntityManager, account: string): Promise<bigint> {
  const rows: { balance: string }[] = await tx.query(
    `select sum(balance)::text as balance from ledger_balances where account = $1 having count(*) > 0`,
    [account],
  );
  return rows[0] ? BigInt(rows[0].balance) : 0n;
}

/** The organization's agent balances in one asset: funded and promotional credit. */
export async function balances(
  tx: EntityManager,
  organizationId: string,
  asset: Asset,
): Promise<{ funded: bigint; promotional: bigint }> {
  const funded = accounts.agentFunded(organizationId, asset);
  const promotional = accounts.agentPromotional(organizationId, asset);
  const rows: { account: string; balance: string }[] = await tx.query(
    `select account, sum(balance)::text as balance from ledger_balances where account = any($1) group by account`,
    [[funded, promotional]],
  );
  const of = (account: string) => BigInt(rows.find((row) => row.account === account)?.balance ?? '0');
  return { funded: of(funded), promotional: of(promotional) };
}

/** The organization an agent wallet address names, once it had an entry; else undefined. */
export async function organizationOfWallet(tx: EntityManager, address: string): Promise<string | undefined> {
  const rows: { organization_id: string }[] = await tx.query(
    `select organization_id from agent_wallets where address = $1`,
    [address.toLowerCase()],
  );
  return rows[0]?.organization_id;
}

export interface EntriesFilter {
  /** entries with a line on any of these accounts */
  accounts?: readonly string[];
  /** entries recorded for this organization (`NewEntry.organizationId`) */
  organizationId?: string;
  kinds?: readonly string[];
  /** created at or after */
  from?: Date;
  /** created strictly before */
  until?: Date;
  limit: number;
  offset: number;
}

interface EntryRow {
  id: string;
  kind: string;
  reference: string;
  organization_id: string | null;
  metadata: Record<string, string>;
  created_at: Date;
  lines: { account: string; asset: Asset; amount: string }[];
}

/**
 * A page of journal entries matching the filter, newest first, each with all its lines, and how many
 * match. For listings; features with their own aggregations may read ledger_entries/ledger_lines
 * (commerce's own tables) directly.
 */
export async function entriesOf(
  tx: EntityManager,
  filter: EntriesFilter,
): Promise<{ items: Entry[]; total: number }> {
  const where = [
    `($1::text[] is null or exists (select 1 from ledger_lines l where l.entry_id = e.id and l.account = any($1)))`,
    `($2::text is null or e.organization_id = $2)`,
    `($3::text[] is null or e.kind = any($3))`,
    `($4::timestamptz is null or e.created_at >= $4)`,
    `($5::timestamptz is null or e.created_at < $5)`,
  ].join(' and ');
  const params = [
    filter.accounts ?? null,
    filter.organizationId ?? null,
    filter.kinds ?? null,
    filter.from?.toISOString() ?? null,
    filter.until?.toISOString() ?? null,
  ];
  const [rows, count]: [EntryRow[], { total: string }[]] = await Promise.all([
    tx.query(
      `select e.*, (select json_agg(json_build_object('account', l.account, 'asset', l.asset, 'amount', l.amount::text) order by l.account)
                    from ledger_lines l where l.entry_id = e.id) as lines
       from ledger_entries e where ${where}
       order by e.created_at desc, e.id desc limit $6 offset $7`,
      [...params, filter.limit, filter.offset],
    ),
    tx.query(`select count(*) as total from ledger_entries e where ${where}`, params),
  ]);
  return {
    items: rows.map((row) => ({
      entryId: row.id,
      kind: row.kind,
      reference: row.reference,
      organizationId: row.organization_id,
      metadata: row.metadata,
      createdAt: row.created_at,
      lines: row.lines.map((line) => ({
        account: line.account,
        asset: line.asset,
        amount: BigInt(line.amount),
      })),
    })),
    total: Number(count[0]!.total),
  };
}
