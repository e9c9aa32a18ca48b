import type { EntityManager } from 'typeorm';
import { preparedQuery } from '../ledger/prepared.js';

export interface PublisherView {
  id: string;
  slug: string;
  name: string;
  organizationId: string;
  createdAt: string;
}

export interface ChargeView {
  id: string;
  publisherId: string;
  publisherSlug: string;
  agentOrganizationId: string;
  agentWallet: string;
  asset: 'USDC';
  amountAtomic: bigint;
  fromPromotionalAtomic: bigint;
  fromFundedAtomic: bigint;
  description: string;
  idempotencyKey: string | null;
  status: 'succeeded' | 'refunded';
  refundedAtomic: bigint;
  slashedAtomic: bigint;
  refundReason: string | null;
  refundedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface PublisherRow {
  id: string;
  slug: string;
  name: string;
  organization_id: string;
  created_at: Date;
}

const publisherOf = (row: PublisherRow): PublisherView => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  organizationId: row.organization_id,
  createdAt: row.created_at.toISOString(),
});

/** A publisher by id or by slug, else undefined. */
export async function findPublisher(
  manager: EntityManager,
  idOrSlug: string,
): Promise<PublisherView | undefined> {
  const rows: PublisherRow[] = await manager.query(
    `select * from publishers where id = $1 or slug = $1 limit 1`,
    [idOrSlug],
  );
  return rows[0] && publisherOf(rows[0]);
}

/** The organization's first publisher (the one a publisher API key speaks for), else undefined. */
export async function publisherOfOrganization(
  manager: EntityManager,
  organizationId: string,
): Promise<PublisherView | undefined> {
  const rows: PublisherRow[] = await manager.query(
    `select * from publishers where organization_id = $1 order by created_at, id limit 1`,
    [organizationId],
  );
  return rows[0] && publisherOf(rows[0]);
}

interface ChargeRow {
  id: string;
  publisher_id: string;
  publisher_slug: string;
  agent_organization_id: string;
  agent_wallet: string;
  amount_atomic: string;
  from_promotional_atomic: string;
  from_funded_atomic: string;
  description: string;
  idempotency_key: string | null;
  status: 'succeeded' | 'refunded';
  refunded_atomic: string;
  slashed_atomic: string;
  refund_reason: string | null;
  refunded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const chargeOf = (row: ChargeRow): ChargeView => ({
  id: row.id,
  publisherId: row.publisher_id,
  publisherSlug: row.publisher_slug,
  agentOrganizationId: row.agent_organization_id,
  agentWallet: row.agent_wallet,
  asset: 'USDC',
  amountAtomic: BigInt(row.amount_atomic),
  fromPromotionalAtomic: BigInt(row.from_promotional_atomic),
  fromFundedAtomic: BigInt(row.from_funded_atomic),
  description: row.description,
  idempotencyKey: row.idempotency_key,
  status: row.status,
  refundedAtomic: BigInt(row.refunded_atomic),
  slashedAtomic: BigInt(row.slashed_atomic),
  refundReason: row.refund_reason,
  refundedAt: row.refunded_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The publisher's charge, else undefined (another publisher's charge is not found either). */
export async function findCharge(
  manager: EntityManager,
  publisherId: string,
  chargeId: string,
): Promise<ChargeView | undefined> {
  const rows: ChargeRow[] = await manager.query(
    `select c.*, p.slug as publisher_slug from charges c join publishers p on p.id = c.publisher_id
     where c.id = $1 and c.publisher_id = $2`,
    [chargeId, publisherId],
  );
  return rows[0] && chargeOf(rows[0]);
}

/**
 * What a charge needs, in one round trip: the publisher the slug names, the organization of the agent
 * wallet, and that organization's two balances in `asset` as they are now, their rows locked until
 * the transaction ends (charges of one agent take turns; the split over its balances stays right).
 * `accountTemplates` are the agent's account ids with `{org}` for the organization.
 */
export async function chargeContext(
  tx: EntityManager,
  slug: string,
  address: string,
  accountTemplates: { funded: string; promotional: string },
): Promise<{
  publisher: PublisherView | undefined;
  agentOrganizationId: string | undefined;
  balances: { funded: bigint; promotional: bigint };
}> {
  const [row] = await preparedQuery<{
    publisher: (Omit<PublisherRow, 'created_at'> & { created_at: string }) | null;
    agent: string | null;
    balances: { account: string; balance: string }[] | null;
  }>(
    tx,
    'seren_charge_context',
    `with w as (select organization_id from agent_wallets where address = $2),
     locked as (
       select b.account, b.balance from ledger_balances b, w
       where b.account in (replace($3, '{org}', w.organization_id), replace($4, '{org}', w.organization_id))
       order by b.account for update of b
     )
     select (select row_to_json(p) from publishers p where p.slug = $1) as publisher,
            (select organization_id from w) as agent,
            (select json_agg(json_build_object('account', account, 'balance', balance::text)) from locked) as balances`,
    [slug, address, accountTemplates.funded, accountTemplates.promotional],
  );
  const agent = row?.agent ?? undefined;
  const of = (template: string) =>
    BigInt(
      row?.balances?.find((b) => agent && b.account === template.replace('{org}', agent))?.balance ?? '0',
    );
  return {
    publisher: row?.publisher
      ? publisherOf({ ...row.publisher, created_at: new Date(row.publisher.created_at) })
      : undefined,
    agentOrganizationId: agent,
    balances: { funded: of(accountTemplates.funded), promotional: of(accountTemplates.promotional) },
  };
}
