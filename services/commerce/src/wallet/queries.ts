import type { EntityManager } from 'typeorm';
import { accounts } from '../ledger/index.js';

// Reads of the wallet over the ledger's tables (ledger_entries, ledger_lines, ledger_balances: the
// journal is the one source of every amount here). The wallet's unit is USDC's atomic unit (6
// decimals, 1 USD = 1,000,000); an account kept in USD cents (if a deposit path credits one) counts
// at 10,000 atomic units per cent.

/** The journal kinds that are usage (pay-per-call) debits, aggregated by day and publisher by default. */
export const USAGE_KINDS = ['charge'];

/** What each journal kind is called in the wallet's `source`, and its default description. */
const SOURCES: Record<string, { source: string; description: string }> = {
  deposit_stripe: { source: 'fiat_purchase', description: 'Deposit (card)' },
  stripe_refund: { source: 'fiat_purchase', description: 'Card deposit refunded' },
  stripe_dispute: { source: 'fiat_purchase', description: 'Card deposit disputed' },
  stripe_dispute_reinstated: { source: 'fiat_purchase', description: 'Card deposit dispute won' },
  stripe_shortfall_collected: {
    source: 'fiat_purchase',
    description: 'Earlier card refund or dispute the balance could not cover',
  },
  deposit_x402: { source: 'onchain_deposit', description: 'Deposit (on-chain)' },
  bonus_signup: { source: 'signup_bonus', description: 'Signup bonus' },
  bonus_payment_method: { source: 'payment_method_bonus', description: 'Payment method bonus' },
  daily_claim: { source: 'daily_claim', description: 'Daily credits' },
  referral: { source: 'referral_reward', description: 'Referral reward' },
  charge: { source: 'usage', description: 'Usage charge' },
  refund: { source: 'refund', description: 'Refund of a charge' },
  slash: { source: 'publisher_slash', description: 'Penalty paid back by a publisher' },
};

export const sourceOf = (kind: string) => SOURCES[kind]?.source ?? kind;
const describe = (kind: string, metadata: Record<string, string> | null) =>
  metadata?.description ?? SOURCES[kind]?.description ?? kind;

/** The organization's agent accounts in every asset the ledger keeps. */
export function walletAccounts(organizationId: string) {
  return {
    funded: [accounts.agentFunded(organizationId, 'USDC'), accounts.agentFunded(organizationId, 'USD')],
    promotional: [
      accounts.agentPromotional(organizationId, 'USDC'),
      accounts.agentPromotional(organizationId, 'USD'),
    ],
  };
}
// with the held account (ledger/holds.ts): a hold and its release move money inside the wallet and
// net to nothing here; a captured call shows as one usage debit of the publisher
const allAccounts = (organizationId: string) => {
  const a = walletAccounts(organizationId);
  return [...a.funded, ...a.promotional, accounts.agentHeld(organizationId, 'USDC')];
};

const ATOMIC = `case l.asset when 'USD' then l.amount * 10000 else l.amount end`;

/** Each journal entry touching the wallet, with its net amount on the wallet's accounts. */
const MINE = `
  mine as (
    select l.entry_id, sum(${ATOMIC}) as amount, max(l.created_at) as created_at
    from ledger_lines l where l.account = any($1)
    group by l.entry_id
  )`;

export interface WalletBalances {
  funded: bigint;
  promotional: bigint;
  bySource: { source: string; kind: 'funded' | 'promotional'; balance: bigint }[];
  totalPurchasesCents: bigint;
}

export async function walletBalances(
  manager: EntityManager,
  organizationId: string,
): Promise<WalletBalances> {
  const { funded, promotional } = walletAccounts(organizationId);
  const rows: { account: string; asset: string; balance: string }[] = await manager.query(
    `select account, asset, balance::text from ledger_balances where account = any($1)`,
    [[...funded, ...promotional]],
  );
  const atomic = (row: { asset: string; balance: string }) =>
    BigInt(row.balance) * (row.asset === 'USD' ? 10_000n : 1n);
  const sum = (list: string[]) =>
    rows.filter((r) => list.includes(r.account)).reduce((total, r) => total + atomic(r), 0n);
  const balances = { funded: sum(funded), promotional: sum(promotional) };

  // By source: debits spend the oldest credit first, so what is left of each balance is its newest
  // credits; walk them newest first until the balance is accounted for.
  const credits: { kind: string; balance_kind: 'funded' | 'promotional'; amount: string }[] =
    await manager.query(
      `select e.kind, case when l.account = any($2) then 'promotional' else 'funded' end as balance_kind,
              (${ATOMIC})::text as amount
       from ledger_lines l join ledger_entries e on e.id = l.entry_id
       where l.account = any($1) and l.amount > 0
       order by l.created_at desc, l.entry_id desc`,
      [[...funded, ...promotional], promotional],
    );
  const left = { ...balances };
  const bySource = new Map<string, { source: string; kind: 'funded' | 'promotional'; balance: bigint }>();
  for (const credit of credits) {
    const kind = credit.balance_kind;
    if (left[kind] <= 0n) continue;
    const amount = BigInt(credit.amount);
    const part = amount < left[kind] ? amount : left[kind];
    left[kind] -= part;
    const key = `${kind}:${sourceOf(credit.kind)}`;
    const entry = bySource.get(key) ?? { source: sourceOf(credit.kind), kind, balance: 0n };
    entry.balance += part;
    bySource.set(key, entry);
  }

  const purchases: { cents: string | null }[] = await manager.query(
    `select (sum(${ATOMIC}) / 10000)::text as cents
     from ledger_lines l join ledger_entries e on e.id = l.entry_id
     where l.account = any($1) and e.kind = 'deposit_stripe'`,
    [funded],
  );
  return {
    ...balances,
    bySource: [...bySource.values()],
    totalPurchasesCents: BigInt(purchases[0]?.cents ?? '0'),
  };
}

export interface WalletTransactionView {
  id: string;
  direction: 'credit' | 'debit';
  source: string;
  amount: bigint;
  description: string;
  publisherId: string | null;
  publisherName: string | null;
  /** the wallet's balance right after this transaction (after the day's last usage, when aggregated) */
  balanceAfter: bigint;
  /** how many usage charges an aggregated row stands for; 1 for every other row */
  usageCount: number;
  createdAt: Date;
}

interface TransactionRow {
  id: string;
  kind: string;
  amount: string;
  created_at: string;
  balance_after: string;
  publisher_id: string | null;
  publisher_name: string | null;
  usage_count: number;
  metadata: Record<string, string> | null;
}

function transactionOf(row: TransactionRow): WalletTransactionView {
  const amount = BigInt(row.amount);
  const aggregated = row.kind === 'usage_day';
  return {
    id: row.id,
    direction: amount < 0n ? 'debit' : 'credit',
    source: aggregated ? 'usage' : sourceOf(row.kind),
    amount: amount < 0n ? -amount : amount,
    description: aggregated
      ? `Usage: ${row.usage_count} ${row.usage_count === 1 ? 'call' : 'calls'} on ${row.metadata?.day ?? ''}`
      : describe(row.kind, row.metadata),
    publisherId: row.publisher_id,
    publisherName: row.publisher_name,
    balanceAfter: BigInt(row.balance_after),
    usageCount: Number(row.usage_count),
    createdAt: new Date(row.created_at),
  };
}

export interface TransactionFilter {
  from: Date | null;
  until: Date | null;
  includeUsage: boolean;
  limit: number;
  offset: number;
}

/**
 * The wallet's transactions, newest first. With `includeUsage` false (the default), usage debits
 * are one row per UTC day and publisher (their sum; its id stable for that day and publisher; its time
 * the day's last usage); every other entry is a row of its own.
 */
export async function walletTransactions(
  manager: EntityManager,
  organizationId: string,
  filter: TransactionFilter,
): Promise<{ items: WalletTransactionView[]; total: number }> {
  const [result]: { total: string; items: TransactionRow[] }[] = await manager.query(
    `with ${MINE},
     running as (
       select m.entry_id, m.amount, m.created_at,
              sum(m.amount) over (order by m.created_at, m.entry_id rows unbounded preceding) as balance_after
       from mine m
     ),
     raw as (
       select r.entry_id::text as id, e.kind, r.amount, r.created_at, r.balance_after, e.metadata,
              (select split_part(p.account, ':', 2) from ledger_lines p
               where p.entry_id = r.entry_id and p.account like 'publisher:%' order by p.account limit 1) as publisher_id
       from running r join ledger_entries e on e.id = r.entry_id
       where r.amount <> 0
         and ($2::timestamptz is null or r.created_at >= $2)
         and ($3::timestamptz is null or r.created_at < $3)
     ),
     usage as (
       select *, (created_at at time zone 'UTC')::date as day from raw
       where not $4 and kind = any($5) and amount < 0
     ),
     listed as (
       select id, kind, amount, created_at, balance_after, publisher_id, 1 as usage_count, metadata from raw
       where $4 or not (kind = any($5) and amount < 0)
       union all
       select md5($6 || ':' || day::text || ':' || coalesce(publisher_id, ''))::uuid::text, 'usage_day', sum(amount),
              max(created_at), (array_agg(balance_after order by created_at desc, id desc))[1], publisher_id,
              count(*)::int, jsonb_build_object('day', day::text)
       from usage group by day, publisher_id
     )
     select (select count(*) from listed)::text as total,
            (select coalesce(json_agg(p), '[]'::json) from (
               select listed.id, kind, amount::text as amount, listed.created_at, balance_after::text as balance_after,
                      publisher_id, pu.name as publisher_name, usage_count, metadata
               from listed left join publishers pu on pu.id = listed.publisher_id
               order by listed.created_at desc, listed.id desc limit $7 offset $8) p) as items`,
    [
      allAccounts(organizationId),
      filter.from?.toISOString() ?? null,
      filter.until?.toISOString() ?? null,
      filter.includeUsage,
      USAGE_KINDS,
      organizationId,
      filter.limit,
      filter.offset,
    ],
  );
  return { total: Number(result!.total), items: result!.items.map(transactionOf) };
}

export interface TransactionSummary {
  startingBalance: bigint;
  totalCredits: bigint;
  totalDebits: bigint;
  transactionCount: number;
}

/** Credits, debits and their count in [from, until), and the balance just before `from`. */
export async function walletSummary(
  manager: EntityManager,
  organizationId: string,
  period: { from: Date | null; until: Date | null },
): Promise<TransactionSummary> {
  const [row]: { starting: string; credits: string; debits: string; count: string }[] = await manager.query(
    `with ${MINE},
     periods as (
       select amount, ($2::timestamptz is null or created_at >= $2) and ($3::timestamptz is null or created_at < $3) as inside,
              ($2::timestamptz is not null and created_at < $2) as before
       from mine where amount <> 0
     )
     select coalesce(sum(amount) filter (where before), 0)::text as starting,
            coalesce(sum(amount) filter (where inside and amount > 0), 0)::text as credits,
            coalesce(-sum(amount) filter (where inside and amount < 0), 0)::text as debits,
            count(*) filter (where inside)::text as count
     from periods`,
    [allAccounts(organizationId), period.from?.toISOString() ?? null, period.until?.toISOString() ?? null],
  );
  return {
    startingBalance: BigInt(row!.starting),
    totalCredits: BigInt(row!.credits),
    totalDebits: BigInt(row!.debits),
    transactionCount: Number(row!.count),
  };
}

/**
 * Every transaction of [from, until), oldest first and never aggregated, in batches read by keyset
 * (so an export of any size holds one batch in memory), each with the balance after it.
 */
export async function* exportTransactions(
  manager: EntityManager,
  organizationId: string,
  period: { from: Date | null; until: Date | null },
  batchSize = 500,
): AsyncGenerator<WalletTransactionView> {
  const { startingBalance } = await walletSummary(manager, organizationId, period);
  let balance = startingBalance;
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    // Each of the wallet's accounts is read by its index from the last key on, at most one batch of
    // lines each: an entry has at most one line per account, so the first `batchSize` entries of
    // their union are whole. One batch costs the same however long the history is.
    const rows: TransactionRow[] = await manager.query(
      `with lines as (
         select l.entry_id, l.asset, l.amount, l.created_at
         from unnest($1::text[]) as wallet(account)
         cross join lateral (
           select entry_id, asset, amount, created_at from ledger_lines
           where account = wallet.account
             and ($2::timestamptz is null or created_at >= $2)
             and ($3::timestamptz is null or created_at < $3)
             and ($4::timestamptz is null or (created_at, entry_id) > ($4::timestamptz, $5::uuid))
           order by created_at, entry_id
           limit $6
         ) l
       ),
       mine as (
         select l.entry_id, sum(${ATOMIC}) as amount, max(l.created_at) as created_at
         from lines l group by l.entry_id
         order by max(l.created_at), l.entry_id
         limit $6
       )
       select m.entry_id::text as id, e.kind, m.amount::text as amount,
              to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
              '0' as balance_after, e.metadata, 1 as usage_count,
              (select split_part(p.account, ':', 2) from ledger_lines p
               where p.entry_id = m.entry_id and p.account like 'publisher:%' order by p.account limit 1) as publisher_id,
              (select pu.name from ledger_lines p join publishers pu on pu.id = split_part(p.account, ':', 2)
               where p.entry_id = m.entry_id and p.account like 'publisher:%' order by p.account limit 1) as publisher_name
       from mine m join ledger_entries e on e.id = m.entry_id
       order by m.created_at, m.entry_id`,
      [
        allAccounts(organizationId),
        period.from?.toISOString() ?? null,
        period.until?.toISOString() ?? null,
        after?.createdAt ?? null,
        after?.id ?? null,
        batchSize,
      ],
    );
    for (const row of rows) {
      const amount = BigInt(row.amount);
      if (amount === 0n) continue; // moved between the wallet's own accounts
      balance += amount;
      yield { ...transactionOf(row), balanceAfter: balance };
    }
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { createdAt: last.created_at, id: last.id };
  }
}

export interface ReferralTotals {
  code: string | null;
  totalReferrals: number;
  totalEarnings: bigint;
}

export async function referralTotals(
  manager: EntityManager,
  organizationId: string,
): Promise<ReferralTotals> {
  const [row]: { code: string | null; referrals: string; earnings: string }[] = await manager.query(
    `select (select code from wallet_referral_codes where organization_id = $1) as code,
            (select count(*) from wallet_referrals where referrer_organization_id = $1)::text as referrals,
            (select coalesce(sum(amount_atomic), 0) from wallet_referral_rewards where organization_id = $1)::text as earnings`,
    [organizationId],
  );
  return { code: row!.code, totalReferrals: Number(row!.referrals), totalEarnings: BigInt(row!.earnings) };
}

export async function referralCodeOwner(
  manager: EntityManager,
  code: string,
): Promise<{ organizationId: string; userId: string } | null> {
  const rows: { organization_id: string; user_id: string }[] = await manager.query(
    `select organization_id, user_id from wallet_referral_codes where code = $1`,
    [code],
  );
  return rows[0] ? { organizationId: rows[0].organization_id, userId: rows[0].user_id } : null;
}
