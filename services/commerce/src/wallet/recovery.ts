import { RecoveryCodeIssued, topicFor } from '@seren/contracts';
import type { ConsumerDefinition } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';

/**
 * Whether a user set up wallet recovery is identity's fact (POST /wallet/recovery issues the code).
 * Commerce learns it from identity's event stream: RecoveryCodeIssued (on setup, and again when a
 * recovery rotates the code) lands in `wallet_recovery_setups`, which the promotions read in their own
 * transaction. Chosen over asking identity at claim time (a federated field cannot feed a mutation's
 * decision, and services do not call each other's internals): commerce stays up when identity is
 * slow, and the rule reads a local table. The price is delay: a claim in the instant after the setup,
 * before the event arrived (one relay hop, about a poll interval), is still 403.
 */
export const WALLET_RECOVERY_GROUP = 'commerce.wallet-recovery';

export const walletRecoveryConsumer = (groupId = WALLET_RECOVERY_GROUP): ConsumerDefinition => ({
  groupId,
  topics: [topicFor(RecoveryCodeIssued)],
  events: [RecoveryCodeIssued],
  pollIntervalMs: 250,
  handler: async (event, { manager }) => {
    if (event.type !== 'RecoveryCodeIssued') return;
    const { userId, issuedAt } = event.data as { userId: string; issuedAt: string };
    await manager.query(
      `insert into wallet_recovery_setups (user_id, set_up_at) values ($1, $2) on conflict (user_id) do nothing`,
      [userId, issuedAt],
    );
  },
});

export async function hasRecovery(manager: EntityManager, userId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(`select 1 from wallet_recovery_setups where user_id = $1`, [
    userId,
  ]);
  return rows.length > 0;
}
