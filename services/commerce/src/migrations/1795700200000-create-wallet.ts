// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * The wallet's read tables (src/wallet/): who set up wallet recovery (fed by identity's
 * RecoveryCodeIssued), referral codes, referrals and the rewards paid for them. Balances and the
 * transaction history are the ledger's tables.
 */
export class CreateWallet1795700200000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table wallet_recovery_setups (
        user_id text primary key,
        set_up_at timestamptz not null
      )`);
    await runner.query(`
      create table wallet_referral_codes (
        code text primary key,
        organization_id text not null unique,
        user_id text not null,
        assigned_at timestamptz not null
      )`);
    await runner.query(`
      create table wallet_referrals (
        organization_id text primary key,
        user_id text not null,
        referrer_organization_id text not null,
        code text not null,
        applied_at timestamptz not null
      )`);
    await runner.query(
      `create index wallet_referrals_by_referrer on wallet_referrals (referrer_organization_id)`,
    );
    await runner.query(`
      create table wallet_referral_rewards (
        organization_id text not null,
        referred_organization_id text not null,
        amount_atomic bigint not null,
        paid_at timestamptz not null,
        primary key (organization_id, referred_organization_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table wallet_referral_rewards');
    await runner.query('drop table wallet_referrals');
    await runner.query('drop table wallet_referral_codes');
    await runner.query('drop table wallet_recovery_setups');
  }
}
