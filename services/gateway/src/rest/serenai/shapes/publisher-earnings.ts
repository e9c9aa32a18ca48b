import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { usdcDecimal } from './publisher-charge.js';

// A publisher's earnings in one asset (the spec's PublisherEarningsResponse, whose fields it leaves
// open): from the ledger, in atomic units and as the spec's decimal strings.

export const PublisherEarningsFields = graphql(`
  fragment PublisherEarningsFields on PublisherEarnings {
    publisherId
    assetId
    assetSymbol
    availableAtomic
    pendingAtomic
    pendingCount
    paidOutAtomic
    totalEarnedAtomic
  }
`);

export const publisherEarningsSchema = z.object({
  publisher_id: z.string(),
  asset_id: z.string(),
  asset_symbol: z.string(),
  available_atomic: z.number().int(),
  available: z.string(),
  pending_atomic: z.number().int(),
  pending: z.string(),
  pending_holds: z.number().int(),
  paid_out_atomic: z.number().int(),
  paid_out: z.string(),
  total_earned_atomic: z.number().int(),
  total_earned: z.string(),
});

export function publisherEarningsToRest(
  ref: FragmentOf<typeof PublisherEarningsFields>,
): z.input<typeof publisherEarningsSchema> {
  const e = readFragment(PublisherEarningsFields, ref);
  return {
    publisher_id: e.publisherId,
    asset_id: e.assetId,
    asset_symbol: e.assetSymbol,
    available_atomic: Number(e.availableAtomic),
    available: usdcDecimal(e.availableAtomic),
    pending_atomic: Number(e.pendingAtomic),
    pending: usdcDecimal(e.pendingAtomic),
    pending_holds: e.pendingCount,
    paid_out_atomic: Number(e.paidOutAtomic),
    paid_out: usdcDecimal(e.paidOutAtomic),
    total_earned_atomic: Number(e.totalEarnedAtomic),
    total_earned: usdcDecimal(e.totalEarnedAtomic),
  };
}
