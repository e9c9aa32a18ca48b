import { defineProjection } from '@seren/event-store';
import type { WalletEvent } from './wallet.js';

/**
 * The wallet's referral tables, written in each append's transaction. The unique code index makes a
 * colliding new code fail its transaction (the service draws another). Bonuses and daily claims need
 * no table of their own: their money is in the ledger and their once-ness in the wallet's stream.
 */
export const walletReferralsProjection = defineProjection<WalletEvent>({
  name: 'wallet_referrals',
  handles: ['ReferralCodeAssigned', 'ReferralCodeApplied', 'ReferralRewardPaid'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'ReferralCodeAssigned': {
        const d = event.data;
        await manager.query(
          `insert into wallet_referral_codes (code, organization_id, user_id, assigned_at) values ($1, $2, $3, $4)`,
          [d.code, d.organizationId, d.userId, d.assignedAt],
        );
        return;
      }
      case 'ReferralCodeApplied': {
        const d = event.data;
        await manager.query(
          `insert into wallet_referrals (organization_id, user_id, referrer_organization_id, code, applied_at)
           values ($1, $2, $3, $4, $5)`,
          [d.organizationId, d.userId, d.referrerOrganizationId, d.code, d.appliedAt],
        );
        return;
      }
      case 'ReferralRewardPaid': {
        const d = event.data;
        await manager.query(
          `insert into wallet_referral_rewards (organization_id, referred_organization_id, amount_atomic, paid_at)
           values ($1, $2, $3, $4)`,
          [d.organizationId, d.referredOrganizationId, d.amountAtomic, d.paidAt],
        );
        return;
      }
      default:
        return;
    }
  },
});
