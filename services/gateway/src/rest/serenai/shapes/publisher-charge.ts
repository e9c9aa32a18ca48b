import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's publisher charge (the spec's PublisherChargeInfo, whose fields it leaves open): amounts
// in USDC atomic units as integers, and as the spec's decimal strings.

export const PublisherChargeFields = graphql(`
  fragment PublisherChargeFields on PublisherCharge {
    id
    publisherId
    publisherSlug
    agentWallet
    asset
    amountAtomic
    fromPromotionalAtomic
    fromFundedAtomic
    description
    idempotencyKey
    status
    refundedAtomic
    slashedAtomic
    refundReason
    refundedAt
    createdAt
    updatedAt
  }
`);

export const publisherChargeSchema = z.object({
  id: z.string(),
  publisher_id: z.string(),
  publisher_slug: z.string(),
  agent_wallet: z.string(),
  asset_symbol: z.string(),
  amount_atomic: z.number().int(),
  amount: z.string(),
  from_promotional_atomic: z.number().int(),
  from_funded_atomic: z.number().int(),
  description: z.string(),
  idempotency_key: z.string().nullable(),
  status: z.enum(['succeeded', 'refunded']),
  refunded_amount_atomic: z.number().int(),
  slashed_amount_atomic: z.number().int(),
  refund_reason: z.string().nullable(),
  refunded_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** `"10.50"` from `10500000` (6 decimals): at least two decimals, more only where the amount has them. */
export function usdcDecimal(atomic: string): string {
  const digits = atomic.padStart(7, '0');
  let fraction = digits.slice(-6);
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${digits.slice(0, -6)}.${fraction}`;
}

export function publisherChargeToRest(
  ref: FragmentOf<typeof PublisherChargeFields>,
): z.input<typeof publisherChargeSchema> {
  const c = readFragment(PublisherChargeFields, ref);
  return {
    id: c.id,
    publisher_id: c.publisherId,
    publisher_slug: c.publisherSlug,
    agent_wallet: c.agentWallet,
    asset_symbol: c.asset,
    amount_atomic: Number(c.amountAtomic),
    amount: usdcDecimal(c.amountAtomic),
    from_promotional_atomic: Number(c.fromPromotionalAtomic),
    from_funded_atomic: Number(c.fromFundedAtomic),
    description: c.description,
    idempotency_key: c.idempotencyKey ?? null,
    status: c.status === 'refunded' ? 'refunded' : 'succeeded',
    refunded_amount_atomic: Number(c.refundedAtomic),
    slashed_amount_atomic: Number(c.slashedAtomic),
    refund_reason: c.refundReason ?? null,
    refunded_at: c.refundedAt ?? null,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}
