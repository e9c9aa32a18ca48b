import type { EntityManager } from 'typeorm';

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
